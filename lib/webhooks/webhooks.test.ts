/**
 * Outgoing events end to end on both engines: the store signs (Standard Webhooks) and delivers through the outbox;
 * the LMS emulator's listener verifies every delivery with the maintained `standardwebhooks` library and keeps each
 * event once. A listener answering 500 is retried with backoff; a change applied twice announces nothing twice.
 */
import { eq, like, sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { outboxJobs, webhookDeliveries, webhookEndpoints } from "@/db/schema";
import { startLmsEmulator, type LmsEmulator } from "@/emulators/lms";
import { addToCart } from "@/lib/cart";
import { runOutboxOnce } from "@/lib/outbox";
import { outboxHandlers } from "@/lib/outbox/handlers";
import { captureCheckout, startCheckout } from "@/lib/payments/checkout";
import { requestRefund } from "@/lib/payments/refunds";
import { testEngines } from "@/lib/testing/db";
import { makeCourse, makeUser } from "@/lib/testing/fixtures";
import { useProvider } from "@/lib/testing/providers";
import { sendTestEvent } from "./deliver";
import { createEndpoint, endpointFormSchema, endpointSecret } from "./endpoints";

type Received = { deliveries: number; rejected: number; events: { id: string; type: string; data: Record<string, Record<string, unknown>> }[] };

for (const engine of testEngines()) {
  describe(`outgoing webhooks on ${engine}`, () => {
    const p = useProvider("paypal", engine);
    let lms: LmsEmulator;
    let secret: string;
    let endpointId: string;

    beforeAll(async () => {
      lms = await startLmsEmulator({ port: 0, key: "generate" });
      const admin = await makeUser(p.db, { role: "admin" });
      const input = endpointFormSchema.parse({ url: `${lms.url}/hooks/coursepay`, description: "LMS listener", eventTypes: ["order.completed", "order.refunded", "enrollment.granted", "enrollment.revoked"], enabled: "on" });
      const created = await createEndpoint(p.db, admin.id, input);
      secret = created.secret;
      endpointId = created.endpoint.id;
      // Another endpoint that wants nothing this suite causes.
      await createEndpoint(p.db, admin.id, endpointFormSchema.parse({ url: `${lms.url}/hooks/other`, eventTypes: ["subscription.cancelled"], enabled: "on" }));
    });
    afterAll(() => lms?.close());
    beforeEach(async () => {
      await fetch(`${lms.url}/__emulator/reset`, { method: "POST" });
      await fetch(`${lms.url}/__emulator/webhook`, { method: "POST", body: JSON.stringify({ secret }) });
      await p.notifications("deliver");
    });
    const received = async () => (await (await fetch(`${lms.url}/__emulator/events`)).json()) as Received;
    const workers = (now?: () => Date) => Promise.all([runOutboxOnce(p.db, outboxHandlers(p.db, { transport: null }), { now }), runOutboxOnce(p.secondPool(), outboxHandlers(p.secondPool(), { transport: null }), { now })]);

    async function paidOrder(prices: number[]) {
      const user = await makeUser(p.db);
      const courses = await Promise.all(prices.map((priceMinor) => makeCourse(p.db, { priceMinor, currency: "USD" })));
      for (const c of courses) await addToCart(p.db, user.id, c.id);
      const started = await startCheckout(p.instance(), user.id, { kind: "cart", currency: "USD" }, p.startOptions);
      if (!started.ok) throw new Error(started.message);
      await p.pay(started.providerOrderId);
      await Promise.all([captureCheckout(p.instance(), user.id, started.providerOrderId), captureCheckout(p.instance(p.secondPool()), user.id, started.providerOrderId), p.settle()]);
      await p.settle();
      return { user, courses, ...started };
    }

    it("a payment and a refund are announced once each, signed so the listener's Standard Webhooks check passes", async () => {
      const order = await paidOrder([4900, 2900]);
      await workers();
      const admin = await makeUser(p.db, { role: "admin" });
      expect(await requestRefund(p.instance(), { orderId: order.orderId, courseIds: [order.courses[0]!.id], actorId: admin.id })).toMatchObject({ ok: true });
      await p.settle();
      // Applied again (the buyer's reload, a late notification): nothing new is announced.
      await captureCheckout(p.instance(), order.user.id, order.providerOrderId);
      await workers();
      await workers();
      const got = await received();
      expect(got.rejected).toBe(0);
      expect(got.events.map((e) => e.type).sort()).toEqual(["enrollment.granted", "enrollment.granted", "enrollment.revoked", "order.completed", "order.refunded"]);
      expect(got.deliveries).toBe(got.events.length);
      const completed = got.events.find((e) => e.type === "order.completed")!;
      expect(completed.id).toBe(`msg_order.completed_${order.orderId}`);
      expect(completed.data.order).toMatchObject({ id: order.orderId, status: "completed", amount: { minor: 7800, currency: "USD" }, provider: "paypal", buyer: { user_id: order.user.id } });
      const refunded = got.events.find((e) => e.type === "order.refunded")!;
      expect(refunded.data.refund).toMatchObject({ amount: { minor: 4900, currency: "USD" } });
      expect(refunded.data.order).toMatchObject({ status: "partially_refunded" });
      expect(got.events.find((e) => e.type === "enrollment.revoked")!.data.enrollment).toMatchObject({ course_id: order.courses[0]!.id, reason: "refunded" });
      // Nothing for the endpoint that wants none of these types.
      const others = await p.db.select().from(outboxJobs).where(like(outboxJobs.dedupeKey, "webhook:%")).innerJoin(webhookEndpoints, eq(webhookEndpoints.id, sql`(${outboxJobs.payload}->>'endpointId')::uuid`));
      expect(others.every((row) => row.webhook_endpoints.id === endpointId)).toBe(true);
    });

    it("a listener answering 500 is retried with backoff until it accepts; the event takes effect once", async () => {
      await fetch(`${lms.url}/__emulator/webhook`, { method: "POST", body: JSON.stringify({ secret, failNext: 3 }) });
      const order = await paidOrder([1500]);
      let clock = new Date();
      // Two events (the order, its one enrollment), three failures: each is refused at least once.
      const jobs = () => p.db.select().from(outboxJobs).where(like(outboxJobs.dedupeKey, `webhook:${endpointId}:%`));
      for (let round = 0; round < 8; round++) {
        await workers(() => clock);
        const waiting = (await jobs()).filter((j) => j.status !== "done");
        if (waiting.length === 0) break;
        expect(waiting.every((j) => j.status === "pending" && j.runAfter > clock)).toBe(true); // backoff, not a tight loop
        clock = new Date(Math.max(...waiting.map((j) => j.runAfter.getTime())));
      }
      const log = await p.db
        .select({ messageId: webhookDeliveries.messageId, status: webhookDeliveries.httpStatus })
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.endpointId, endpointId))
        .orderBy(webhookDeliveries.id);
      const completed = log.filter((l) => l.messageId === `msg_order.completed_${order.orderId}`).map((l) => l.status);
      expect(completed.at(-1)).toBe(204);
      expect(completed.slice(0, -1).every((s) => s === 500) && completed.length >= 2).toBe(true);
      expect(log.filter((l) => l.status === 500)).toHaveLength(3);
      const got = await received();
      expect(got.events.map((e) => e.type).sort()).toEqual(["enrollment.granted", "order.completed"]);
    });

    it("signatures verify with the endpoint's secret only; the test event is delivered and logged", async () => {
      const [endpoint] = await p.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId));
      expect(endpointSecret(endpoint!)).toBe(secret);
      expect(endpoint!.secretEncrypted).not.toContain(secret.slice(6));
      const result = await sendTestEvent(p.db, endpoint!);
      expect(result).toMatchObject({ ok: true, status: 204 });
      // A forged delivery (signed with another secret) is refused by the listener.
      const body = JSON.stringify({ type: "order.completed", timestamp: new Date().toISOString(), data: {} });
      const forged = new Webhook(`whsec_${Buffer.alloc(32, 7).toString("base64")}`).sign("msg_forged", new Date(), body);
      const response = await fetch(`${lms.url}/hooks/coursepay`, { method: "POST", headers: { "webhook-id": "msg_forged", "webhook-timestamp": String(Math.floor(Date.now() / 1000)), "webhook-signature": forged }, body });
      expect(response.status).toBe(400);
      expect(await received()).toMatchObject({ rejected: 1, events: [expect.objectContaining({ type: "webhook.test" })] });
    });
  });
}
