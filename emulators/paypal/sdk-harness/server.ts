/**
 * Harness for the Playwright SDK spec: an emulator on a free port, the bundled test page, and a tiny merchant
 * backend that creates and captures orders server-side with client credentials (as the storefront does).
 */
import { createServer, type ServerResponse } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { startEmulator } from "../index";

const PORT = Number(process.env.SDK_HARNESS_PORT ?? 4391);
const here = path.dirname(fileURLToPath(import.meta.url));

async function main(): Promise<void> {
  const emulator = await startEmulator({ port: 0 });
  const { clientId, clientSecret } = emulator.config;
  const bundle = await build({
    entryPoints: [path.join(here, "app.tsx")],
    bundle: true,
    write: false,
    format: "iife",
    jsx: "automatic",
    target: "es2020",
    define: { "process.env.NODE_ENV": '"development"' },
    logLevel: "warning",
  });
  const appJs = bundle.outputFiles[0]?.text ?? "";

  let token: string | undefined;
  const fetchToken = async () => {
    const response = await fetch(`${emulator.url}/v1/oauth2/token`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials",
    });
    return ((await response.json()) as { access_token: string }).access_token;
  };
  // Like any PayPal client: cache the token, and on a 401 (specs reset the emulator) fetch a new one and retry once.
  const paypal = async (method: string, pathname: string, body?: unknown, retried = false): Promise<{ status: number; body: unknown }> => {
    token ??= await fetchToken();
    const response = await fetch(`${emulator.url}${pathname}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 401 && !retried) {
      token = undefined;
      return paypal(method, pathname, body, true);
    }
    return { status: response.status, body: await response.json() };
  };

  const send = (response: ServerResponse, status: number, type: string, body: string) => {
    response.writeHead(status, { "content-type": type, "cache-control": "no-store" }).end(body);
  };
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>SDK harness</title></head><body><div id="root"></div>
<script>window.__HARNESS__ = ${JSON.stringify({ emulatorUrl: emulator.url, clientId })};</script><script src="/app.js"></script></body></html>`;

  createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://harness.invalid");
    const capture = /^\/api\/orders\/([A-Z0-9]+)\/capture$/.exec(url.pathname);
    void (async () => {
      if (url.pathname === "/health") return send(response, 200, "text/plain", "ok");
      if (url.pathname === "/") return send(response, 200, "text/html; charset=utf-8", page);
      if (url.pathname === "/app.js") return send(response, 200, "application/javascript", appJs);
      if (url.pathname === "/api/config") return send(response, 200, "application/json", JSON.stringify({ emulatorUrl: emulator.url }));
      if (request.method === "POST" && url.pathname === "/api/orders") {
        const created = await paypal("POST", "/v2/checkout/orders", {
          intent: "CAPTURE",
          purchase_units: [{ custom_id: "harness", amount: { currency_code: "USD", value: "49.00" } }],
        });
        return send(response, created.status, "application/json", JSON.stringify(created.body));
      }
      if (request.method === "POST" && capture) {
        const result = await paypal("POST", `/v2/checkout/orders/${capture[1]}/capture`, {});
        return send(response, result.status, "application/json", JSON.stringify(result.body));
      }
      send(response, 404, "text/plain", "not found");
    })().catch((error: unknown) => send(response, 500, "text/plain", String(error)));
  }).listen(PORT, "127.0.0.1", () => console.log(`SDK harness on http://127.0.0.1:${PORT}, emulator ${emulator.url}`));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
