/**
 * Serves the SDK stand-in at `GET /sdk/js`: `browser-sdk.ts` compiled once (lazily) to a plain script with the
 * emulator's public URL baked in.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { transform } from "esbuild";
import type { Router } from "../router";

const SOURCE = path.join(path.dirname(fileURLToPath(import.meta.url)), "browser-sdk.ts");

async function compile(publicUrl: string): Promise<string> {
  const result = await transform(await readFile(SOURCE, "utf8"), {
    loader: "ts",
    format: "iife",
    target: "es2019",
    define: { __PAYPAL_EMULATOR_PUBLIC_URL__: JSON.stringify(publicUrl) },
  });
  return result.code;
}

export function registerSdk(router: Router, publicUrl: string): void {
  let script: Promise<string> | undefined;
  router.add("GET", "/sdk/js", { kind: "public" }, async () => ({
    status: 200,
    contentType: "application/javascript; charset=utf-8",
    headers: { "cache-control": "no-cache" },
    text: await (script ??= compile(publicUrl)),
  }));
}
