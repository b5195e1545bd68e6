import { describe, expect, it } from "vitest";
import { makeCourse, makeUser } from "@/lib/testing/fixtures";
import { usePayments } from "@/lib/testing/payments";
import { startCheckout } from "@/lib/payments/checkout";
import { WebhookVerifier } from "./webhook-signature";

describe("webhook signature verification (offline method, against the emulator's signed deliveries)", () => {
  const h = usePayments("pglite", { notifications: true });

  async function genuineDelivery() {
    const deps = h.instance();
    const [user, course] = await Promise.all([makeUser(h.db), makeCourse(h.db)]);
    const started = await startCheckout(deps, user.id, { kind: "course", courseId: course.id });
    if (!started.ok) throw new Error(started.message);
    await h.emulator.control.approveOrder(started.providerOrderId);
    await h.settle();
    const delivery = h.responses.find((r) => r.path === "/webhook")!;
    return { deps, delivery };
  }

  it("accepts PayPal's signature over the exact bytes, and nothing else", async () => {
    const { deps, delivery } = await genuineDelivery();
    const verifier = new WebhookVerifier(deps.env, deps.client, { apiFallback: false });
    expect(await verifier.verify(delivery.headers, delivery.raw)).toMatchObject({ ok: true });

    const oneByteLater = Buffer.concat([delivery.raw, Buffer.from(" ")]);
    expect(await verifier.verify(delivery.headers, oneByteLater)).toEqual({ ok: false, reason: "signature does not match the body" });

    const otherWebhook = new WebhookVerifier({ ...deps.env, webhookId: "9ZZ99999ZZ999999Z" }, deps.client, { apiFallback: false });
    expect(await otherWebhook.verify(delivery.headers, delivery.raw)).toMatchObject({ ok: false });

    const without = new Headers(delivery.headers);
    without.delete("paypal-transmission-sig");
    expect(await verifier.verify(without, delivery.raw)).toEqual({ ok: false, reason: "missing PayPal transmission headers" });

    const md5 = new Headers(delivery.headers);
    md5.set("paypal-auth-algo", "MD5withRSA");
    expect(await verifier.verify(md5, delivery.raw)).toMatchObject({ ok: false, reason: expect.stringMatching(/algorithm/) });
  });

  it("never fetches a certificate from outside PayPal (or, in local mode, the emulator)", async () => {
    const { deps, delivery } = await genuineDelivery();
    const verifier = new WebhookVerifier(deps.env, deps.client, { apiFallback: false });
    for (const url of [
      "https://evil.example/v1/notifications/certs/CERT-1",
      `${new URL(deps.env.apiBase).protocol}//user:pass@${new URL(deps.env.apiBase).host}/v1/notifications/certs/CERT-1`,
      `${deps.env.apiBase}/somewhere/else.pem`,
      "not a url",
    ]) {
      const headers = new Headers(delivery.headers);
      headers.set("paypal-cert-url", url);
      expect(await verifier.verify(headers, delivery.raw), url).toMatchObject({ ok: false });
    }
    const sandbox = new WebhookVerifier({ ...deps.env, mode: "sandbox", certHosts: ["api.sandbox.paypal.com"] }, deps.client, { apiFallback: false });
    expect(await sandbox.verify(delivery.headers, delivery.raw)).toMatchObject({ ok: false, reason: expect.stringMatching(/outside PayPal/) });
  });

  it("falls back to PayPal's verify-webhook-signature API when configured and the certificate cannot be fetched", async () => {
    const { deps, delivery } = await genuineDelivery();
    await h.emulator.control.addFault({ method: "GET", path: "/v1/notifications/certs/", count: 2, kind: "http500", phase: "before" });
    const offlineOnly = new WebhookVerifier(deps.env, deps.client, { apiFallback: false });
    expect(await offlineOnly.verify(delivery.headers, delivery.raw)).toMatchObject({ ok: false, reason: expect.stringMatching(/certificate unavailable/) });
    const withFallback = new WebhookVerifier(deps.env, deps.client, { apiFallback: true });
    expect(await withFallback.verify(delivery.headers, delivery.raw)).toMatchObject({ ok: true });
    const tampered = Buffer.from(delivery.raw.toString().replace('"event_version":"1.0"', '"event_version":"9.9"'));
    await h.emulator.control.addFault({ method: "GET", path: "/v1/notifications/certs/", count: 1, kind: "http500", phase: "before" });
    const again = new WebhookVerifier(deps.env, deps.client, { apiFallback: true });
    expect(await again.verify(delivery.headers, tampered)).toMatchObject({ ok: false, reason: expect.stringMatching(/FAILURE/) });
  });
});
