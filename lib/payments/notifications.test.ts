import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { enrollments, orders, paymentEvents, payments, refunds } from "@/db/schema";
import { testEngines } from "@/lib/testing/db";
import { makeCourse, makeUser } from "@/lib/testing/fixtures";
import { planCounts } from "@/lib/testing/plans";
import { usePayments, type Instance } from "@/lib/testing/payments";
import { addToCart } from "@/lib/cart";
import { captureCheckout, captureOrder, startCheckout } from "./checkout";
import { receiveWebhook } from "./notifications";

for (const engine of testEngines()) {
  describe(`PayPal webhooks on ${engine}`, () => {
    const h = usePayments(engine, { notifications: true });

    async function activeCourses(userId: string) {
      const rows = await h.db.select().from(enrollments).where(and(eq(enrollments.userId, userId), eq(enrollments.status, "active")));
      return rows.map((r) => r.courseId).sort();
    }
    const orderRow = async (id: string) => (await h.db.select().from(orders).where(eq(orders.id, id)))[0]!;
    const paymentOf = async (orderId: string) => (await h.db.select().from(payments).where(eq(payments.orderId, orderId)))[0]!;

    /** A cart of courses at the given prices, checked out and approved (but not captured by the browser). */
    async function approvedOrder(deps: Instance, prices: number[], outcome: "success" | "pending" = "success") {
      const user = await makeUser(h.db);
      const courses = await Promise.all(prices.map((priceMinor) => makeCourse(h.db, { priceMinor })));
      for (const c of courses) await addToCart(h.db, user.id, c.id);
      const started = await startCheckout(deps, user.id, { kind: "cart", currency: "USD" });
      if (!started.ok) throw new Error(started.message);
      await h.emulator.control.approveOrder(started.providerOrderId, { outcome });
      return { user, courses, ...started };
    }

    /** Approved, then captured by the buyer's browser; webhooks are held until the test releases them. */
    async function paidOrder(deps: Instance, prices: number[]) {
      await h.emulator.control.webhooks.hold();
      const order = await approvedOrder(deps, prices);
      const captured = await captureCheckout(deps, order.user.id, order.providerOrderId);
      if (!captured.ok || captured.status !== "completed") throw new Error("capture failed");
      const payment = await paymentOf(order.orderId);
      await h.emulator.control.webhooks.release();
      await h.settle();
      return { ...order, captureId: payment.providerCaptureId };
    }

    it("captures server-side when the buyer approved and closed the tab (CHECKOUT.ORDER.APPROVED)", async () => {
      const deps = h.instance();
      const order = await approvedOrder(deps, [4900, 2900]);
      await h.settle();
      expect((await orderRow(order.orderId)).status).toBe("completed");
      expect(await activeCourses(order.user.id)).toEqual(order.courses.map((c) => c.id).sort());
      const approved = await h.db.select().from(paymentEvents).where(and(eq(paymentEvents.source, "webhook"), eq(paymentEvents.type, "CHECKOUT.ORDER.APPROVED")));
      expect(approved).toEqual([expect.objectContaining({ verified: true, orderId: order.orderId, outcome: expect.stringMatching(/^captured/) })]);
    });

    it("a buyer whose browser captures after the APPROVED webhook already did gets the completed order", async () => {
      const deps = h.instance();
      await h.emulator.control.webhooks.hold();
      const order = await approvedOrder(deps, [4900]);
      const seenByBrowser = await orderRow(order.orderId); // loaded before the webhook lands
      await h.emulator.control.webhooks.release();
      await h.settle();
      expect((await orderRow(order.orderId)).status).toBe("completed");
      expect(await captureOrder(deps, seenByBrowser)).toEqual({ ok: true, orderId: order.orderId, status: "completed" });
      expect(await h.emulator.control.calls({ path: `/v2/checkout/orders/${order.providerOrderId}/capture` })).toHaveLength(1);
    });

    it("a pending capture that completes later enrolls; one that is denied fails without enrolling", async () => {
      const deps = h.instance();
      await h.emulator.control.webhooks.hold();
      const [settles, bounces] = [await approvedOrder(deps, [4900], "pending"), await approvedOrder(deps, [4900], "pending")];
      for (const o of [settles, bounces]) expect(await captureCheckout(deps, o.user.id, o.providerOrderId)).toMatchObject({ status: "pending" });
      await h.emulator.control.webhooks.release();
      await h.settle();
      await h.emulator.control.settleCapture((await paymentOf(settles.orderId)).providerCaptureId, "completed");
      await h.emulator.control.settleCapture((await paymentOf(bounces.orderId)).providerCaptureId, "denied");
      await h.settle();
      expect((await orderRow(settles.orderId)).status).toBe("completed");
      expect(await activeCourses(settles.user.id)).toEqual([settles.courses[0]!.id]);
      expect((await orderRow(bounces.orderId)).status).toBe("failed");
      expect(await activeCourses(bounces.user.id)).toEqual([]);
    });

    it("stores each event once and applies it once, however often PayPal delivers it", async () => {
      const deps = h.instance();
      await h.emulator.control.webhooks.setPolicy({ duplicate: true });
      const order = await approvedOrder(deps, [4900]);
      await h.settle();
      const delivered = await h.emulator.control.notifications({ channel: "webhook" });
      const eventIds = new Set(delivered.map((d) => d.messageId));
      const stored = (await h.db.select().from(paymentEvents).where(eq(paymentEvents.source, "webhook"))).filter((e) => eventIds.has(e.dedupeKey!));
      expect(stored).toHaveLength(eventIds.size);
      // Every event reached us at least twice; the copies were answered without a second effect.
      expect(h.responses.filter((r) => r.path === "/webhook").length).toBeGreaterThanOrEqual(2 * eventIds.size);
      expect(await h.db.select().from(payments).where(eq(payments.orderId, order.orderId))).toHaveLength(1);
      expect(await activeCourses(order.user.id)).toEqual([order.courses[0]!.id]);
    });

    it("a partial refund that matches no course keeps access and flags the order", async () => {
      const deps = h.instance();
      const order = await paidOrder(deps, [4900, 2900]);
      await h.emulator.control.refundCapture(order.captureId, "10.00");
      await h.settle();
      const row = await orderRow(order.orderId);
      expect(row.status).toBe("partially_refunded");
      expect(row.attentionReason).toMatch(/matches no course/);
      expect(await activeCourses(order.user.id)).toHaveLength(2);
      const [refund] = await h.db.select().from(refunds).where(eq(refunds.paymentId, (await paymentOf(order.orderId)).id));
      expect(refund).toMatchObject({ amountMinor: 1000, status: "completed", requestedBy: null });
    });

    it.runIf(engine === "postgres")("PostgreSQL keeps one plan for each statement of the webhooks: approvals captured here, and the captures the buyer made", async () => {
      // One connection that both checks out and receives the webhooks, so pg_prepared_statements (per session) sees all.
      const one = h.secondPool(1);
      const deps = h.instance(one);
      h.receiveWith(deps);
      for (let i = 0; i < 8; i++) {
        const approved = await approvedOrder(deps, [4900]);
        await h.settle(); // the APPROVED webhook captures it
        expect((await orderRow(approved.orderId)).status).toBe("completed");
        await paidOrder(deps, [2500]);
      }
      expect((await planCounts(one, 8)).replanned).toEqual([]);
    });

    it("events about a subscription this store did not sell are stored and ignored", async () => {
      const deps = h.instance();
      const id = z.looseObject({ id: z.string() });
      const post = (path: string, body: unknown) => deps.client.call({ operation: "test", method: "POST", path, requestId: crypto.randomUUID(), body, schema: id });
      const product = await post("/v1/catalogs/products", { name: "Membership", type: "DIGITAL" });
      const plan = await post("/v1/billing/plans", {
        product_id: product.id,
        name: "Monthly",
        billing_cycles: [{ frequency: { interval_unit: "MONTH", interval_count: 1 }, tenure_type: "REGULAR", sequence: 1, total_cycles: 0, pricing_scheme: { fixed_price: { currency_code: "USD", value: "10.00" } } }],
        payment_preferences: { auto_bill_outstanding: true },
      });
      const subscription = await post("/v1/billing/subscriptions", { plan_id: plan.id });
      await h.emulator.control.approveSubscription(subscription.id);
      await h.settle();
      const events = (await h.db.select().from(paymentEvents).where(eq(paymentEvents.source, "webhook"))).filter(
        (e) => e.type.startsWith("BILLING.") || e.type.startsWith("PAYMENT.SALE."),
      );
      expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(["BILLING.SUBSCRIPTION.ACTIVATED"]));
      for (const event of events) expect(event).toMatchObject({ verified: true, orderId: null, subscriptionId: null, outcome: "ignored: unknown subscription" });
    });

    it("refuses a forged signature, an altered replay, a foreign certificate URL and malformed JSON; a true replay is a no-op", async () => {
      const deps = h.instance();
      const order = await approvedOrder(deps, [4900]);
      await h.settle();
      const genuine = h.responses.find((r) => r.path === "/webhook" && r.status === 200)!;
      const before = await h.db.select().from(paymentEvents);
      const statusOf = async (headers: Headers, raw: Buffer) => (await receiveWebhook(deps, headers, raw)).status;
      const withHeader = (name: string, value: string) => {
        const headers = new Headers(genuine.headers);
        headers.set(name, value);
        return headers;
      };

      expect(await statusOf(withHeader("paypal-transmission-sig", Buffer.alloc(256, 7).toString("base64")), genuine.raw)).toBe(400);
      const altered = Buffer.from(genuine.raw.toString("utf8").replace(order.providerOrderId, "0000000000000000X"));
      expect(await statusOf(genuine.headers, altered)).toBe(400);
      expect(await statusOf(withHeader("paypal-cert-url", "https://evil.example/v1/notifications/certs/CERT-1"), genuine.raw)).toBe(400);
      expect(await statusOf(withHeader("paypal-cert-url", "https://api.sandbox.paypal.com.evil.example/v1/notifications/certs/C"), genuine.raw)).toBe(400);
      expect(await statusOf(new Headers({ "content-type": "application/json" }), Buffer.from("{not json"))).toBe(400);
      expect(await h.db.select().from(paymentEvents)).toEqual(before);

      expect(await receiveWebhook(deps, genuine.headers, genuine.raw)).toEqual({ status: 200, body: { ok: true, outcome: "duplicate" } });
      expect(await h.db.select().from(paymentEvents)).toEqual(before);
    });
  });
}
