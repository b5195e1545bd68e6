/**
 * The money path, written once and run for every provider on both engines: checkout priced from the database,
 * paid exactly once whichever of the buyer's return and the provider's notification comes first, payments that
 * clear later, refunds from the admin and from the provider's dashboard, chargebacks and disputes, lost and
 * duplicated notifications, reconciliation, and the invariants after each. What only one provider has (PayPal's
 * IPN and OAuth tokens, Stripe's session expiry) stays in that provider's own suites.
 */
import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { enrollments, orders, paymentEvents, payments, refunds } from "@/db/schema";
import { addToCart } from "@/lib/cart";
import { testEngines } from "@/lib/testing/db";
import { makeCourse, makeUser } from "@/lib/testing/fixtures";
import { PROVIDERS, useProvider, type Funding } from "@/lib/testing/providers";
import { captureCheckout, startCheckout } from "./checkout";
import { checkInvariants } from "./invariants";
import { PROVIDER_LABEL } from "./providers";
import { reconcile } from "./reconcile";
import { requestRefund } from "./refunds";

for (const engine of testEngines()) {
  for (const provider of PROVIDERS) {
    describe(`the money path through ${PROVIDER_LABEL[provider]} on ${engine}`, () => {
      const p = useProvider(provider, engine);
      beforeEach(() => p.notifications("deliver"));

      /** A buyer with a cart of courses at these prices (USD), checked out: our order and the provider's exist. */
      async function checkedOut(prices: number[]) {
        const deps = p.instance();
        const user = await makeUser(p.db);
        const courses = await Promise.all(prices.map((priceMinor) => makeCourse(p.db, { priceMinor, currency: "USD" })));
        for (const course of courses) await addToCart(p.db, user.id, course.id);
        const started = await startCheckout(deps, user.id, { kind: "cart", currency: "USD" }, p.startOptions);
        if (!started.ok) throw new Error(started.message);
        return { deps, user, courses, orderId: started.orderId, providerOrderId: started.providerOrderId };
      }
      /** Checked out, paid, returned to the store; every notification handled. */
      async function paid(prices: number[], funding: Funding = "instant") {
        const order = await checkedOut(prices);
        await p.pay(order.providerOrderId, funding);
        await captureCheckout(order.deps, order.user.id, order.providerOrderId);
        await p.settle();
        return order;
      }
      const statusOf = async (orderId: string) => (await p.db.select().from(orders).where(eq(orders.id, orderId)))[0]!;
      const paymentsOf = (orderId: string) => p.db.select().from(payments).where(eq(payments.orderId, orderId));
      const active = async (userId: string) =>
        (await p.db.select().from(enrollments).where(and(eq(enrollments.userId, userId), eq(enrollments.status, "active")))).map((e) => e.courseId).sort();
      const ids = (courses: { id: string }[]) => courses.map((c) => c.id).sort();

      it("a two-course cart is priced from the database and paid once, the buyer's return, a reload and the notification all at once", async () => {
        const order = await checkedOut([4900, 2900]);
        await p.pay(order.providerOrderId);
        const second = p.instance(); // another app instance handles the reload
        const results = await Promise.all([
          captureCheckout(order.deps, order.user.id, order.providerOrderId),
          captureCheckout(second, order.user.id, order.providerOrderId),
          p.settle(),
        ]);
        expect(results.slice(0, 2)).toEqual([expect.objectContaining({ ok: true, orderId: order.orderId }), expect.objectContaining({ ok: true, orderId: order.orderId })]);
        await p.settle();
        expect(await statusOf(order.orderId)).toMatchObject({ status: "completed", provider, totalMinor: 7800, currency: "USD" });
        expect(await paymentsOf(order.orderId)).toEqual([expect.objectContaining({ status: "completed", grossMinor: 7800, currency: "USD", provider })]);
        expect(await active(order.user.id)).toEqual(ids(order.courses));
        // Every answer and notification was kept raw, the verified notifications among them.
        const events = await p.db.select().from(paymentEvents).where(eq(paymentEvents.orderId, order.orderId));
        expect(events.filter((e) => e.source === "api").length).toBeGreaterThanOrEqual(2);
        expect(events.filter((e) => e.source === "webhook" && e.verified).length).toBeGreaterThanOrEqual(1);
        expect(await checkInvariants(p.db)).toEqual([]);
      });

      it("a buyer who pays and closes the tab is enrolled by the provider's notification alone", async () => {
        const order = await checkedOut([4900]);
        await p.pay(order.providerOrderId);
        await p.settle();
        expect((await statusOf(order.orderId)).status).toBe("completed");
        expect(await active(order.user.id)).toEqual(ids(order.courses));
        expect(await checkInvariants(p.db)).toEqual([]);
      });

      it("each notification is applied once however often it is delivered", async () => {
        await p.notifications("duplicate");
        const order = await paid([4900, 2900]);
        await p.refundAtProvider(order.orderId, 2900);
        await p.settle();
        expect(await paymentsOf(order.orderId)).toHaveLength(1);
        const [payment] = await paymentsOf(order.orderId);
        expect(await p.db.select().from(refunds).where(eq(refunds.paymentId, payment!.id))).toEqual([expect.objectContaining({ amountMinor: 2900, status: "completed" })]);
        expect(await active(order.user.id)).toEqual([order.courses[0]!.id]);
        expect(await checkInvariants(p.db)).toEqual([]);
      });

      it("a payment that clears later grants nothing until it clears; one that bounces fails without access", async () => {
        const clears = await paid([4900], "clears later");
        const bounces = await paid([4900], "bounces later");
        for (const order of [clears, bounces]) {
          expect((await statusOf(order.orderId)).status).toBe("pending");
          expect(await active(order.user.id)).toEqual([]);
        }
        await p.clear(clears.orderId, clears.providerOrderId);
        await p.clear(bounces.orderId, bounces.providerOrderId);
        await p.settle();
        expect((await statusOf(clears.orderId)).status).toBe("completed");
        expect(await active(clears.user.id)).toEqual(ids(clears.courses));
        expect((await statusOf(bounces.orderId)).status).toBe("failed");
        expect(await active(bounces.user.id)).toEqual([]);
        expect(await checkInvariants(p.db)).toEqual([]);
      });

      it("an admin refunds one course of two through the provider, then the rest: exactly those courses, once each", async () => {
        const order = await paid([4900, 7900]);
        const admin = await makeUser(p.db, { role: "admin" });
        const [keep, give] = order.courses;
        expect(await requestRefund(order.deps, { orderId: order.orderId, courseIds: [give!.id], actorId: admin.id })).toMatchObject({ ok: true, status: "completed" });
        expect(await requestRefund(order.deps, { orderId: order.orderId, courseIds: [give!.id], actorId: admin.id })).toMatchObject({ ok: false });
        await p.settle(); // the provider's notifications of our own refund change nothing more
        expect((await statusOf(order.orderId)).status).toBe("partially_refunded");
        expect(await active(order.user.id)).toEqual([keep!.id]);
        expect(await requestRefund(order.deps, { orderId: order.orderId, courseIds: "all", actorId: admin.id })).toMatchObject({ ok: true });
        await p.settle();
        expect((await statusOf(order.orderId)).status).toBe("refunded");
        expect(await active(order.user.id)).toEqual([]);
        const [payment] = await paymentsOf(order.orderId);
        expect((await p.db.select().from(refunds).where(eq(refunds.paymentId, payment!.id))).map((r) => r.amountMinor).sort()).toEqual([4900, 7900]);
        expect(await checkInvariants(p.db)).toEqual([]);
      });

      it("a refund made in the provider's dashboard is applied from its notification: the matching course, then all", async () => {
        const order = await paid([4900, 2900]);
        await p.refundAtProvider(order.orderId, 2900);
        await p.settle();
        expect((await statusOf(order.orderId)).status).toBe("partially_refunded");
        expect(await active(order.user.id)).toEqual([order.courses[0]!.id]);
        await p.refundAtProvider(order.orderId);
        await p.settle();
        expect((await statusOf(order.orderId)).status).toBe("refunded");
        expect(await active(order.user.id)).toEqual([]);
        expect(await checkInvariants(p.db)).toEqual([]);
      });

      it("a chargeback or dispute takes every course away and flags the order for an admin", async () => {
        const order = await paid([4900, 2900]);
        await p.reverseAtProvider(order.orderId);
        await p.settle();
        const row = await statusOf(order.orderId);
        expect(row.status).toBe("reversed");
        expect(row.attentionReason).toBeTruthy();
        expect(await active(order.user.id)).toEqual([]);
        expect(await checkInvariants(p.db)).toEqual([]);
      });

      it("notifications out of order: a refund's arriving before the payment's still ends refunded, without access", async () => {
        const order = await checkedOut([4900]);
        await p.notifications("hold");
        await p.pay(order.providerOrderId);
        await captureCheckout(order.deps, order.user.id, order.providerOrderId);
        await p.refundAtProvider(order.orderId);
        await p.release("reverse");
        await p.settle();
        expect((await statusOf(order.orderId)).status).toBe("refunded");
        expect(await active(order.user.id)).toEqual([]);
        expect(await checkInvariants(p.db)).toEqual([]);
      });

      it("reconciliation completes a paid order whose return and notifications were all lost", async () => {
        await p.notifications("lose");
        const order = await checkedOut([4900]);
        await p.pay(order.providerOrderId);
        await p.settle();
        expect((await statusOf(order.orderId)).status).not.toBe("completed");
        expect(await active(order.user.id)).toEqual([]);
        const report = await reconcile(order.deps, { minAgeMs: 0 });
        expect(report.changed).toEqual(expect.arrayContaining([expect.objectContaining({ orderId: order.orderId, to: "completed" })]));
        expect(await active(order.user.id)).toEqual(ids(order.courses));
        expect(await reconcile(order.deps, { minAgeMs: 0 })).toMatchObject({ changed: [] }); // a second sweep finds nothing to do
        expect(await checkInvariants(p.db)).toEqual([]);
      });
    });
  }
}
