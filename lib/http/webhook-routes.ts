import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { log } from "@/lib/log";
import { readNodeBodyUpTo } from "./body";
import { receiveWebhook, type NotificationDeps } from "@/lib/payments/notifications";
import { paymentDeps, stripeDeps } from "@/lib/payments/runtime";

/**
 * Provider webhooks, answered by server.ts before Next.js sees the request. They are machine-to-machine — no page,
 * session, cookie or React — and Next's route layer (web Request/Response streams, request contexts) cost more CPU
 * per event than verifying, storing and applying it (bench:webhooks' profile, README "Performance").
 * The signatures cover the exact bytes, so bodies are kept raw, never re-serialised.
 */
const ROUTES: Record<string, () => Promise<NotificationDeps | null>> = {
  "/api/paypal/webhook": paymentDeps,
  "/api/payments/stripe/webhook": stripeDeps,
};

/** Far above any PayPal or Stripe event (a few KB); what a client sends beyond it is not read. */
export const WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;

const routeOf = (url: string | undefined) => ROUTES[(url ?? "").split("?")[0]!];

/** Whether `url` is a webhook route; server.ts hands those to serveWebhook and the rest to Next.js. */
export function isWebhookRoute(url: string | undefined): boolean {
  return routeOf(url) !== undefined;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store", ...headers });
  res.end(JSON.stringify(body));
}

export async function serveWebhook(req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    if (req.method !== "POST") return send(res, 405, { ok: false, error: "POST only" }, { Allow: "POST" });
    const deps = await routeOf(req.url)!();
    if (!deps) return send(res, 404, { ok: false, error: "this provider is not configured" });
    const raw = await readNodeBodyUpTo(req, WEBHOOK_BODY_LIMIT_BYTES);
    if (raw === "too-large") return send(res, 413, { ok: false, error: "body too large" }, { Connection: "close" });
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    const { status, body } = await receiveWebhook(deps, headers, raw);
    send(res, status, body);
  } catch (error) {
    // Not applied: the provider delivers it again.
    log.error({ err: error, path: req.url }, "webhook request failed");
    if (!res.headersSent) send(res, 500, { ok: false, error: "not applied yet" });
    else res.destroy();
  }
}
