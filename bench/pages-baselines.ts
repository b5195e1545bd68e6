/**
 * The bare baselines bench:pages measures next to the store's pages, in the same run, on the same machine:
 *
 * - the framework floor: Next.js's smallest dynamic page (bench/next-floor: one heading, no CSS, no client
 *   component), built and started with this project's own next, react and react-dom. Whatever it scores is the
 *   most any App Router page can score here, since every such page ships React and Next's client runtime.
 * - script-free pages: the store's own HTML and CSS with every <script> taken out, through a proxy in front of
 *   the app. That is the score of our markup, images and styles alone, without hydration.
 *
 * The floor is built outside the repository: inside it, Turbopack takes the repository as the project root and
 * bundles the store's instrumentation.ts into the floor. node_modules is hard-linked (cp -al), not symlinked,
 * because Turbopack refuses modules outside its root and a second copy of React would break the build.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "@/lib/testing/app-process";

export type Baseline = { url: string; stop(): Promise<void> };

export async function startNextFloor(root: string): Promise<Baseline> {
  const dir = path.join(tmpdir(), "coursepay-next-floor");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(path.join(root, "bench", "next-floor"), dir, { recursive: true });
  if (spawnSync("cp", ["-al", path.join(root, "node_modules"), path.join(dir, "node_modules")]).status !== 0) throw new Error("could not link node_modules for the Next.js floor");
  const next = path.join(dir, "node_modules", "next", "dist", "bin", "next");
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" };
  const build = spawnSync(process.execPath, [next, "build"], { cwd: dir, env, encoding: "utf8" });
  if (build.status !== 0 || !existsSync(path.join(dir, ".next", "BUILD_ID"))) throw new Error(`the Next.js floor did not build:\n${build.stdout}\n${build.stderr}`);
  const port = await freePort();
  const child = spawn(process.execPath, [next, "start", "-p", String(port), "-H", "127.0.0.1"], { cwd: dir, env, stdio: "ignore" });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const up = await fetch(url).then((r) => r.ok, () => false);
    if (up) break;
    if (i === 100) throw new Error("the Next.js floor did not start");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    async stop() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Strips every script element and script preload from HTML; other responses pass through unchanged. */
export function withoutScripts(html: string): string {
  return html.replace(/<script\b[\s\S]*?<\/script>/gi, "").replace(/<link\b[^>]*\bas="script"[^>]*>/gi, "");
}

export async function startScriptFreeProxy(target: string): Promise<Baseline> {
  const server: Server = createServer((req, res) => {
    const headers: Record<string, string> = { "accept-encoding": "identity" };
    if (req.headers.cookie) headers.cookie = req.headers.cookie;
    fetch(target + req.url, { headers, redirect: "manual" }).then(
      async (upstream) => {
        const type = upstream.headers.get("content-type") ?? "";
        const body = Buffer.from(await upstream.arrayBuffer());
        const out = type.includes("text/html") ? Buffer.from(withoutScripts(body.toString("utf8"))) : body;
        const location = upstream.headers.get("location");
        res.writeHead(upstream.status, { "content-type": type, "cache-control": "no-store", ...(location ? { location } : {}) });
        res.end(out);
      },
      (error: unknown) => {
        res.writeHead(502, { "content-type": "text/plain" });
        res.end(String(error));
      },
    );
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // Chromium keeps its connections open; close() alone would wait for them
      }),
  };
}

/**
 * Lighthouse's mobile profile slows the CPU 4× on the assumption that it runs on a high-end desktop
 * (benchmarkIndex 1500–2000). Its documentation says to calibrate on a slower host, with this piecewise rule from
 * its CPU-throttling calculator: 2× at a benchmarkIndex of 800, 3× at 1300, 4× at 1533, +1× per 233 above that,
 * and 1× at 150 — so that the page is judged on the same mid-tier phone whatever machine runs the bench.
 */
export function calibratedSlowdown(benchmarkIndex: number): number {
  if (benchmarkIndex >= 1300) return 3 + (benchmarkIndex - 1300) / 233;
  if (benchmarkIndex >= 800) return 2 + (benchmarkIndex - 800) / 500;
  return Math.max(1, 1 + (benchmarkIndex - 150) / 650);
}
