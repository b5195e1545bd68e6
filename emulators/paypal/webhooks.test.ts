import { verify } from "node:crypto";
import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import { approvedOrder, capturedOrder, useEmulator } from "./test-support/harness";
import { startListener, useListener, type Received } from "./test-support/listener";

const hook = useListener();

const WEBHOOK_ID = "4JH86294D6297924G";
const fixture = useEmulator({
  get webhookUrl() {
    return hook.url;
  },
  webhookId: WEBHOOK_ID,
});

const events = (received: Received[]) => received.map((request) => JSON.parse(request.raw) as { event_type: string; id: string; resource: Record<string, any> });
const eventTypes = () => events(hook.current.received).map((event) => event.event_type);
const settle = () => fixture.emulator.control.webhooks.flush();

/**
 * PayPal's offline verification, written independently of the emulator (reference §7.6): fetch the certificate,
 * CRC-32 of the raw body as an unsigned decimal, SHA256withRSA over id|time|webhook id|crc.
 */
async function verifiesOffline(request: Received, webhookId: string, body = request.raw): Promise<boolean> {
  const certificate = await (await fetch(String(request.headers["paypal-cert-url"]))).text();
  const message = `${request.headers["paypal-transmission-id"]}|${request.headers["paypal-transmission-time"]}|${webhookId}|${crc32(body) >>> 0}`;
  return verify("sha256", Buffer.from(message), certificate, Buffer.from(String(request.headers["paypal-transmission-sig"]), "base64"));
}

