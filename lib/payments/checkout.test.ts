import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { enrollments, orderItems, orders, paymentEvents, payments } from "@/db/schema";
import { money } from "@/lib/money";
import { addToCart, cartCount } from "@/lib/cart";
import { enroll } from "@/lib/enrollment";
import { testEngines } from "@/lib/testing/db";
import { makeCourse, makeUser } from "@/lib/testing/fixtures";
import { planCounts } from "@/lib/testing/plans";
import { rowsRead } from "@/lib/testing/rows-read";
import { usePayments } from "@/lib/testing/payments";
import { captureCheckout, insertOrder, selectionSchema, startCheckout, type StartDeps } from "./checkout";
import { fulfil } from "./fulfil";
import { CHECKOUT_MESSAGES } from "./messages";
import { returnedId, returnUrls } from "./redirects";

for (const engine of testEngines()) {
  describe(`checkout against the PayPal emulator on ${engine}`, () => {
    const h = usePayments(engine);

    async function buyer() {
      return makeUser(h.db);
    }

    async function ordersOf(userId: string) {
      return h.db.select().from(orders).where(eq(orders.userId, userId));
    }

    async function activeFull(userId: string) {
      const rows = await h.db
        .select()
        .from(enrollments)
        .where(and(eq(enrollments.userId, userId), eq(enrollments.status, "active"), eq(enrollments.mode, "full")));
      return rows.map((r) => r.courseId).sort();
    }

    async function paypalOrder(id: string) {
      return (await h.emulator.control.order(id)).order as {
        purchase_units: { amount: { currency_code: string; value: string }; items: { sku: string; unit_amount: { value: string } }[]; custom_id: string }[];
      };
    }

    async function startAndApprove(deps: StartDeps, userId: string, courseId: string, outcome: "success" | "declined" | "pending" | "failure" = "success") {
      const started = await startCheckout(deps, userId, { kind: "course", courseId });
      if (!started.ok) throw new Error(started.message);
      await h.emulator.control.approveOrder(started.providerOrderId, { outcome });
      return started;
    }

    it("does not offer to pay again for a course whose earlier payment is pending: no new PayPal order, the cart keeps it", async () => {
      const deps = h.instance();
      const [user, pendingCourse, other] = await Promise.all([
        buyer(),
        makeCourse(h.db, { priceMinor: 4900, currency: "USD" }),
        makeCourse(h.db, { priceMinor: 2500, currency: "USD", title: "Other course" }),
      ]);
      const first = await startAndApprove(deps, user.id, pendingCourse.id, "pending");
      expect(await captureCheckout(deps, user.id, first.providerOrderId)).toMatchObject({ status: "pending" });
      const createsBefore = (await h.emulator.control.calls({ path: "/v2/checkout/orders", method: "POST" })).length;

      expect(await startCheckout(deps, user.id, { kind: "course", courseId: pendingCourse.id })).toMatchObject({ ok: false, message: CHECKOUT_MESSAGES.paymentPending });
      await addToCart(h.db, user.id, pendingCourse.id);
      await addToCart(h.db, user.id, other.id);
      const cart = await startCheckout(deps, user.id, { kind: "cart", currency: "USD" });
      if (!cart.ok) throw new Error(cart.message);
      expect(cart.removed).toEqual([pendingCourse.title]);
      expect((await paypalOrder(cart.providerOrderId)).purchase_units[0]!.items.map((i) => i.sku)).toEqual([other.id]);
      expect((await h.emulator.control.calls({ path: "/v2/checkout/orders", method: "POST" })).length - createsBefore).toBe(1);
      expect(await cartCount(h.db, user.id)).toBe(2);
    });

    it("buys one course: server-priced PayPal order, capture, one full enrollment, everything logged raw", async () => {
      const deps = h.instance();
      const [user, course] = await Promise.all([buyer(), makeCourse(h.db, { priceMinor: 4900, currency: "USD", title: "Idempotency" })]);
      const started = await startAndApprove(deps, user.id, course.id);

      const sent = await paypalOrder(started.providerOrderId);
      expect(sent.purchase_units[0]).toMatchObject({
        amount: { currency_code: "USD", value: "49.00" },
        custom_id: started.orderId,
        items: [{ sku: course.id, unit_amount: { value: "49.00" } }],
      });

      const result = await captureCheckout(deps, user.id, started.providerOrderId);
      expect(result).toEqual({ ok: true, orderId: started.orderId, status: "completed" });
      expect(await activeFull(user.id)).toEqual([course.id]);

      const [payment] = await h.db.select().from(payments).where(eq(payments.orderId, started.orderId));
      expect(payment).toMatchObject({ status: "completed", grossMinor: 4900, currency: "USD" });
      expect(payment!.feeMinor).toBeGreaterThan(0);
      expect(payment!.netMinor).toBe(4900 - payment!.feeMinor!);

      const events = await h.db.select().from(paymentEvents).where(eq(paymentEvents.orderId, started.orderId));
      expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(["orders.create", "orders.capture"]));
      const tokenEvents = await h.db.select().from(paymentEvents).where(eq(paymentEvents.type, "oauth.token"));
      expect(JSON.stringify(tokenEvents.map((e) => e.raw))).not.toContain("access_token");
    });

    it("the redirect flow: the order carries the store's return URLs, the buyer is sent to PayPal's page, and the return captures once however often it is loaded", async () => {
      const deps = h.instance();
      const [user, course] = await Promise.all([buyer(), makeCourse(h.db, { priceMinor: 2900 })]);
      const urls = returnUrls("https://shop.example", "paypal");
      const started = await startCheckout(deps, user.id, { kind: "course", courseId: course.id }, { returnUrls: () => urls });
      if (!started.ok) throw new Error(started.message);
      expect(started.approvalUrl).toBe(`${h.emulator.url}/checkoutnow?token=${started.providerOrderId}`);
      expect(await h.emulator.control.order(started.providerOrderId)).toMatchObject({ returnUrl: "https://shop.example/api/payments/paypal/return", cancelUrl: "https://shop.example/api/payments/paypal/cancel" });

      await h.emulator.control.approveOrder(started.providerOrderId);
      // PayPal sends the buyer to return_url?token=<order id>&PayerID=…; the route reads the token and captures.
      const back = new URL(`${urls.success}?token=${started.providerOrderId}&PayerID=QYR5Z8XDVJNXQ`);
      const id = returnedId("paypal", back)!;
      const loads = await Promise.all([captureCheckout(deps, user.id, id), captureCheckout(h.instance(), user.id, id)]);
      expect(loads).toEqual([{ ok: true, orderId: started.orderId, status: "completed" }, { ok: true, orderId: started.orderId, status: "completed" }]);
      expect(await h.db.select().from(payments).where(eq(payments.orderId, started.orderId))).toHaveLength(1);
      expect(await activeFull(user.id)).toEqual([course.id]);
    });

    it("a return URL whose token is malformed or names another provider's id is not acted on", () => {
      const base = "https://shop.example/api/payments/paypal/return";
      expect(returnedId("paypal", new URL(`${base}?token=5O190127TN364715T`))).toBe("5O190127TN364715T");
      for (const token of ["", "5o190127tn364715t", "../../admin", "5O190127TN364715T' or 1=1", "cs_test_a1b2c3d4e5f6g7h8i9j0"]) {
        expect(returnedId("paypal", new URL(`${base}?token=${encodeURIComponent(token)}`))).toBeNull();
      }
      expect(returnedId("stripe", new URL(`${base}?token=5O190127TN364715T`))).toBeNull();
      expect(returnUrls("https://shop.example", "stripe").success).toBe("https://shop.example/api/payments/stripe/return?session_id={CHECKOUT_SESSION_ID}");
    });

    it("buys a three-course cart in one PayPal order and empties those cart items", async () => {
      const deps = h.instance();
      const user = await buyer();
      const courses = await Promise.all([
        makeCourse(h.db, { priceMinor: 4900 }),
        makeCourse(h.db, { priceMinor: 2900 }),
        makeCourse(h.db, { priceMinor: 7900 }),
      ]);
      const euro = await makeCourse(h.db, { priceMinor: 3900, currency: "EUR" });
      for (const c of [...courses, euro]) await addToCart(h.db, user.id, c.id);

      const started = await startCheckout(deps, user.id, { kind: "cart", currency: "USD" });
      if (!started.ok) throw new Error(started.message);
      const sent = await paypalOrder(started.providerOrderId);
      expect(sent.purchase_units[0]!.amount).toEqual(expect.objectContaining({ currency_code: "USD", value: "157.00" }));
      expect(sent.purchase_units[0]!.items.map((i) => i.sku)).toEqual(courses.map((c) => c.id));
      // Our order, written in the statement that read the cart: the items' sum, their courses in the cart's order.
      const [order] = await ordersOf(user.id);
      expect(order).toMatchObject({ id: started.orderId, status: "created", currency: "USD", totalMinor: 15700, courseIds: courses.map((c) => c.id) });
      const items = await h.db.select().from(orderItems).where(eq(orderItems.orderId, started.orderId));
      expect(items.map((i) => [i.courseId, i.unitPriceMinor, i.currency]).sort()).toEqual(courses.map((c) => [c.id, c.priceMinor, "USD"]).sort());

      await h.emulator.control.approveOrder(started.providerOrderId);
      expect(await captureCheckout(deps, user.id, started.providerOrderId)).toMatchObject({ ok: true, status: "completed" });
      expect(await activeFull(user.id)).toEqual(courses.map((c) => c.id).sort());
      expect(await cartCount(h.db, user.id)).toBe(1); // the EUR course waits for its own payment
    });

    it("an order's items are in one currency: items in two write nothing", async () => {
      const user = await buyer();
      const [usd, eur] = await Promise.all([makeCourse(h.db), makeCourse(h.db, { currency: "EUR" })]);
      const item = (c: typeof usd) => ({ courseId: c.id, externalRef: null, title: c.title, price: money(c.priceMinor, c.currency) });
      await expect(insertOrder(h.db, { userId: user.id }, "paypal", [item(usd), item(eur)])).rejects.toThrow(/one currency/);
      expect(await ordersOf(user.id)).toEqual([]);
      expect(await insertOrder(h.db, { userId: user.id }, "paypal", [item(usd)])).toEqual({ id: expect.any(String), total: money(usd.priceMinor, "USD") });
    });

    it("leaves out courses the buyer already owns, with a message, and refuses when nothing is left", async () => {
      const deps = h.instance();
      const user = await buyer();
      const [owned, fresh] = await Promise.all([makeCourse(h.db, { title: "Owned one" }), makeCourse(h.db)]);
      for (const c of [owned, fresh]) await addToCart(h.db, user.id, c.id);
      const first = await startAndApprove(deps, user.id, owned.id);
      await captureCheckout(deps, user.id, first.providerOrderId);

      await addToCart(h.db, user.id, fresh.id);
      const started = await startCheckout(deps, user.id, { kind: "cart", currency: "USD" });
      expect(started).toMatchObject({ ok: true, removed: [] });
      const ordersBefore = await ordersOf(user.id);
      const again = await startCheckout(deps, user.id, { kind: "course", courseId: owned.id });
      expect(again).toMatchObject({ ok: false, removed: ["Owned one"], message: expect.stringMatching(/already own/) });
      expect(await ordersOf(user.id)).toEqual(ordersBefore); // nothing to pay for: no order written
    });

    it("a cancelled approval charges nothing and cannot be captured", async () => {
      const deps = h.instance();
      const [user, course] = await Promise.all([buyer(), makeCourse(h.db)]);
      const started = await startCheckout(deps, user.id, { kind: "course", courseId: course.id });
      if (!started.ok) throw new Error(started.message);
      await h.emulator.control.cancelOrder(started.providerOrderId);
      const result = await captureCheckout(deps, user.id, started.providerOrderId);
      expect(result).toMatchObject({ ok: false, kind: "refused", message: expect.stringMatching(/approval/) });
      expect(await activeFull(user.id)).toEqual([]);
      expect(await h.db.select().from(payments).where(eq(payments.orderId, started.orderId))).toEqual([]);
    });

    it("after INSTRUMENT_DECLINED the buyer approves again and the next capture is a new attempt that succeeds", async () => {
      const deps = h.instance();
      const [user, course] = await Promise.all([buyer(), makeCourse(h.db)]);
      const started = await startAndApprove(deps, user.id, course.id, "declined");
      const declined = await captureCheckout(deps, user.id, started.providerOrderId);
      expect(declined).toMatchObject({ ok: false, kind: "declined", message: expect.stringMatching(/declined/) });
      expect(await activeFull(user.id)).toEqual([]);

      await h.emulator.control.approveOrder(started.providerOrderId, { outcome: "success" });
      expect(await captureCheckout(deps, user.id, started.providerOrderId)).toMatchObject({ ok: true, status: "completed" });
      const captures = await h.emulator.control.calls({ path: `/v2/checkout/orders/${started.providerOrderId}/capture` });
      expect(captures.map((c) => c.requestId)).toEqual([`coursepay-${started.orderId}-capture-0`, `coursepay-${started.orderId}-capture-1`]);
    });

    it("a pending capture grants nothing until PayPal settles it", async () => {
      const deps = h.instance();
      const [user, course] = await Promise.all([buyer(), makeCourse(h.db)]);
      const started = await startAndApprove(deps, user.id, course.id, "pending");
      expect(await captureCheckout(deps, user.id, started.providerOrderId)).toEqual({ ok: true, orderId: started.orderId, status: "pending" });
      expect(await activeFull(user.id)).toEqual([]);
      const [payment] = await h.db.select().from(payments).where(eq(payments.orderId, started.orderId));
      expect(payment).toMatchObject({ status: "pending", statusReason: "ECHECK", feeMinor: null });

      // A reload of the capture step changes nothing while it is pending.
      expect(await captureCheckout(deps, user.id, started.providerOrderId)).toMatchObject({ status: "pending" });

      await h.emulator.control.settleCapture(payment!.providerCaptureId, "completed");
      const truth = await deps.provider.getOrder({ providerOrderId: started.providerOrderId });
      if (!truth.ok || !truth.value.capture) throw new Error("no capture");
      expect(await fulfil(h.db, truth.value.capture)).toMatchObject({ outcome: "applied", from: "pending", to: "completed", enrollmentsGranted: 1 });
      expect(await activeFull(user.id)).toEqual([course.id]);
      const [settled] = await h.db.select().from(payments).where(eq(payments.orderId, started.orderId));
      expect(settled!.feeMinor).toBeGreaterThan(0);
    });

    it("a capture that fails as 'COMPLETED order with a DECLINED capture' is a failed payment, not a paid one", async () => {
      const deps = h.instance();
      const [user, course] = await Promise.all([buyer(), makeCourse(h.db)]);
      const started = await startAndApprove(deps, user.id, course.id, "failure");
      expect(await captureCheckout(deps, user.id, started.providerOrderId)).toMatchObject({ ok: false, kind: "refused" });
      const [order] = await h.db.select().from(orders).where(eq(orders.id, started.orderId));
      expect(order!.status).toBe("failed");
      expect(await activeFull(user.id)).toEqual([]);
    });

    it("a 500 after PayPal captured is retried with the same PayPal-Request-Id and captures once", async () => {
      const deps = h.instance();
      const [user, course] = await Promise.all([buyer(), makeCourse(h.db)]);
      const started = await startAndApprove(deps, user.id, course.id);
      await h.emulator.control.addFault({ method: "POST", path: "/v2/checkout/orders/", count: 1, kind: "http500", phase: "after" });

      expect(await captureCheckout(deps, user.id, started.providerOrderId)).toMatchObject({ ok: true, status: "completed" });
      const calls = await h.emulator.control.calls({ path: `/v2/checkout/orders/${started.providerOrderId}/capture` });
      expect(calls.map((c) => c.status)).toEqual([500, 200]);
      expect(new Set(calls.map((c) => c.requestId)).size).toBe(1);
      expect(await h.db.select().from(payments).where(eq(payments.orderId, started.orderId))).toHaveLength(1);
    });

    it("when PayPal stays unreachable the order waits, and a later retry (a reload) captures exactly once", async () => {
      const deps = h.instance(undefined, { maxRetries: 1 });
      const [user, course] = await Promise.all([buyer(), makeCourse(h.db)]);
      const started = await startAndApprove(deps, user.id, course.id);
      await h.emulator.control.addFault({ method: "POST", path: "/capture", count: 2, kind: "reset", phase: "after" });

      expect(await captureCheckout(deps, user.id, started.providerOrderId)).toEqual({ ok: true, orderId: started.orderId, status: "processing" });
      expect(await activeFull(user.id)).toEqual([]);
      expect(await captureCheckout(deps, user.id, started.providerOrderId)).toMatchObject({ ok: true, status: "completed" });
      expect(await activeFull(user.id)).toEqual([course.id]);
      const state = await h.emulator.control.order(started.providerOrderId);
      const captures = (state.order as { purchase_units: { payments: { captures: unknown[] } }[] }).purchase_units[0]!.payments.captures;
      expect(captures).toHaveLength(1);
    });

    it("two app instances capturing the same order at once: one capture, one set of enrollments", async () => {
      const first = h.instance();
      const second = h.instance(h.secondPool());
      const user = await buyer();
      const courses = await Promise.all([makeCourse(h.db), makeCourse(h.db)]);
      for (const c of courses) await addToCart(h.db, user.id, c.id);
      const started = await startCheckout(first, user.id, { kind: "cart", currency: "USD" });
      if (!started.ok) throw new Error(started.message);
      await h.emulator.control.approveOrder(started.providerOrderId);

      const results = await Promise.all([
        captureCheckout(first, user.id, started.providerOrderId),
        captureCheckout(second, user.id, started.providerOrderId),
        captureCheckout(first, user.id, started.providerOrderId),
      ]);
      expect(results.filter((r) => r.ok && r.status === "completed").length).toBeGreaterThanOrEqual(1);
      expect(results.every((r) => r.ok || r.message.includes("being processed"))).toBe(true);
      // Whatever the interleaving, the end state is the same after one more reload.
      expect(await captureCheckout(second, user.id, started.providerOrderId)).toMatchObject({ ok: true, status: "completed" });
      expect(await h.db.select().from(payments).where(eq(payments.orderId, started.orderId))).toHaveLength(1);
      expect(await activeFull(user.id)).toEqual(courses.map((c) => c.id).sort());
      const rows = await h.db.select().from(enrollments).where(eq(enrollments.userId, user.id));
      expect(rows).toHaveLength(2);
    });

    it("two different orders for the same course cannot both be charged", async () => {
      const deps = h.instance();
      const [user, course] = await Promise.all([buyer(), makeCourse(h.db)]);
      const tabA = await startAndApprove(deps, user.id, course.id);
      const tabB = await startAndApprove(deps, user.id, course.id);
      const [a, b] = await Promise.all([captureCheckout(deps, user.id, tabA.providerOrderId), captureCheckout(deps, user.id, tabB.providerOrderId)]);
      expect([a, b].filter((r) => r.ok)).toHaveLength(1);
      const captured = await h.db.select().from(payments).innerJoin(orders, eq(orders.id, payments.orderId)).where(eq(orders.userId, user.id));
      expect(captured).toHaveLength(1);
      // The loser was told another payment is in flight, or (if the winner had already finished) that the course
      // is already theirs. Retried, it is never charged: its order ends cancelled, and there is still one capture.
      const [loser, loserResult] = a.ok ? [tabB, b] : [tabA, a];
      expect(loserResult).toMatchObject({ ok: false, message: expect.stringMatching(/being processed|already own/) });
      expect(await captureCheckout(deps, user.id, loser.providerOrderId)).toMatchObject({ ok: false, message: expect.stringMatching(/already own|cancelled/) });
      expect((await h.db.select().from(orders).where(eq(orders.id, loser.orderId)))[0]!.status).toBe("cancelled");
      expect(await h.db.select().from(payments).innerJoin(orders, eq(orders.id, payments.orderId)).where(eq(orders.userId, user.id))).toHaveLength(1);
      expect(await h.emulator.control.calls({ path: `/v2/checkout/orders/${loser.providerOrderId}/capture` })).toEqual([]);
    });

    // Deterministic where the test above is a race: tab A's claim holds the buyer's row while tab B's claim waits for
    // it. B must see A's claim once A commits; a claim that took its snapshot before waiting (a single statement with
    // the lock in a CTE) or took no lock would charge B too. Needs two real connections: PostgreSQL only.
    it.skipIf(engine === "pglite")("a claim that waited for another tab's claim sees it once that one commits", async () => {
      const deps = h.instance();
      const other = h.secondPool();
      const [user, course] = await Promise.all([buyer(), makeCourse(h.db)]);
      const tabA = await startAndApprove(deps, user.id, course.id);
      const tabB = await startAndApprove(deps, user.id, course.id);

      let commitA!: () => void;
      const aMayCommit = new Promise<void>((resolve) => (commitA = resolve));
      let aHolds!: () => void;
      const aHoldsLock = new Promise<void>((resolve) => (aHolds = resolve));
      const claimA = other.transaction(async (tx) => {
        await tx.execute(sql`select 1 from users where id = ${user.id} for no key update`);
        await tx.execute(sql`update orders set status = 'approved', capture_started_at = now() where id = ${tabA.orderId}`);
        aHolds();
        await aMayCommit;
      });
      await aHoldsLock;
      const captureB = captureCheckout(deps, user.id, tabB.providerOrderId);
      // B is waiting for A's lock (not merely slow) before A commits; only this test file's database counts, since
      // other files' tests run at the same time on the same server.
      await expect.poll(async () => (await queryRows<{ n: number }>(h.db, sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`))[0]!.n, { timeout: 5_000 }).toBeGreaterThan(0);
      commitA();
      await claimA;

      expect(await captureB).toMatchObject({ ok: false, kind: "refused", message: CHECKOUT_MESSAGES.otherPaymentInFlight });
      expect(await h.emulator.control.calls({ path: `/v2/checkout/orders/${tabB.providerOrderId}/capture` })).toEqual([]);
      expect((await h.db.select().from(orders).where(eq(orders.id, tabB.orderId)))[0]!.status).toBe("created");
    });

    // A store that sells no LMS classes has an empty gateway_handoffs table, and the planner knows it. The guards'
    // learner arm, joined from the order, then read every order in the store on every claim (migration 0019).
    it.skipIf(engine === "pglite")("a capture claim reads a handful of orders in a store with thousands of them and no LMS handoffs", async () => {
      const deps = h.instance();
      const [user, course] = await Promise.all([buyer(), makeCourse(h.db)]);
      const started = await startAndApprove(deps, user.id, course.id);
      await h.db.execute(sql`
        with earlier as (insert into users (email, name, password_hash) values (${`earlier-${started.orderId}@example.test`}, 'Earlier buyers', 'x') returning id)
        insert into orders (user_id, status, currency, total_minor, provider, provider_order_id, course_ids)
        select earlier.id, 'completed', 'USD', 4900, 'paypal', ${`EARLIER-${started.orderId}-`} || n, '{}' from earlier, generate_series(1, 3000) as n`);
      await h.db.execute(sql`analyze orders, gateway_handoffs, gateway_connections`);
      const ordersRead = await h.db.transaction((tx) =>
        rowsRead(tx, "orders", async () => {
          const [claim] = await queryRows<{ outcome: string }>(tx, sql`select outcome from claim_capture(${started.orderId}::uuid, '{created}'::order_status[], 120)`);
          expect(claim!.outcome).toBe("claimed");
        }),
      );
      // The order itself and the buyer's own orders, through indexes (it read all 3,000+ before migration 0019).
      expect(ordersRead).toBeLessThan(20);
    });

    // Called from claim_capture's UPDATE filter, SQL-language guards cannot be inlined, and PostgreSQL then parses
    // and plans their queries on every call: 2.5-6.5 ms of database CPU per claim, most of a checkout's (migration
    // 0020, bench:checkout's DB CPU column). PL/pgSQL keeps a function's plans for the connection.
    it("the capture guards are PL/pgSQL functions, whose plans PostgreSQL keeps between claims", async () => {
      const guards = await queryRows<{ name: string; language: string }>(
        h.db,
        sql`select p.proname as name, l.lanname as language from pg_proc p join pg_language l on l.oid = p.prolang
            where p.proname in ('claim_capture', 'capture_owned_elsewhere', 'capture_in_flight_elsewhere') order by 1`,
      );
      expect(guards).toEqual([
        { name: "capture_in_flight_elsewhere", language: "plpgsql" },
        { name: "capture_owned_elsewhere", language: "plpgsql" },
        { name: "claim_capture", language: "plpgsql" },
      ]);
    });

    it("another student cannot capture someone else's order, and nothing changes", async () => {
      const deps = h.instance();
      const [owner, intruder, course] = await Promise.all([buyer(), buyer(), makeCourse(h.db)]);
      const started = await startAndApprove(deps, owner.id, course.id);
      const before = await ordersOf(owner.id);
      expect(await captureCheckout(deps, intruder.id, started.providerOrderId)).toMatchObject({ ok: false, kind: "refused", message: expect.stringMatching(/could not find/) });
      expect(await ordersOf(owner.id)).toEqual(before);
      expect(await h.emulator.control.calls({ path: `/v2/checkout/orders/${started.providerOrderId}/capture` })).toEqual([]);
      // The filter does match real capture calls: the owner's capture is seen.
      await captureCheckout(deps, owner.id, started.providerOrderId);
      expect(await h.emulator.control.calls({ path: `/v2/checkout/orders/${started.providerOrderId}/capture` })).toHaveLength(1);
      expect(await activeFull(intruder.id)).toEqual([]);
    });

    it("a tampered price in the browser's request is ignored: the amount comes from the database", async () => {
      const deps = h.instance();
      const [user, course] = await Promise.all([buyer(), makeCourse(h.db, { priceMinor: 7900 })]);
      const selection = selectionSchema.parse({ kind: "course", courseId: course.id, price: "0.01", amount: { value: "0.01" }, totalMinor: 1 });
      expect(selection).toEqual({ kind: "course", courseId: course.id });
      const started = await startCheckout(deps, user.id, selection);
      if (!started.ok) throw new Error(started.message);
      expect((await paypalOrder(started.providerOrderId)).purchase_units[0]!.amount.value).toBe("79.00");
      expect(selectionSchema.safeParse({ kind: "cart", currency: "XXX" }).success).toBe(false);
      expect(selectionSchema.safeParse({ kind: "course", courseId: "not-a-uuid" }).success).toBe(false);
    });

    it.each([
      ["JPY", 4800, "4800"],
      ["EUR", 3950, "39.50"],
      ["HUF", 12000, "12000"],
    ] as const)("pays in %s with the currency's own decimals", async (currency, minor, value) => {
      const deps = h.instance();
      const [user, course] = await Promise.all([buyer(), makeCourse(h.db, { priceMinor: minor, currency })]);
      const started = await startAndApprove(deps, user.id, course.id);
      expect((await paypalOrder(started.providerOrderId)).purchase_units[0]!.amount).toEqual(expect.objectContaining({ currency_code: currency, value }));
      expect(await captureCheckout(deps, user.id, started.providerOrderId)).toMatchObject({ ok: true, status: "completed" });
      const [payment] = await h.db.select().from(payments).where(eq(payments.orderId, started.orderId));
      expect(payment).toMatchObject({ grossMinor: minor, currency });
    });

    it("survives the OAuth token expiring in the middle of a checkout, and instances share one token", async () => {
      const first = h.instance();
      const [user, course] = await Promise.all([buyer(), makeCourse(h.db)]);
      const started = await startAndApprove(first, user.id, course.id);
      await h.emulator.control.expireTokens();
      const second = h.instance(h.secondPool());
      expect(await captureCheckout(second, user.id, started.providerOrderId)).toMatchObject({ ok: true, status: "completed" });
      const tokenCalls = await h.emulator.control.calls({ path: "/v1/oauth2/token" });
      expect(tokenCalls).toHaveLength(2); // the first token, and one refresh after it was revoked
    });

    it.runIf(engine === "postgres")("PostgreSQL keeps one plan for each of a checkout's statements: past its first five custom plans, each runs from its generic plan", async () => {
      // One connection, so pg_prepared_statements (per session) sees every statement of every checkout.
      const one = h.secondPool(1);
      const deps = h.instance(one);
      for (let i = 0; i < 8; i++) {
        const [user, course] = await Promise.all([buyer(), makeCourse(h.db)]);
        const started = await startAndApprove(deps, user.id, course.id);
        expect(await captureCheckout(deps, user.id, started.providerOrderId)).toMatchObject({ ok: true, status: "completed" });
      }
      // The order, its provider id, the look-up and claim, fulfil, and the raw events (one statement for both).
      expect(await planCounts(one, 8)).toEqual({ statements: 5, replanned: [] });
    });

    it("an audit upgraded by a purchase becomes a full enrollment tied to the order item", async () => {
      const deps = h.instance();
      const [user, course] = await Promise.all([buyer(), makeCourse(h.db, { auditable: true })]);
      await enroll(h.db, user.id, course.id, "audit");
      const started = await startAndApprove(deps, user.id, course.id);
      await captureCheckout(deps, user.id, started.providerOrderId);
      const [row] = await h.db.select().from(enrollments).where(and(eq(enrollments.userId, user.id), eq(enrollments.courseId, course.id)));
      expect(row).toMatchObject({ mode: "full", source: "purchase", status: "active" });
      expect(row!.orderItemId).not.toBeNull();
    });
  });
}
