import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { adminAuditLog, enrollments, orders, payments, refunds } from "@/db/schema";
import { addToCart } from "@/lib/cart";
import { testEngines } from "@/lib/testing/db";
import { makeCourse, makeUser } from "@/lib/testing/fixtures";
import { usePayments, type Instance } from "@/lib/testing/payments";
import { captureCheckout, startCheckout } from "./checkout";
import { checkInvariants } from "./invariants";
import { reconcile } from "./reconcile";
import { requestRefund } from "./refunds";

for (const engine of testEngines()) {
  describe(`admin refunds on ${engine}`, () => {
    const h = usePayments(engine, { notifications: true });

    async function paid(deps: Instance, prices: number[]) {
      const [user, admin] = await Promise.all([makeUser(h.db), makeUser(h.db, { role: "admin" })]);
      const courses = await Promise.all(prices.map((priceMinor) => makeCourse(h.db, { priceMinor })));
      for (const c of courses) await addToCart(h.db, user.id, c.id);
      const started = await startCheckout(deps, user.id, { kind: "cart", currency: "USD" });
      if (!started.ok) throw new Error(started.message);
      await h.emulator.control.approveOrder(started.providerOrderId);
      await captureCheckout(deps, user.id, started.providerOrderId);
      await h.settle();
      return { user, admin, courses, orderId: started.orderId };
    }
    const active = async (userId: string) =>
      (await h.db.select().from(enrollments).where(and(eq(enrollments.userId, userId), eq(enrollments.status, "active")))).map((e) => e.courseId).sort();
    const status = async (orderId: string) => (await h.db.select().from(orders).where(eq(orders.id, orderId)))[0]!.status;

    it("refunds named courses, then the rest, revoking exactly those courses, once each", async () => {
      const deps = h.instance();
      const { user, admin, courses, orderId } = await paid(deps, [4900, 2900, 7900]);
      const [a, b, c] = courses;

      const first = await requestRefund(deps, { orderId, courseIds: [b!.id], actorId: admin.id, reason: "Bought by mistake" });
      expect(first).toMatchObject({ ok: true, status: "completed" });
      expect(await status(orderId)).toBe("partially_refunded");
      expect(await active(user.id)).toEqual([a!.id, c!.id].sort());

      const again = await requestRefund(deps, { orderId, courseIds: [b!.id], actorId: admin.id });
      expect(again).toMatchObject({ ok: false, message: expect.stringMatching(/not been refunded/) });

      expect(await requestRefund(deps, { orderId, courseIds: "all", actorId: admin.id })).toMatchObject({ ok: true });
      expect(await status(orderId)).toBe("refunded");
      expect(await active(user.id)).toEqual([]);

      await h.settle(); // the webhooks for our own refunds arrive and change nothing more
      const rows = await h.db.select().from(refunds).innerJoin(payments, eq(payments.id, refunds.paymentId)).where(eq(payments.orderId, orderId));
      expect(rows.map((r) => [r.refunds.amountMinor, r.refunds.status])).toEqual(expect.arrayContaining([[2900, "completed"], [12800, "completed"]]));
      expect(rows).toHaveLength(2);
      const audit = await h.db.select().from(adminAuditLog).where(eq(adminAuditLog.targetId, orderId));
      expect(audit.map((a) => a.action)).toEqual(["refund.requested", "refund.requested"]);
      expect(await checkInvariants(h.db)).toEqual([]);
    });

    it("refunds only the amount the admin confirmed, never more than is left, and says why otherwise", async () => {
      const deps = h.instance();
      const { user, admin, courses, orderId } = await paid(deps, [4900, 2900]);
      const [a, b] = courses;
      const snapshot = async () => [await status(orderId), (await h.db.select().from(refunds)).length, await active(user.id)];
      const before = await snapshot();

      expect(await requestRefund(deps, { orderId, courseIds: [a!.id], actorId: admin.id, confirmedAmount: "29.00" })).toEqual({
        ok: false,
        message: "These courses now come to $49.00, not the $29.00 you confirmed: the order changed meanwhile. Nothing was refunded; check the page and try again.",
      });
      for (const confirmedAmount of ["49.001", "-49.00", "forty-nine", ""]) {
        expect(await requestRefund(deps, { orderId, courseIds: [a!.id], actorId: admin.id, confirmedAmount })).toMatchObject({ ok: false, message: expect.stringMatching(/is not an amount in USD/) });
      }
      expect(await snapshot()).toEqual(before);

      // The merchant refunds $30 in PayPal's own interface: it matches no course, so both stay refundable, but only
      // $48 of the money is left — refunding both courses ($78) would be an over-refund.
      const [payment] = await h.db.select().from(payments).where(eq(payments.orderId, orderId));
      await h.emulator.control.refundCapture(payment!.providerCaptureId, "30.00");
      await h.settle();
      expect(await requestRefund(deps, { orderId, courseIds: "all", actorId: admin.id, confirmedAmount: "78.00" })).toEqual({
        ok: false,
        message: "Only $48.00 of this payment is left to refund ($78.00 asked). Nothing was refunded.",
      });
      expect(await requestRefund(deps, { orderId, courseIds: [b!.id], actorId: admin.id, confirmedAmount: "29.00" })).toMatchObject({ ok: true });
      expect(await active(user.id)).toEqual([a!.id]);
    });

    it("two admins clicking refund at once refund once", async () => {
      const deps = h.instance();
      const { admin, orderId } = await paid(deps, [4900]);
      const results = await Promise.all([
        requestRefund(deps, { orderId, courseIds: "all", actorId: admin.id }),
        requestRefund(h.instance(h.secondPool()), { orderId, courseIds: "all", actorId: admin.id }),
      ]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      const refundCalls = await h.emulator.control.calls({ path: "/v2/payments/captures/" });
      expect(refundCalls.filter((c) => (c.status ?? 0) >= 200 && (c.status ?? 0) < 300)).toHaveLength(1);
    });

    it("refuses orders that are not paid, and courses not in the order, changing nothing", async () => {
      const deps = h.instance();
      const { admin, orderId } = await paid(deps, [4900]);
      const stranger = await makeCourse(h.db);
      expect(await requestRefund(deps, { orderId, courseIds: [stranger.id], actorId: admin.id })).toMatchObject({ ok: false });
      expect(await requestRefund(deps, { orderId: crypto.randomUUID(), courseIds: "all", actorId: admin.id })).toMatchObject({ ok: false, message: "This order does not exist." });
      expect(await status(orderId)).toBe("completed");
      expect(await h.emulator.control.calls({ path: "/v2/payments/captures/" })).toEqual([]);
    });

    it("when PayPal does not answer, the refund stays pending and reconciliation finishes it with the same key", async () => {
      const deps = h.instance(undefined, { maxRetries: 0 });
      const { user, admin, orderId } = await paid(deps, [4900]);
      await h.emulator.control.addFault({ method: "POST", path: "/refund", count: 1, kind: "reset", phase: "after" });
      expect(await requestRefund(deps, { orderId, courseIds: "all", actorId: admin.id })).toMatchObject({ ok: false, message: expect.stringMatching(/pending/) });
      expect(await status(orderId)).toBe("completed");

      const report = await reconcile(deps, { minAgeMs: 0 });
      expect(report.refundsResent).toBe(1);
      expect(await status(orderId)).toBe("refunded");
      expect(await active(user.id)).toEqual([]);
      const calls = await h.emulator.control.calls({ path: "/v2/payments/captures/" });
      expect(new Set(calls.map((c) => c.requestId)).size).toBe(1);
      const [capture] = await h.db.select().from(payments).where(eq(payments.orderId, orderId));
      const state = await h.emulator.control.capture(capture!.providerCaptureId);
      expect(state.refunds).toHaveLength(1);
    });

    it("an over-refund refused by PayPal marks the refund failed and revokes nothing", async () => {
      const deps = h.instance();
      const { user, admin, courses, orderId } = await paid(deps, [4900, 2900]);
      const [capture] = await h.db.select().from(payments).where(eq(payments.orderId, orderId));
      await h.emulator.control.webhooks.hold(); // PayPal-side refund we have not heard of yet
      await h.emulator.control.refundCapture(capture!.providerCaptureId, "70.00");
      const result = await requestRefund(deps, { orderId, courseIds: [courses[0]!.id], actorId: admin.id });
      expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/more than what is left/) });
      expect(await active(user.id)).toHaveLength(2);
      const [row] = await h.db.select().from(refunds).where(eq(refunds.paymentId, capture!.id));
      expect(row?.status).toBe("failed");
    });
  });
}
