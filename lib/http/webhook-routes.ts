import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { log } from "@/lib/log";
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

/** Whether `url` is a webhook route; server.ts hands those to serveWebhook and the rest to Next.js. */
export function isWebhookRoute(url: string | undefined): boolean {
  return ROUTES[(url ?? "").split("?")[0]!] !== undefined;
}

function readRaw(req: IncomingMessage): Promise<Buffer | "too-large"> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > WEBHOOK_BODY_LIMIT_BYTES) return Promise.resolve("too-large");
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > WEBHOOK_BODY_LIMIT_BYTES) {
        req.pause();
        resolve("too-large");
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store", ...headers });
  res.end(JSON.stringify(body));
}

export async function serveWebhook(req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    if (req.method !== "POST") return send(res, 405, { ok: false, error: "POST only" }, { Allow: "POST" });
    const deps = await ROUTES[req.url!.split("?")[0]!]!();
    if (!deps) return send(res, 404, { ok: false, error: "this provider is not configured" });
    const raw = await readRaw(req);
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
