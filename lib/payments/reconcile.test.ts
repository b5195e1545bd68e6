import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { enrollments, orderItems, orders, paymentEvents, payments } from "@/db/schema";
import { grantEnrollment } from "@/lib/enrollment";
import { testEngines } from "@/lib/testing/db";
import { makeCourse, makeUser } from "@/lib/testing/fixtures";
import { usePayments, type Instance } from "@/lib/testing/payments";
import { captureCheckout, startCheckout } from "./checkout";
import { checkInvariants } from "./invariants";
import { reconcile, reconcileOnce } from "./reconcile";

const HOUR = 60 * 60 * 1000;

for (const engine of testEngines()) {
  describe(`reconciliation on ${engine}`, () => {
    const h = usePayments(engine, { notifications: true });

    async function order(deps: Instance, outcome?: "success" | "pending") {
      const [user, course] = await Promise.all([makeUser(h.db), makeCourse(h.db)]);
      const started = await startCheckout(deps, user.id, { kind: "course", courseId: course.id });
      if (!started.ok) throw new Error(started.message);
      if (outcome) await h.emulator.control.approveOrder(started.providerOrderId, { outcome });
      return { user, course, ...started };
    }
    const statusOf = async (id: string) => (await h.db.select().from(orders).where(eq(orders.id, id)))[0]!.status;
    const silence = async () => {
      await h.emulator.control.webhooks.setPolicy({ drop: 1 });
      await h.emulator.control.ipn.setPolicy({ drop: 1 });
    };

    it("repairs what no notification repaired: an uncaptured approval, a settled pending payment, an abandoned order", async () => {
      const deps = h.instance();
      await silence();
      const leftTab = await order(deps, "success");
      const pending = await order(deps, "pending");
      expect(await captureCheckout(deps, pending.user.id, pending.providerOrderId)).toMatchObject({ status: "pending" });
      const [pendingCapture] = await h.db.select().from(payments).where(eq(payments.orderId, pending.orderId));
      await h.emulator.control.settleCapture(pendingCapture!.providerCaptureId, "completed");
      const abandoned = await order(deps);

      const soon = await reconcile(deps, { minAgeMs: 0 });
      expect(soon.changed.map((c) => [c.orderId, c.from, c.to])).toEqual(
        expect.arrayContaining([
          [leftTab.orderId, "created", "completed"],
          [pending.orderId, "pending", "completed"],
        ]),
      );
      expect(await statusOf(abandoned.orderId)).toBe("created"); // still within PayPal's 3 hours

      await h.emulator.control.advanceClock(3 * 60 * 60 + 60);
      const later = await reconcile(deps, { minAgeMs: 0, now: new Date(Date.now() + 3 * HOUR + 60_000) });
      expect(later.changed).toEqual([expect.objectContaining({ orderId: abandoned.orderId, from: "created", to: "expired" })]);
      const granted = await h.db.select().from(enrollments).where(eq(enrollments.userId, leftTab.user.id));
      expect(granted).toHaveLength(1);
      expect(await checkInvariants(h.db)).toEqual([]);
    });

    it("leaves recent orders to the live paths", async () => {
      const deps = h.instance();
      await silence();
      const fresh = await order(deps, "success");
      const report = await reconcile(deps, { minAgeMs: 60_000 });
      expect(report.ordersChecked).toBe(0);
      expect(await statusOf(fresh.orderId)).toBe("created");
    });

    it("applies a stored notification that was never applied (a crash between storing and applying)", async () => {
      const deps = h.instance();
      await h.emulator.control.webhooks.hold();
      const o = await order(deps, "success");
      await h.emulator.control.webhooks.setPolicy({ drop: 1 });
      const state = await h.emulator.control.order(o.providerOrderId);
      await h.db.insert(paymentEvents).values({
        provider: "paypal",
        source: "webhook",
        type: "CHECKOUT.ORDER.APPROVED",
        dedupeKey: `WH-CRASHED-${o.orderId}`,
        raw: { id: `WH-CRASHED-${o.orderId}`, event_type: "CHECKOUT.ORDER.APPROVED", resource_type: "checkout-order", resource: state.order },
        verified: true,
      });
      // "Now" a second later: the stored event is older than the (zero) minimum age whatever the clocks' resolution.
      const report = await reconcile(deps, { minAgeMs: 0, now: new Date(Date.now() + 1_000) });
      expect(report.notificationsReplayed).toBeGreaterThanOrEqual(1);
      expect(await statusOf(o.orderId)).toBe("completed");
      const [replayed] = await h.db.select().from(paymentEvents).where(eq(paymentEvents.dedupeKey, `WH-CRASHED-${o.orderId}`));
      expect(replayed?.outcome).toMatch(/^replayed: /);
    });

    it("only one instance runs a sweep at a time", async () => {
      const a = h.instance();
      const b = h.instance(h.secondPool());
      await silence();
      for (let i = 0; i < 3; i++) await order(a, "success");
      const results = await Promise.all([reconcileOnce(h.handle, a, { minAgeMs: 0 }), reconcileOnce(h.handle, b, { minAgeMs: 0 })]);
      expect(results.filter((r) => r.acquired)).toHaveLength(1);
      expect((await reconcileOnce(h.handle, b, { minAgeMs: 0 })).acquired).toBe(true); // and the lock is released after
    });

    it("check-invariants lists what must never happen, and nothing after real flows", async () => {
      const deps = h.instance();
      const paid = await order(deps, "success");
      await captureCheckout(deps, paid.user.id, paid.providerOrderId);
      await h.settle();
      expect(await checkInvariants(h.db)).toEqual([]);

      // Plant three violations directly: an enrollment for an order that never paid, a paid order whose
      // enrollment was lost, and a capture that differs from its order.
      const unpaid = await order(deps);
      const [unpaidItem] = await h.db.select().from(orderItems).where(eq(orderItems.orderId, unpaid.orderId));
      await grantEnrollment(h.db, unpaid.user.id, unpaid.course.id, { mode: "full", source: "purchase", orderItemId: unpaidItem!.id });
      await h.db.update(enrollments).set({ status: "revoked" }).where(eq(enrollments.userId, paid.user.id));
      await h.db.update(payments).set({ grossMinor: 1 }).where(eq(payments.orderId, paid.orderId));

      const rules = (await checkInvariants(h.db)).map((v) => v.rule);
      expect(rules).toEqual(
        expect.arrayContaining(["enrollment without a completed payment", "completed payment without its enrollments", "capture amount differs from its order"]),
      );
    });
  });
}
