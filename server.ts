/**
 * The store's HTTP server: Next.js's request handler behind lib/http/edge.ts, so the client IP, scheme and host
 * the app sees come from the socket (or from the proxies TRUSTED_PROXY_HOPS trusts), never from what a client
 * claims. `npm start` runs it in production; `npm run dev` runs it with --dev. The configuration is checked
 * before anything starts: each problem is printed on one line and the process exits 1.
 * It runs under `tsx --conditions=react-server`, like the operator commands, because the modules it shares with the
 * app are marked `server-only`; Next renders with its own vendored React, which that condition does not touch.
 */
import { createServer } from "node:http";
import { loadEnvConfig } from "@next/env";
import next from "next";
import { configurationProblems, exitWithProblems, oneLine } from "@/lib/config/boot";
import { applyEdge } from "@/lib/http/edge";
import { trustedProxyHops } from "@/lib/http/forwarded";
import { isPublicPageRequest, servePublicPage } from "@/lib/http/public-pages";
import { isWebhookRoute, serveWebhook } from "@/lib/http/webhook-routes";

const dev = process.argv.includes("--dev");
// tsx turns source maps on for every stack trace the process captures; Next's production chunks ship without maps,
// and the lookups cost CPU on every request that creates an Error (bench:webhooks' profile).
if (!dev) process.setSourceMapsEnabled(false);
loadEnvConfig(process.cwd(), dev);

async function main() {
  const problems = configurationProblems(process.env);
  if (problems.length) exitWithProblems(problems);
  const port = Number(process.env.PORT ?? 3000);
  const hostname = process.env.HOSTNAME ?? "0.0.0.0";
  const hops = trustedProxyHops();
  // instrumentation.ts refuses to start a production app that was not started through this server.
  process.env.COURSEPAY_SERVER = "1";

  const app = next({ dev, dir: process.cwd(), hostname, port });
  const handle = app.getRequestHandler();
  try {
    await app.prepare();
    // In production Next.js prepares (and runs instrumentation.ts: migrations, seed, payment configuration) on
    // the first request; prepare it now, so nothing listens before the store can serve and a failure ends the start.
    // (`app.server` is the inner NextServer a custom server wraps; its getServer() is the one that would prepare lazily.)
    const inner = (app as unknown as { server: { getServer(): Promise<{ prepare(): Promise<void> }> } }).server;
    await inner.getServer().then((server) => server.prepare());
  } catch (error) {
    exitWithProblems([oneLine((error as { cause?: unknown }).cause ?? error)]);
  }

  const server = createServer((req, res) => {
    void applyEdge(req, res, hops).then((proceed) => {
      if (!proceed) return;
      if (isWebhookRoute(req.url)) return serveWebhook(req, res);
      // Development serves every page per request: its scripts need eval and change on every edit.
      return !dev && isPublicPageRequest(req) ? servePublicPage(req, res, handle) : handle(req, res);
    });
  });
  if (dev) server.on("upgrade", (req, socket, head) => void app.getUpgradeHandler()(req, socket, head));
  server.listen(port, hostname, () => console.log(`[coursepay] ready on http://localhost:${port}${dev ? " (development)" : ""}`));

  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

void main();
