import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SPEC_DIRECTORY, SPEC_FILES } from "./test-support/conformance";

/**
 * The OpenAPI files are unmodified copies of PayPal's (NOTICE.md names the commit); SHA256SUMS beside them was
 * written from those originals, so an edit to a copy — by hand or by a tool — fails here, in any clone.
 */
const sums = new Map(
  readFileSync(path.join(SPEC_DIRECTORY, "SHA256SUMS"), "utf8")
    .trim()
    .split("\n")
    .map((line) => line.split(/\s+/).reverse() as [string, string]),
);

describe("OpenAPI copies", () => {
  it("lists every copy the conformance checks read", () => {
    expect([...sums.keys()].sort()).toEqual([...SPEC_FILES].sort());
  });

  it.each(SPEC_FILES)("%s is byte-identical to PayPal's file", (file) => {
    const digest = createHash("sha256").update(readFileSync(path.join(SPEC_DIRECTORY, file))).digest("hex");
    expect(digest).toBe(sums.get(file));
  });
});
