/**
 * What only Stripe has, against the local Stripe emulator through the official SDK, on both engines: Checkout
 * Session fields and zero-decimal amounts, declined cards, another tab's session made unpayable, going back from
 * Stripe's page, and its webhook signatures. The money path it shares with PayPal (payments, refunds, disputes,
 * lost and duplicated notifications, reconciliation) is in money-path.test.ts.
 */
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { enrollments, orders, paymentEvents, payments } from "@/db/schema";
import { signature } from "@/emulators/stripe";
import { testEngines } from "@/lib/testing/db";
import { makeCourse, makeUser } from "@/lib/testing/fixtures";
import { planCounts } from "@/lib/testing/plans";
import { STRIPE_RETURN_URLS, useStripe } from "@/lib/testing/stripe";
import { cancelCheckout, captureCheckout, startCheckout } from "./checkout";
import { checkInvariants } from "./invariants";
import { receiveWebhook } from "./notifications";

const returnUrls = STRIPE_RETURN_URLS;

for (const engine of testEngines()) {
  describe(`checkout with Stripe on ${engine}`, () => {
    const h = useStripe(engine);

    async function checkout(priceMinor = 4900, currency = "USD") {
      const deps = h.instance();
      const [user, course] = await Promise.all([makeUser(h.db), makeCourse(h.db, { priceMinor, currency })]);
      const started = await startCheckout(deps, user.id, { kind: "course", courseId: course.id }, { returnUrls });
      if (!started.ok) throw new Error(started.message);
      return { deps, user, course, ...started };
    }
    const orderOf = async (id: string) => (await h.db.select().from(orders).where(eq(orders.id, id)))[0]!;
    const activeCourses = async (userId: string) =>
      (await h.db.select().from(enrollments).where(and(eq(enrollments.userId, userId), eq(enrollments.status, "active")))).map((e) => e.courseId).sort();

    it("prices a Checkout Session from the database, then fulfils once whether the return URL or the webhook comes first", async () => {
      const c = await checkout(4800, "JPY");
      const session = await h.emulator.control.session(c.providerOrderId);
      expect(session).toMatchObject({ client_reference_id: c.orderId, metadata: { order_id: c.orderId }, amount_total: 4800, currency: "jpy", success_url: returnUrls().success });
      expect(c.approvalUrl).toBe(`${h.emulator.url}/c/pay/${c.providerOrderId}`);
      expect(await captureCheckout(c.deps, c.user.id, c.providerOrderId)).toMatchObject({ ok: false }); // not paid yet

      expect(await h.emulator.control.pay(c.providerOrderId, { card: "4242424242424242" })).toEqual({ ok: true });
      const [viaReturn, again] = await Promise.all([captureCheckout(c.deps, c.user.id, c.providerOrderId), captureCheckout(c.deps, c.user.id, c.providerOrderId)]);
      expect(viaReturn).toEqual({ ok: true, orderId: c.orderId, status: "completed" });
      expect(again).toMatchObject({ ok: true, status: "completed" });
      await h.settle();
      expect((await orderOf(c.orderId)).status).toBe("completed");
      expect(await h.db.select().from(payments).where(eq(payments.orderId, c.orderId))).toHaveLength(1);
      expect(await activeCourses(c.user.id)).toEqual([c.course.id]);
      // Every Stripe answer and notification was kept raw.
      const events = await h.db.select().from(paymentEvents).where(eq(paymentEvents.orderId, c.orderId));
      expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(["checkout.sessions.create", "checkout.sessions.retrieve"]));
      expect(await checkInvariants(h.db)).toEqual([]);
    });

    it("a capture reads the session alone; the refunds are read when reconciliation asks for the whole state", async () => {
      const c = await checkout();
      await h.emulator.control.pay(c.providerOrderId, { card: "4242424242424242" });
      await h.settle();
      const callsSince = async (before: number) => (await h.emulator.control.calls()).slice(before).map((call) => `${call.method} ${call.path}`);
      const before = (await h.emulator.control.calls()).length;
      const captured = await c.deps.provider.captureOrder({ providerOrderId: c.providerOrderId, orderId: c.orderId, requestId: `coursepay-${c.orderId}-capture-0` });
      expect(captured).toMatchObject({ ok: true, value: { orderId: c.orderId, gross: { minor: 4900, currency: "USD" }, status: "COMPLETED" } });
      expect(await callsSince(before)).toEqual([`GET /v1/checkout/sessions/${c.providerOrderId}`]);
      const beforeState = (await h.emulator.control.calls()).length;
      expect(await c.deps.provider.getOrder({ providerOrderId: c.providerOrderId, orderId: c.orderId })).toMatchObject({ ok: true, value: { status: "COMPLETED", refunds: [] } });
      expect(await callsSince(beforeState)).toEqual([`GET /v1/checkout/sessions/${c.providerOrderId}`, "GET /v1/refunds"]);
    });

    it("a second Pay by card for the same course (another tab) makes the first page unpayable, so it is paid once", async () => {
      const first = await checkout();
      const second = await startCheckout(first.deps, first.user.id, { kind: "course", courseId: first.course.id }, { returnUrls });
      if (!second.ok) throw new Error(second.message);
      expect(await h.emulator.control.pay(first.providerOrderId)).toMatchObject({ ok: false });
      expect((await orderOf(first.orderId)).status).toBe("cancelled");
      expect(await h.emulator.control.pay(second.providerOrderId)).toEqual({ ok: true });
      await h.settle();
      expect((await orderOf(second.orderId)).status).toBe("completed");
      expect(await checkInvariants(h.db)).toEqual([]);
    });

    it("a declined card charges nothing and the buyer can pay with another card", async () => {
      const c = await checkout();
      expect(await h.emulator.control.pay(c.providerOrderId, { card: "4000000000000002" })).toMatchObject({ ok: false, message: "Your card was declined." });
      expect(await captureCheckout(c.deps, c.user.id, c.providerOrderId)).toMatchObject({ ok: false });
      expect((await orderOf(c.orderId)).status).not.toBe("completed");
      await h.emulator.control.pay(c.providerOrderId, { card: "4242424242424242" });
      await h.settle(); // the webhook alone completes it: the buyer closed the tab
      expect((await orderOf(c.orderId)).status).toBe("completed");
    });

    it("going back from Stripe expires the session and cancels the order; the page cannot be paid afterwards", async () => {
      const c = await checkout();
      expect(await cancelCheckout(c.deps, c.user.id, c.providerOrderId)).toBe(true);
      expect((await orderOf(c.orderId)).status).toBe("cancelled");
      expect(await h.emulator.control.pay(c.providerOrderId)).toMatchObject({ ok: false });
    });

    it("refuses forged, replayed and re-serialised webhooks, storing nothing; ignores unknown event types and other stores' sessions", async () => {
      const deps = h.instance();
      const stored = async () => (await h.db.select().from(paymentEvents).where(eq(paymentEvents.source, "webhook"))).length;
      const before = await stored();
      const event = JSON.stringify({ id: "evt_forged", object: "event", type: "checkout.session.completed", api_version: "2026-10-28.endive", created: 1, livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, data: { object: { id: "cs_test_a1notours", object: "checkout.session" } } });
      const now = Math.floor(Date.now() / 1000);
      const send = (body: string, header: string) => receiveWebhook(deps, new Headers({ "stripe-signature": header }), Buffer.from(body));
      expect((await send(event, signature("whsec_wrong", event, now))).status).toBe(400);
      expect((await send(event, signature(h.emulator.webhookSecret, event, now - 3600))).status).toBe(400);
      const signed = signature(h.emulator.webhookSecret, event, now);
      expect((await send(JSON.stringify(JSON.parse(event), null, 1), signed)).status).toBe(400);
      expect((await receiveWebhook(deps, new Headers(), Buffer.from(event))).status).toBe(400);
      expect(await stored()).toBe(before);

      // Genuinely signed, but about a session that is not ours, or of a type we do not handle: recorded, nothing else.
      expect(await send(event, signed)).toMatchObject({ status: 200, body: { outcome: "ignored: unknown order" } });
      const unknown = event.replace("checkout.session.completed", "customer.created").replace("evt_forged", "evt_unknown");
      expect(await send(unknown, signature(h.emulator.webhookSecret, unknown, now))).toMatchObject({ status: 200, body: { outcome: "ignored: unhandled event type customer.created" } });
      expect(await stored()).toBe(before + 2);
    });

    it.runIf(engine === "postgres")("PostgreSQL keeps one plan for each statement of a Stripe checkout and its webhooks", async () => {
      // One connection, so pg_prepared_statements (per session) sees every statement; it receives the webhooks too.
      const one = h.secondPool(1);
      const deps = h.instance(one);
      h.receiveWith(deps);
      for (let i = 0; i < 8; i++) {
        const [user, course] = await Promise.all([makeUser(h.db), makeCourse(h.db)]);
        const started = await startCheckout(deps, user.id, { kind: "course", courseId: course.id }, { returnUrls });
        if (!started.ok) throw new Error(started.message);
        await h.emulator.control.pay(started.providerOrderId, { card: "4242424242424242" });
        expect(await captureCheckout(deps, user.id, started.providerOrderId)).toMatchObject({ ok: true, status: "completed" });
        await h.settle();
      }
      expect((await planCounts(one, 8)).replanned).toEqual([]);
    });
  });
}
