/**
 * The install stays clean: the committed lock is exactly what `npm install` writes on this kind of machine (so a
 * fresh clone is not dirtied by it and `npm ci` accepts it), and every locked package runs on the oldest Node
 * our `engines` allow.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import semver from "semver";
import { describe, expect, it } from "vitest";

const root = process.cwd();
const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(path.join(root, "package-lock.json"), "utf8")) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[]; optional?: boolean }>;
};

describe("install", () => {
  it("npm install leaves the committed lock file byte for byte as it is", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "coursepay-lock-"));
    try {
      for (const file of ["package.json", "package-lock.json"]) copyFileSync(path.join(root, file), path.join(dir, file));
      execFileSync("npm", ["install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: dir, stdio: "pipe" });
      expect(readFileSync(path.join(dir, "package-lock.json"), "utf8")).toBe(readFileSync(path.join(root, "package-lock.json"), "utf8"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("every locked package supports the oldest Node that package.json's engines allow", () => {
    const oldest = semver.minVersion(pkg.engines.node)!.version;
    const refusing = Object.entries(lock.packages)
      .filter(([name, entry]) => name && !Array.isArray(entry.engines) && entry.engines?.node)
      .filter(([, entry]) => !semver.satisfies(oldest, (entry.engines as { node: string }).node, { includePrerelease: true }))
      .map(([name, entry]) => `${name.replace(/^.*node_modules\//, "")}@${entry.version} needs node ${(entry.engines as { node: string }).node}`);
    expect(refusing).toEqual([]);
  });
});
