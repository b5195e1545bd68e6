/**
 * The webhook routes server.ts answers ahead of Next.js (lib/http/webhook-routes.ts), on the real production
 * server: a forged event is refused and stores nothing, other methods and oversized bodies are refused unread.
 * Genuinely signed deliveries through this path are what the checkout e2e tests, test:resilience and
 * bench:webhooks run on.
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { paymentEvents } from "@/db/schema";
import type { Db } from "@/db/client";
import { startAppWithDatabase, type AppProcess } from "@/lib/testing/app-process";
import { WEBHOOK_BODY_LIMIT_BYTES } from "./webhook-routes";

describe("the webhook routes of the production server", () => {
  let app: AppProcess & { db: Db };
  beforeAll(async () => {
    app = await startAppWithDatabase({ PAYPAL_EMULATOR_PORT: "1" });
  });
  afterAll(() => app?.stop());

  const event = JSON.stringify({ id: "WH-FORGED-1", event_type: "PAYMENT.CAPTURE.COMPLETED", resource: { id: "CAPTURE1" } });

  it("refuses a PayPal event whose signature does not verify, and stores nothing", async () => {
    const response = await fetch(`${app.url}/api/paypal/webhook`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "paypal-transmission-id": "forged",
        "paypal-transmission-time": new Date().toISOString(),
        "paypal-transmission-sig": "Zm9yZ2Vk",
        "paypal-cert-url": "https://attacker.example/cert.pem",
        "paypal-auth-algo": "SHA256withRSA",
      },
      body: event,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ ok: false, error: "invalid signature" });
    expect(await app.db.select().from(paymentEvents)).toEqual([]);
    expect(app.lines.some((line) => line.includes("webhook-rejected"))).toBe(true);
  });

  it("answers other methods with 405 and an oversized body with 413, unread", async () => {
    const get = await fetch(`${app.url}/api/paypal/webhook`);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    // The body is declared too large and only its first kilobyte is sent: the 413 arrives while the rest is still
    // owed, so the server did not wait to read it. (Sending all of it raced the server's close: EPIPE, no answer.)
    const big = await new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
      const req = request(`${app.url}/api/paypal/webhook?x=1`, { method: "POST", headers: { "Content-Length": String(WEBHOOK_BODY_LIMIT_BYTES + 1) } });
      req.on("response", (response) => {
        resolve({ status: response.statusCode!, connection: response.headers.connection });
        req.destroy();
      });
      req.on("error", reject);
      req.write("x".repeat(1024));
    });
    expect(big).toEqual({ status: 413, connection: "close" });
    expect(await app.db.select().from(paymentEvents)).toEqual([]);
  });

  it("says Stripe's route is not configured when Stripe has no key, and keeps security headers on these answers", async () => {
    const response = await fetch(`${app.url}/api/payments/stripe/webhook`, { method: "POST", body: event });
    expect(response.status).toBe(404);
    expect(response.headers.get("permissions-policy")).toContain("camera=()");
  });
});