describe("delivery and signatures", () => {
  it("delivers a capture's events in PayPal's envelope, signed so that offline verification succeeds", async () => {
    const { orderId, capture } = await capturedOrder(fixture);
    await settle();
    // Deliveries run concurrently, so arrival order is not guaranteed (as with PayPal).
    expect(eventTypes().sort()).toEqual(["CHECKOUT.ORDER.APPROVED", "CHECKOUT.ORDER.COMPLETED", "PAYMENT.CAPTURE.COMPLETED"]);
    const request = hook.current.received.find((received) => received.raw.includes('"event_type":"PAYMENT.CAPTURE.COMPLETED"')) as Received;
    expect(request.headers["paypal-auth-algo"]).toBe("SHA256withRSA");
    expect(request.headers["paypal-transmission-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(String(request.headers["paypal-cert-url"])).toMatch(new RegExp(`^${fixture.emulator.url}/v1/notifications/certs/CERT-`));
    expect(await verifiesOffline(request, WEBHOOK_ID)).toBe(true);
    expect(await verifiesOffline(request, WEBHOOK_ID, request.raw.replace("COMPLETED", "DECLINED"))).toBe(false);
    expect(await verifiesOffline(request, "SOMEOTHERWEBHOOK")).toBe(false);

    const event = JSON.parse(request.raw);
    expect(event).toMatchObject({ event_version: "1.0", resource_type: "capture", resource_version: "2.0", event_type: "PAYMENT.CAPTURE.COMPLETED" });
    expect(event.id).toMatch(/^WH-[A-Z0-9]{17}-[A-Z0-9]{17}$/);
    expect(event.create_time).toMatch(/\.\d{3}Z$/);
    expect(event.resource).toMatchObject({ id: capture.id, custom_id: "checkout-42", supplementary_data: { related_ids: { order_id: orderId } } });
    expect(event.links.map((link: { rel: string }) => link.rel)).toEqual(["self", "resend"]);
    const stored = await fixture.api.get(`/v1/notifications/webhooks-events/${event.id}`);
    expect(stored.body).toEqual(event);
  });

  it("verifies signatures through POST /v1/notifications/verify-webhook-signature", async () => {
    await approvedOrder(fixture);
    await settle();
    const request = hook.current.received[0] as Received;
    const verification = (webhookEvent: unknown) =>
      fixture.api.post("/v1/notifications/verify-webhook-signature", {
        auth_algo: request.headers["paypal-auth-algo"],
        cert_url: request.headers["paypal-cert-url"],
        transmission_id: request.headers["paypal-transmission-id"],
        transmission_sig: request.headers["paypal-transmission-sig"],
        transmission_time: request.headers["paypal-transmission-time"],
        webhook_id: WEBHOOK_ID,
        webhook_event: webhookEvent,
      });
    const event = JSON.parse(request.raw);
    expect((await verification(event)).body).toEqual({ verification_status: "SUCCESS" });
    expect((await verification({ ...event, summary: "tampered" })).body).toEqual({ verification_status: "FAILURE" });
  });

  it("serves the signing certificate as PEM", async () => {
    const { certUrl } = await fixture.emulator.control.info();
    const pem = await (await fetch(certUrl)).text();
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });
});

describe("event resources", () => {
  it("pending capture, then denied: PAYMENT.CAPTURE.PENDING and PAYMENT.CAPTURE.DENIED", async () => {
    const { capture } = await capturedOrder(fixture, "pending");
    await fixture.emulator.control.settleCapture(capture.id, "denied");
    await settle();
    const byType = (type: string) => events(hook.current.received).find((event) => event.event_type === type);
    const pending = byType("PAYMENT.CAPTURE.PENDING");
    const denied = byType("PAYMENT.CAPTURE.DENIED");
    expect(pending?.resource.status_details).toEqual({ reason: "ECHECK" });
    expect(denied).toBeDefined();
    expect(denied?.resource.status).toBe("DECLINED");
  });

  it("pending capture settled: PAYMENT.CAPTURE.COMPLETED with a fee breakdown", async () => {
    const { capture } = await capturedOrder(fixture, "pending");
    const settled = await fixture.emulator.control.settleCapture(capture.id, "completed");
    expect(settled.capture.status).toBe("COMPLETED");
    await settle();
    const completed = events(hook.current.received).find((event) => event.event_type === "PAYMENT.CAPTURE.COMPLETED");
    expect(completed?.resource.seller_receivable_breakdown.paypal_fee.value).toBe("2.20");
  });

  it("failed funding: PAYMENT.CAPTURE.DECLINED", async () => {
    await capturedOrder(fixture, "failure");
    await settle();
    expect(eventTypes()).toContain("PAYMENT.CAPTURE.DECLINED");
  });

  it("refund: PAYMENT.CAPTURE.REFUNDED with a refund resource linking up to the capture", async () => {
    const { capture } = await capturedOrder(fixture);
    await fixture.api.post(`/v2/payments/captures/${capture.id}/refund`, { amount: { currency_code: "USD", value: "9.00" } });
    await settle();
    const refunded = events(hook.current.received).find((event) => event.event_type === "PAYMENT.CAPTURE.REFUNDED");
    expect(refunded?.resource.amount).toEqual({ currency_code: "USD", value: "9.00" });
    expect(refunded?.resource.links.find((link: { rel: string }) => link.rel === "up").href).toBe(`${fixture.emulator.url}/v2/payments/captures/${capture.id}`);
  });

  it("chargeback: PAYMENT.CAPTURE.REVERSED, capture REFUNDED with reason CHARGEBACK", async () => {
    const { capture } = await capturedOrder(fixture);
    await fixture.emulator.control.reverseCapture(capture.id);
    await settle();
    const reversed = events(hook.current.received).find((event) => event.event_type === "PAYMENT.CAPTURE.REVERSED");
    expect(reversed?.resource.amount.value).toBe("49.00");
    expect((await fixture.api.get(`/v2/payments/captures/${capture.id}`)).body).toMatchObject({ status: "REFUNDED", status_details: { reason: "CHARGEBACK" } });
  });
});

describe("delivery policy", () => {
  it("retries non-2xx answers with a new transmission each time, keeping the event id", async () => {
    hook.current.respondWith(500, 503);
    await approvedOrder(fixture);
    await settle();
    expect(hook.current.received).toHaveLength(3);
    expect(new Set(events(hook.current.received).map((event) => event.id)).size).toBe(1);
    expect(new Set(hook.current.received.map((request) => request.headers["paypal-transmission-id"])).size).toBe(3);
    for (const request of hook.current.received) expect(await verifiesOffline(request, WEBHOOK_ID)).toBe(true);
    const [record] = await fixture.emulator.control.notifications({ channel: "webhook" });
    expect(record).toMatchObject({ attempts: 3, statuses: [500, 503, 200], state: "delivered" });
  });

  it("gives up after the last retry", async () => {
    hook.current.respondWith(500, 500, 500, 500);
    await approvedOrder(fixture);
    await settle();
    const [record] = await fixture.emulator.control.notifications({ channel: "webhook" });
    expect(record).toMatchObject({ attempts: 4, state: "failed" });
  });

  it("failFirst sends but counts the first attempts as failed; duplicate delivers twice", async () => {
    await fixture.emulator.control.webhooks.setPolicy({ failFirst: 1, duplicate: 1 });
    await approvedOrder(fixture);
    await settle();
    expect(hook.current.received).toHaveLength(4);
    const records = await fixture.emulator.control.notifications({ channel: "webhook" });
    expect(records.map((record) => record.duplicate)).toEqual([false, true]);
  });

  it("drop loses attempts in transit (retried later)", async () => {
    await fixture.emulator.control.webhooks.setPolicy({ drop: 1, retryDelaysMs: [10] });
    await approvedOrder(fixture);
    await settle();
    expect(hook.current.received).toHaveLength(0);
    const [record] = await fixture.emulator.control.notifications();
    expect(record?.statuses).toEqual(["dropped", "dropped"]);
  });

  it("holds events and releases them in reverse order", async () => {
    await fixture.emulator.control.webhooks.hold();
    await capturedOrder(fixture);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(hook.current.received).toHaveLength(0);
    expect((await settle()).held).toBe(3);
    expect(await fixture.emulator.control.webhooks.release({ order: "reverse" })).toBe(3);
    await settle();
    expect(eventTypes()).toEqual(["CHECKOUT.ORDER.COMPLETED", "PAYMENT.CAPTURE.COMPLETED", "CHECKOUT.ORDER.APPROVED"]);
  });

  it("delays deliveries off the request path", async () => {
    // Far longer than the API calls take even on a loaded CI machine (150 ms was not: the calls sometimes took longer).
    const delayMs = 2_000;
    await fixture.emulator.control.webhooks.setPolicy({ delayMs });
    const started = Date.now();
    await approvedOrder(fixture);
    expect(Date.now() - started).toBeLessThan(delayMs);
    expect(hook.current.received).toHaveLength(0);
    await settle();
    expect(hook.current.received).toHaveLength(1);
  });
});

describe("listener management", () => {
  it("registers, lists and deletes listeners; each listener's deliveries are signed with its own id", async () => {
    const second = await startListener();
    try {
      const created = await fixture.api.post("/v1/notifications/webhooks", { url: second.url, event_types: [{ name: "PAYMENT.CAPTURE.COMPLETED" }] });
      expect(created.status).toBe(201);
      expect(created.body.id).toMatch(/^[A-Z0-9]{17}$/);
      const listed = await fixture.api.get("/v1/notifications/webhooks");
      expect(listed.body.webhooks.map((webhook: { id: string }) => webhook.id)).toEqual([WEBHOOK_ID, created.body.id]);
      expect((await fixture.api.post("/v1/notifications/webhooks", { url: second.url, event_types: [{ name: "*" }] })).status).toBe(400);

      await capturedOrder(fixture);
      await settle();
      expect(second.received.map((request) => JSON.parse(request.raw).event_type)).toEqual(["PAYMENT.CAPTURE.COMPLETED"]);
      expect(await verifiesOffline(second.received[0] as Received, created.body.id)).toBe(true);

      expect((await fixture.api.raw("DELETE", `/v1/notifications/webhooks/${created.body.id}`)).status).toBe(204);
      expect((await fixture.api.get(`/v1/notifications/webhooks/${created.body.id}`)).status).toBe(404);
    } finally {
      await second.close();
    }
  });

  it("resends a stored event", async () => {
    await approvedOrder(fixture);
    await settle();
    const event = events(hook.current.received)[0];
    const resent = await fixture.api.post(`/v1/notifications/webhooks-events/${event?.id}/resend`, { webhook_ids: [WEBHOOK_ID] });
    expect(resent.status).toBe(202);
    await settle();
    expect(events(hook.current.received).map((received) => received.id)).toEqual([event?.id, event?.id]);
  });

  it("keeps the start-up listener across resets", async () => {
    await fixture.emulator.control.reset();
    expect((await fixture.api.get(`/v1/notifications/webhooks/${WEBHOOK_ID}`)).body.url).toBe(hook.current.url);
  });
});
