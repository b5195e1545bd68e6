/**
 * Subscriptions and payment plans against the PayPal emulator, on both engines: the emulator bills on its clock and
 * delivers signed webhooks to the same receiveWebhook() the route calls. Nothing of ours is mocked.
 */
import { and, eq, like } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { adminAuditLog, enrollments, outboxJobs, paymentEvents, providerPlans, subscriptionPayments, subscriptions } from "@/db/schema";
import { canViewContent, getAccess, ownsCourse } from "@/lib/enrollment";
import { testEngines } from "@/lib/testing/db";
import { makeCourse, makeSubscriptionProduct, makeUser } from "@/lib/testing/fixtures";
import { usePayments, type Instance } from "@/lib/testing/payments";
import { checkInvariants } from "@/lib/payments/invariants";
import { reconcile } from "@/lib/payments/reconcile";
import { accessWithSubscriptions } from "./access";
import { adminSubscriptionAction } from "./admin";
import { productFormSchema, saveProduct } from "./editor";
import { activateSubscription, cancelSubscription, startSubscription, syncChecked } from "./checkout";
import { GRACE_MS } from "./state";

const DAY = 24 * 3600;

for (const engine of testEngines()) {
  describe(`subscriptions on ${engine}`, () => {
    const h = usePayments(engine, { notifications: true });
    beforeEach(() => h.emulator.control.webhooks.setPolicy({ duplicate: false, drop: 0 }));

    const rowOf = async (id: string) => (await h.db.select().from(subscriptions).where(eq(subscriptions.id, id)))[0]!;
    /** The subscription emails queued for a subscription, in order (lib/outbox/jobs.ts). */
    const noticesOf = async (id: string) =>
      (await h.db.select({ payload: outboxJobs.payload }).from(outboxJobs).where(like(outboxJobs.dedupeKey, `email:subscription:${id}:%`)).orderBy(outboxJobs.id)).map((j) => (j.payload as { event: string }).event);
    const paymentsOf = (id: string) => h.db.select().from(subscriptionPayments).where(eq(subscriptionPayments.subscriptionId, id)).orderBy(subscriptionPayments.paidAt);
    /** Time passes at PayPal: due renewals are billed and their webhooks handled. */
    async function months(count: number) {
      for (let i = 0; i < count; i++) await h.emulator.control.advanceClock(31 * DAY);
      await h.settle();
    }

    /** A buyer subscribes and approves at PayPal; the browser's onApprove activates it. */
    async function subscribed(deps: Instance, product: { id: string }, userId?: string) {
      const user = userId ? { id: userId } : await makeUser(h.db);
      const started = await startSubscription(deps, user.id, { productId: product.id, currency: "USD" });
      if (!started.ok) throw new Error(started.message);
      await h.emulator.control.approveSubscription(started.providerSubscriptionId);
      const activated = await activateSubscription(deps, user.id, started.providerSubscriptionId);
      await h.settle();
      return { user, activated, ...started };
    }

    it("a membership with a setup fee and a free trial: access from approval, the fee charged at once, then a payment every month", async () => {
      const deps = h.instance();
      const course = await makeCourse(h.db);
      const { product, price } = await makeSubscriptionProduct(h.db, { trialDays: 14 }, { amountMinor: 1900, setupFeeMinor: 500 });
      const s = await subscribed(deps, product);
      expect(s.activated).toEqual({ ok: true, subscriptionId: s.subscriptionId, status: "active" });

      let row = await rowOf(s.subscriptionId);
      expect(row).toMatchObject({ status: "active", priceId: price.id, failedPayments: 0, outstandingMinor: 0 });
      const trialEnd = row.paidThrough!.getTime();
      expect(trialEnd - Date.now()).toBeGreaterThan(13 * DAY * 1000); // paid through the trial
      expect((await paymentsOf(s.subscriptionId)).map((p) => p.grossMinor)).toEqual([500]);
      const access = await getAccess(h.db, s.user.id, course.id);
      expect(canViewContent(access)).toBe(true);
      expect(ownsCourse(access)).toBe(false); // a member can still buy it outright
      expect(access!.accessUntil!.getTime()).toBe(trialEnd + GRACE_MS);
      // A course published after the membership started opens when the member comes to it.
      const later = await makeCourse(h.db);
      expect(await getAccess(h.db, s.user.id, later.id)).toBeNull();
      expect(canViewContent(await accessWithSubscriptions(h.db, s.user.id, later.id))).toBe(true);
      const outsider = await makeUser(h.db);
      expect(await accessWithSubscriptions(h.db, outsider.id, later.id)).toBeNull();

      await months(3);
      row = await rowOf(s.subscriptionId);
      expect((await paymentsOf(s.subscriptionId)).map((p) => p.grossMinor)).toEqual([500, 1900, 1900, 1900]);
      expect(row.paidThrough!.getTime()).toBeGreaterThan(trialEnd + 80 * DAY * 1000);
      const events = await h.db.select().from(paymentEvents).where(and(eq(paymentEvents.subscriptionId, s.subscriptionId), eq(paymentEvents.source, "webhook")));
      expect(events.filter((e) => e.type === "PAYMENT.SALE.COMPLETED")).toHaveLength(4);
      expect(events.every((e) => e.verified && e.processedAt)).toBe(true);
      // Each renewal is one payment row however often it was reported.
      expect(new Set((await paymentsOf(s.subscriptionId)).map((p) => p.providerPaymentId)).size).toBe(4);
      expect(await checkInvariants(h.db)).toEqual([]);
    });

    it("reconciliation brings a subscription in line when every webhook was lost, and abandons one never approved", async () => {
      const deps = h.instance();
      const course = await makeCourse(h.db);
      const { product } = await makeSubscriptionProduct(h.db);
      const s = await subscribed(deps, product);
      await h.emulator.control.webhooks.setPolicy({ drop: 1 });
      const before = (await rowOf(s.subscriptionId)).paidThrough!;
      await h.emulator.control.advanceClock(31 * DAY);
      await h.emulator.control.webhooks.flush();
      expect((await rowOf(s.subscriptionId)).paidThrough).toEqual(before); // nothing heard
      const unapproved = await startSubscription(deps, (await makeUser(h.db)).id, { productId: product.id, currency: "USD" });
      if (!unapproved.ok) throw new Error(unapproved.message);

      const report = await reconcile(deps, { minAgeMs: 0, now: new Date(Date.now() + 4 * 3600 * 1000) });
      // (Subscriptions of earlier tests are unknown to the emulator, reset since: those are reported, not ours.)
      expect(report.errors.filter((e) => e.what.includes(s.subscriptionId) || e.what.includes(unapproved.subscriptionId))).toEqual([]);
      expect(report.subscriptionsChecked).toBeGreaterThanOrEqual(2);
      expect((await rowOf(s.subscriptionId)).paidThrough!.getTime()).toBeGreaterThan(before.getTime() + 27 * DAY * 1000);
      expect((await paymentsOf(s.subscriptionId))).toHaveLength(2);
      expect((await rowOf(unapproved.subscriptionId)).status).toBe("abandoned");
      expect(canViewContent(await getAccess(h.db, s.user.id, course.id))).toBe(true);
      expect(await checkInvariants(h.db)).toEqual([]);
    });

    it("a failed renewal keeps the paid-through date and asks for a new payment method; the next payment catches up", async () => {
      const deps = h.instance();
      const { product } = await makeSubscriptionProduct(h.db);
      const s = await subscribed(deps, product);
      const firstPeriodEnd = (await rowOf(s.subscriptionId)).paidThrough!;
      await h.emulator.control.failSubscriptionPayments(s.providerSubscriptionId, 1);
      await months(1);
      let row = await rowOf(s.subscriptionId);
      expect(row).toMatchObject({ status: "active", failedPayments: 1, outstandingMinor: 1900 });
      expect(row.paidThrough).toEqual(firstPeriodEnd);
      await months(1); // the owed 19.00 is billed with the next 19.00
      row = await rowOf(s.subscriptionId);
      expect(row).toMatchObject({ status: "active", failedPayments: 0, outstandingMinor: 0 });
      expect(row.paidThrough!.getTime()).toBeGreaterThan(firstPeriodEnd.getTime() + 55 * DAY * 1000);
      expect((await paymentsOf(s.subscriptionId)).map((p) => [p.grossMinor, p.status])).toEqual([[1900, "completed"], [1900, "declined"], [3800, "completed"]]);
      // The subscriber was told once that they are in, and once that a payment failed.
      expect(await noticesOf(s.subscriptionId)).toEqual(["started", "payment_failed"]);
    });

    it("suspended, access is paused at once; cancelled, access lasts to the paid-through date and no longer", async () => {
      const deps = h.instance();
      const course = await makeCourse(h.db);
      const { product } = await makeSubscriptionProduct(h.db);
      const s = await subscribed(deps, product);
      await deps.subscriptions.suspendSubscription({ providerSubscriptionId: s.providerSubscriptionId, subscriptionId: s.subscriptionId, reason: "Chargeback review" });
      await h.settle();
      expect((await rowOf(s.subscriptionId)).status).toBe("suspended");
      expect(await noticesOf(s.subscriptionId)).toEqual(["started", "suspended"]);
      expect(canViewContent(await getAccess(h.db, s.user.id, course.id))).toBe(false);

      const other = await subscribed(deps, product);
      const paidThrough = (await rowOf(other.subscriptionId)).paidThrough!;
      expect(await cancelSubscription(deps, other.user.id, other.subscriptionId, "Done for now")).toEqual({ ok: true, subscriptionId: other.subscriptionId, status: "cancelled" });
      expect(await cancelSubscription(deps, other.user.id, other.subscriptionId, "Again")).toMatchObject({ ok: false }); // nothing left to cancel
      const access = await getAccess(h.db, other.user.id, course.id);
      expect(access!.accessUntil).toEqual(paidThrough);
      expect(canViewContent(access)).toBe(true);
      expect(canViewContent(access, new Date(paidThrough.getTime() + 1000))).toBe(false);
      await months(1);
      expect((await paymentsOf(other.subscriptionId))).toHaveLength(1); // nothing billed after cancelling
    });

    it("a payment plan paid in full owns its course for good", async () => {
      const deps = h.instance();
      const course = await makeCourse(h.db, { priceMinor: 9900 });
      const { product } = await makeSubscriptionProduct(h.db, { kind: "plan", allCourses: false, courseId: course.id, instalments: 3 }, { amountMinor: 3300 });
      const s = await subscribed(deps, product);
      expect(ownsCourse(await getAccess(h.db, s.user.id, course.id))).toBe(false);
      await months(1);
      expect((await rowOf(s.subscriptionId))).toMatchObject({ status: "active", instalmentsPaid: 2 });
      await months(1);
      expect((await rowOf(s.subscriptionId))).toMatchObject({ status: "completed", instalmentsPaid: 3 });
      const access = await getAccess(h.db, s.user.id, course.id);
      expect(access!.accessUntil).toBeNull();
      expect(ownsCourse(access)).toBe(true);
      await months(2); // PayPal expires it; the course stays owned
      expect((await rowOf(s.subscriptionId)).status).toBe("completed");
      expect(ownsCourse(await getAccess(h.db, s.user.id, course.id))).toBe(true);
      const refusal = await startSubscription(deps, s.user.id, { productId: product.id, currency: "USD" });
      expect(refusal).toMatchObject({ ok: false, message: expect.stringMatching(/already own/) });
      expect(await checkInvariants(h.db)).toEqual([]);
    });

    it("a refunded renewal ends the access it paid for", async () => {
      const deps = h.instance();
      const course = await makeCourse(h.db);
      const { product } = await makeSubscriptionProduct(h.db);
      const s = await subscribed(deps, product);
      await months(1);
      const [, renewal] = await paymentsOf(s.subscriptionId);
      await h.emulator.control.refundSale(renewal!.providerPaymentId);
      await h.settle();
      const row = await rowOf(s.subscriptionId);
      expect(row.paidThrough).toEqual(renewal!.paidAt);
      expect((await paymentsOf(s.subscriptionId))[1]).toMatchObject({ status: "refunded", refundedMinor: 1900 });
      expect(canViewContent(await getAccess(h.db, s.user.id, course.id), new Date(renewal!.paidAt.getTime() + GRACE_MS + 1000))).toBe(false);
    });

    it("duplicated and reordered webhooks, and two app instances activating at once, come to one activation and one payment each", async () => {
      const [one, two] = [h.instance(), h.instance(h.secondPool())];
      h.receiveWith(one, two);
      await h.emulator.control.webhooks.setPolicy({ duplicate: true });
      await h.emulator.control.webhooks.hold();
      const { product } = await makeSubscriptionProduct(h.db, {}, { setupFeeMinor: 700 });
      const user = await makeUser(h.db);
      const started = await startSubscription(one, user.id, { productId: product.id, currency: "USD" });
      if (!started.ok) throw new Error(started.message);
      await h.emulator.control.approveSubscription(started.providerSubscriptionId);
      const both = await Promise.all([activateSubscription(one, user.id, started.providerSubscriptionId), activateSubscription(two, user.id, started.providerSubscriptionId)]);
      expect(both).toEqual([expect.objectContaining({ ok: true, status: "active" }), expect.objectContaining({ ok: true, status: "active" })]);
      await h.emulator.control.advanceClock(31 * DAY);
      await h.emulator.control.webhooks.release({ order: "reverse" });
      await h.settle();
      expect((await paymentsOf(started.subscriptionId)).map((p) => p.grossMinor)).toEqual([2600, 1900]);
      expect(await h.db.select().from(subscriptions).where(eq(subscriptions.userId, user.id))).toHaveLength(1);
      expect(await noticesOf(started.subscriptionId)).toEqual(["started"]);
    });

    it("the PayPal plan of a price is created once, however many buyers start at once", async () => {
      const deps = [h.instance(), h.instance(h.secondPool())];
      const { product, price } = await makeSubscriptionProduct(h.db);
      const buyers = await Promise.all([1, 2, 3, 4].map(() => makeUser(h.db)));
      const started = await Promise.all(buyers.map((b, i) => startSubscription(deps[i % 2]!, b.id, { productId: product.id, currency: "USD" })));
      expect(started.every((s) => s.ok)).toBe(true);
      const plans = await h.db.select().from(providerPlans).where(eq(providerPlans.productId, product.id));
      expect(plans.filter((p) => p.priceId === price.id)).toHaveLength(1);
      expect(plans.filter((p) => p.priceId === null)).toHaveLength(1);
      const calls = await h.emulator.control.calls({ path: "/v1/billing/plans", method: "POST" });
      expect(new Set(calls.filter((c) => c.status === 201).map((c) => c.requestId)).size).toBe(1);
    });

    it("an admin refunds the last payment, suspends and cancels at PayPal, each audited; a new price is a new plan for new buyers only", async () => {
      const deps = h.instance();
      const admin = await makeUser(h.db, { role: "admin" });
      const course = await makeCourse(h.db);
      const { product, price } = await makeSubscriptionProduct(h.db);
      const s = await subscribed(deps, product);
      expect(await adminSubscriptionAction(deps, admin.id, s.subscriptionId, "refund_last")).toMatchObject({ ok: true });
      await h.settle();
      expect((await paymentsOf(s.subscriptionId))[0]).toMatchObject({ status: "refunded", refundedMinor: 1900 });
      expect(canViewContent(await getAccess(h.db, s.user.id, course.id), new Date(Date.now() + GRACE_MS + 60_000))).toBe(false);
      expect(await adminSubscriptionAction(deps, admin.id, s.subscriptionId, "refund_last")).toMatchObject({ ok: false, message: expect.stringMatching(/no payment left/) });
      expect(await adminSubscriptionAction(deps, admin.id, s.subscriptionId, "suspend")).toMatchObject({ ok: true });
      expect((await rowOf(s.subscriptionId)).status).toBe("suspended");
      expect(await adminSubscriptionAction(deps, admin.id, s.subscriptionId, "cancel")).toMatchObject({ ok: true });
      expect((await rowOf(s.subscriptionId)).status).toBe("cancelled");
      const audit = await h.db.select().from(adminAuditLog).where(eq(adminAuditLog.actorId, admin.id));
      expect(audit.map((a) => a.action)).toEqual(["subscription.refund_last", "subscription.suspend", "subscription.cancel"]);

      // The price changes: a new version, a new PayPal plan for the next buyer; the first subscriber stays on theirs.
      const first = await subscribed(deps, product);
      const form = (fields: Record<string, string>) =>
        productFormSchema.parse({ kind: "membership", name: product.name, slug: product.slug, description: product.description, interval: "month", intervalCount: "1", trialDays: "0", allCourses: "on", currency: "USD", amount: "24.00", published: "on", ...fields });
      expect(await saveProduct(h.db, admin.id, product.id, form({}))).toEqual({ ok: true, id: product.id, newPriceVersion: 2 });
      const next = await subscribed(deps, product);
      const [a, b] = [await rowOf(first.subscriptionId), await rowOf(next.subscriptionId)];
      expect(a.priceId).toBe(price.id);
      expect(b.priceId).not.toBe(price.id);
      expect((await paymentsOf(next.subscriptionId)).map((p) => p.grossMinor)).toEqual([2400]);
      expect((await h.db.select().from(providerPlans).where(eq(providerPlans.productId, product.id))).filter((p) => p.priceId)).toHaveLength(2);
      // Subscribers exist: the billing rhythm can no longer change.
      expect(await saveProduct(h.db, admin.id, product.id, form({ interval: "year" }))).toMatchObject({ ok: false, fieldErrors: { interval: [expect.stringMatching(/can no longer change/)] } });
    });

    it("a declined first payment (with its setup fee) starts nothing and says so", async () => {
      const deps = h.instance();
      const course = await makeCourse(h.db);
      const { product } = await makeSubscriptionProduct(h.db, {}, { setupFeeMinor: 500 });
      const user = await makeUser(h.db);
      const started = await startSubscription(deps, user.id, { productId: product.id, currency: "USD" });
      if (!started.ok) throw new Error(started.message);
      await h.emulator.control.failSubscriptionPayments(started.providerSubscriptionId, 1);
      await h.emulator.control.approveSubscription(started.providerSubscriptionId);
      expect(await activateSubscription(deps, user.id, started.providerSubscriptionId)).toMatchObject({ ok: false, message: expect.stringMatching(/could not take the first payment/) });
      expect((await rowOf(started.subscriptionId)).status).toBe("cancelled");
      expect(canViewContent(await getAccess(h.db, user.id, course.id))).toBe(false);
      await h.settle();
      expect(await checkInvariants(h.db)).toEqual([]);
    });

    it("refuses someone else's subscription, and one made on another plan, changing nothing", async () => {
      const deps = h.instance();
      const { product } = await makeSubscriptionProduct(h.db);
      const owner = await makeUser(h.db);
      const started = await startSubscription(deps, owner.id, { productId: product.id, currency: "USD" });
      if (!started.ok) throw new Error(started.message);
      await h.emulator.control.approveSubscription(started.providerSubscriptionId);
      const intruder = await makeUser(h.db);
      expect(await activateSubscription(deps, intruder.id, started.providerSubscriptionId)).toMatchObject({ ok: false, message: expect.stringMatching(/could not find/) });
      expect((await rowOf(started.subscriptionId)).status).toBe("pending");

      // A subscription at PayPal on a cheaper plan, passed off as ours: never activated, flagged for an admin.
      const cheap = await makeSubscriptionProduct(h.db, {}, { amountMinor: 100 });
      const cheapStarted = await startSubscription(deps, intruder.id, { productId: cheap.product.id, currency: "USD" });
      if (!cheapStarted.ok) throw new Error(cheapStarted.message);
      await h.emulator.control.approveSubscription(cheapStarted.providerSubscriptionId);
      const mine = await startSubscription(deps, intruder.id, { productId: product.id, currency: "USD" });
      if (!mine.ok) throw new Error(mine.message);
      await h.db.update(subscriptions).set({ providerSubscriptionId: null }).where(eq(subscriptions.id, cheapStarted.subscriptionId));
      await h.db.update(subscriptions).set({ providerSubscriptionId: cheapStarted.providerSubscriptionId }).where(eq(subscriptions.id, mine.subscriptionId));
      const result = await syncChecked(deps, await rowOf(mine.subscriptionId));
      expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/does not match/) });
      expect(await rowOf(mine.subscriptionId)).toMatchObject({ status: "pending", attentionReason: expect.stringMatching(/another plan/) });
      expect(await h.db.select().from(enrollments).where(eq(enrollments.subscriptionId, mine.subscriptionId))).toEqual([]);
    });
  });
}
