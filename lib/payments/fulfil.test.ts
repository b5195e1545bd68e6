import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { cartItems, carts, enrollments, orderItems, orders, payments } from "@/db/schema";
import { openPostgres, queryRows } from "@/db/client";
import { addToCart } from "@/lib/cart";
import { enroll } from "@/lib/enrollment";
import { money } from "@/lib/money";
import { testEngines, useTestDb } from "@/lib/testing/db";
import { makeCourse, makeUser } from "@/lib/testing/fixtures";
import { rowsRead } from "@/lib/testing/rows-read";
import { fulfil } from "./fulfil";
import type { CaptureFacts } from "./types";

for (const engine of testEngines()) {
  describe(`fulfil() on ${engine}`, () => {
    const t = useTestDb(engine);
    let seq = 0;

    /** An order of two courses (49.00 + 29.00 USD), already sent to PayPal, with both courses in the cart. */
    async function placedOrder(status: "created" | "approved" | "failed" = "approved") {
      const user = await makeUser(t.db);
      const courses = await Promise.all([makeCourse(t.db, { priceMinor: 4900, auditable: true }), makeCourse(t.db, { priceMinor: 2900 })]);
      for (const c of courses) await addToCart(t.db, user.id, c.id);
      const providerOrderId = `TESTORDER${String(++seq).padStart(8, "0")}`;
      const [order] = await t.db.insert(orders).values({ userId: user.id, status, currency: "USD", totalMinor: 7800, provider: "paypal", providerOrderId, courseIds: courses.map((c) => c.id) }).returning();
      await t.db.insert(orderItems).values(courses.map((c) => ({ orderId: order!.id, courseId: c.id, title: c.title, unitPriceMinor: c.priceMinor, currency: "USD" })));
      return { user, courses, order: order!, providerOrderId };
    }
    const capture = (providerOrderId: string, overrides: Partial<CaptureFacts> = {}): CaptureFacts => ({
      provider: "paypal",
      providerOrderId,
      orderId: null,
      captureId: `CAP${providerOrderId}`,
      status: "COMPLETED",
      reason: null,
      gross: money(7800, "USD"),
      fee: money(321, "USD"),
      net: money(7479, "USD"),
      raw: { id: `CAP${providerOrderId}` },
      ...overrides,
    });
    const orderOf = async (id: string) => (await t.db.select().from(orders).where(eq(orders.id, id)))[0]!;
    const activeFull = async (userId: string) =>
      (await t.db.select().from(enrollments).where(and(eq(enrollments.userId, userId), eq(enrollments.status, "active"), eq(enrollments.mode, "full")))).length;
    const cartOf = async (userId: string) =>
      t.db.select().from(cartItems).innerJoin(carts, eq(carts.id, cartItems.cartId)).where(eq(carts.userId, userId));

    it("completes a paid order: capture recorded, one enrollment per course, its courses out of the cart — once", async () => {
      const { user, order, providerOrderId, courses } = await placedOrder();
      await enroll(t.db, user.id, courses[0]!.id, "audit"); // an audit is upgraded by the purchase
      // Still in the cart afterwards: a course this order did not pay for, and this order's courses in someone else's cart.
      const notPaid = await makeCourse(t.db, { priceMinor: 1500 });
      await addToCart(t.db, user.id, notPaid.id);
      const otherBuyer = await makeUser(t.db);
      await addToCart(t.db, otherBuyer.id, courses[1]!.id);
      expect(await fulfil(t.db, capture(providerOrderId))).toEqual({ outcome: "applied", orderId: order.id, from: "approved", to: "completed", enrollmentsGranted: 2 });
      expect(await orderOf(order.id)).toMatchObject({ status: "completed", captureStartedAt: null });
      expect((await orderOf(order.id)).closedAt).not.toBeNull();
      expect(await activeFull(user.id)).toBe(2);
      expect((await cartOf(user.id)).map((row) => row.cart_items.courseId)).toEqual([notPaid.id]);
      expect((await cartOf(otherBuyer.id)).map((row) => row.cart_items.courseId)).toEqual([courses[1]!.id]);
      expect(await fulfil(t.db, capture(providerOrderId))).toEqual({ outcome: "unchanged", orderId: order.id, status: "completed" });
      expect(await t.db.select().from(payments).where(eq(payments.orderId, order.id))).toEqual([
        expect.objectContaining({ status: "completed", grossMinor: 7800, feeMinor: 321, netMinor: 7479 }),
      ]);
    });

    it("a pending capture grants nothing and keeps the order open; its completion later grants", async () => {
      const { user, order, providerOrderId } = await placedOrder();
      expect(await fulfil(t.db, capture(providerOrderId, { status: "PENDING", reason: "ECHECK", fee: null, net: null }))).toMatchObject({ outcome: "applied", to: "pending", enrollmentsGranted: 0 });
      expect((await orderOf(order.id)).closedAt).toBeNull();
      expect(await activeFull(user.id)).toBe(0);
      expect(await cartOf(user.id)).toHaveLength(2);
      // A late duplicate of the pending notification after completion never moves anything back.
      await fulfil(t.db, capture(providerOrderId));
      expect(await fulfil(t.db, capture(providerOrderId, { status: "PENDING", reason: "ECHECK", fee: null, net: null }))).toMatchObject({ outcome: "conflict", status: "completed" });
      expect(await t.db.select().from(payments).where(eq(payments.orderId, order.id))).toEqual([expect.objectContaining({ status: "completed", feeMinor: 321 })]);
      expect(await activeFull(user.id)).toBe(2);
    });

    it("a capture of a different amount is recorded and flagged, and grants nothing", async () => {
      const { user, order, providerOrderId } = await placedOrder();
      const result = await fulfil(t.db, capture(providerOrderId, { gross: money(100, "USD") }));
      expect(result).toEqual({ outcome: "mismatch", orderId: order.id, status: "approved" });
      expect(await orderOf(order.id)).toMatchObject({ status: "approved", attentionReason: "Captured $1.00 but the order total is $78.00" });
      expect(await t.db.select().from(payments).where(eq(payments.orderId, order.id))).toHaveLength(1);
      expect(await activeFull(user.id)).toBe(0);
      expect(await fulfil(t.db, capture(`${providerOrderId}X`, { orderId: order.id, gross: money(7800, "EUR") }))).toMatchObject({ outcome: "unknown_order" });
    });

    it("facts that do not fit the order's state change nothing but the capture record", async () => {
      const { user, order, providerOrderId } = await placedOrder("failed");
      expect(await fulfil(t.db, capture(providerOrderId))).toMatchObject({ outcome: "conflict", status: "failed", reason: expect.stringMatching(/failed to completed/) });
      expect((await orderOf(order.id)).status).toBe("failed");
      expect(await activeFull(user.id)).toBe(0);
    });

    it("finds an order by our id (custom_id) only while no other PayPal order id is recorded for it", async () => {
      const { order } = await placedOrder();
      expect(await fulfil(t.db, capture("SOMEOTHERORDER0001", { orderId: order.id }))).toEqual({ outcome: "unknown_order" });
      const fresh = await placedOrder();
      await t.db.update(orders).set({ providerOrderId: null }).where(eq(orders.id, fresh.order.id));
      expect(await fulfil(t.db, capture(fresh.providerOrderId, { orderId: fresh.order.id }))).toMatchObject({ outcome: "applied", to: "completed" });
      expect((await orderOf(fresh.order.id)).providerOrderId).toBe(fresh.providerOrderId);
      expect(await fulfil(t.db, capture("NOTOURS0000000001", { orderId: "not-a-uuid" }))).toEqual({ outcome: "unknown_order" });
    });

    it("concurrent calls with the same facts apply once", async () => {
      const { user, order, providerOrderId } = await placedOrder();
      const results = await Promise.all(Array.from({ length: 6 }, () => fulfil(t.db, capture(providerOrderId))));
      expect(results.filter((r) => r.outcome === "applied")).toHaveLength(1);
      expect(results.filter((r) => r.outcome === "unchanged")).toHaveLength(5);
      expect(await activeFull(user.id)).toBe(2);
      expect(await t.db.select().from(payments).where(eq(payments.orderId, order.id))).toHaveLength(1);
    });

    // PostgreSQL only: PGlite keeps no per-transaction table statistics.
    if (engine === "postgres") it("reads as many order items for a payment when its course has sold 2,000 times as when it never sold", async () => {
      const { user, courses, providerOrderId } = await placedOrder();
      const [popular] = courses;
      // Earlier sales of the same course to other buyers, made faster than autovacuum analyzes (a launch day, a
      // young store): the planner's statistics do not know about them, so only the statement's shape keeps it cheap.
      await t.db.execute(sql`
        with buyer as (insert into users (email, name, password_hash) values (${`popular-${seq}@example.test`}, 'Earlier buyers', 'x') returning id),
        sold as (
          insert into orders (user_id, status, currency, total_minor, provider, provider_order_id, course_ids)
          select buyer.id, 'completed', 'USD', 4900, 'paypal', ${`EARLIER-${seq}-`} || n, array[${popular!.id}::uuid] from buyer, generate_series(1, 2000) as n
          returning id)
        insert into order_items (order_id, course_id, title, unit_price_minor, currency) select id, ${popular!.id}, 'Earlier sale', 4900, 'USD' from sold`);
      const itemsRead = await t.db.transaction((tx) =>
        rowsRead(tx, "order_items", async () => {
          expect(await fulfil(tx, capture(providerOrderId))).toMatchObject({ outcome: "applied", enrollmentsGranted: 2 });
        }),
      );
      expect(await cartOf(user.id)).toEqual([]);
      // This order's items (granting their enrollments), none of the 2,000 earlier sales; the cart was cleared by
      // the order's own course list (1,426 items read when it went through the course's sales).
      expect(itemsRead).toBeLessThanOrEqual(4);
    });

    // PostgreSQL only: PGlite has no plan cache statistics.
    if (engine === "postgres") it("is planned once per connection: PostgreSQL settles on its generic plan, not a new plan per payment", async () => {
      // One connection, so every call reuses the same prepared statement; the planner keeps custom plans for the
      // first five executions and then compares.
      const single = openPostgres(t.handle.url!, { max: 1 });
      try {
        for (let i = 0; i < 8; i++) {
          const { providerOrderId } = await placedOrder();
          expect(await fulfil(single.db, capture(providerOrderId))).toMatchObject({ outcome: "applied" });
        }
        const plans = await queryRows<{ generic_plans: string; custom_plans: string }>(
          single.db,
          sql`select generic_plans, custom_plans from pg_prepared_statements where statement like '%with target_order as%'`,
        );
        expect(plans.map((p) => ({ generic: Number(p.generic_plans), custom: Number(p.custom_plans) }))).toEqual([{ generic: 3, custom: 5 }]);
      } finally {
        await single.close();
      }
    });
  });
}
