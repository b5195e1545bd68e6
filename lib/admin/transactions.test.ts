import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Queryable } from "@/db/client";
import { adminAuditLog, orderItems, orders, type Course, type OrderStatus, type User } from "@/db/schema";
import { addToCart } from "@/lib/cart";
import { captureCheckout, startCheckout } from "@/lib/payments/checkout";
import { checkInvariants } from "@/lib/payments/invariants";
import { checkOrderNow } from "@/lib/payments/reconcile";
import { testEngines } from "@/lib/testing/db";
import { makeCourse, makeUser } from "@/lib/testing/fixtures";
import { usePayments } from "@/lib/testing/payments";
import { transactionsCsv } from "./csv";
import { loadOverview } from "./overview";
import { findTransaction } from "./transaction-detail";
import {
  COUNT_CAP,
  countTransactions,
  decodeCursor,
  encodeCursor,
  exportTransactions,
  listTransactions,
  parseTransactionFilter,
  type TransactionFilter,
} from "./transactions";

/** An order row written directly, for list mechanics that do not need PayPal. */
async function insertOrder(db: Queryable, user: User, course: Course, fields: { status?: OrderStatus; createdAt?: Date; currency?: string } = {}) {
  const [order] = await db
    .insert(orders)
    .values({ userId: user.id, currency: fields.currency ?? course.currency, totalMinor: course.priceMinor, provider: "paypal", status: fields.status ?? "completed", createdAt: fields.createdAt, courseIds: [course.id] })
    .returning();
  await db.insert(orderItems).values({ orderId: order!.id, courseId: course.id, title: course.title, unitPriceMinor: course.priceMinor, currency: fields.currency ?? course.currency });
  return order!;
}

const finished: TransactionFilter = { tab: "finished" };

for (const engine of testEngines()) {
  describe(`admin transactions on ${engine}`, () => {
    const h = usePayments(engine, { notifications: true });

    async function paidOrder() {
      const deps = h.instance();
      const user = await makeUser(h.db, { email: `Buyer-${Date.now()}@Example.test` });
      const [a, b] = await Promise.all([makeCourse(h.db, { priceMinor: 2500, title: "Alpha" }), makeCourse(h.db, { priceMinor: 1500, title: "Beta" })]);
      await addToCart(h.db, user.id, a!.id);
      await addToCart(h.db, user.id, b!.id);
      const started = await startCheckout(deps, user.id, { kind: "cart", currency: "USD" });
      if (!started.ok) throw new Error(started.message);
      await h.emulator.control.approveOrder(started.providerOrderId);
      const captured = await captureCheckout(deps, user.id, started.providerOrderId);
      if (!captured.ok) throw new Error(captured.message);
      await h.settle();
      return { user, orderId: started.orderId, providerOrderId: started.providerOrderId };
    }

    it("finds a paid order in Finished by every id an admin may paste, and shows its raw PayPal variables", async () => {
      const { user, orderId, providerOrderId } = await paidOrder();
      const abandoned = await startCheckout(h.instance(), user.id, { kind: "course", courseId: (await makeCourse(h.db)).id });
      if (!abandoned.ok) throw new Error(abandoned.message);

      const detail = (await findTransaction(h.db, orderId))!;
      expect(detail.order.status).toBe("completed");
      expect(detail.items.map((i) => [i.title, i.price.minor, i.enrollment?.status])).toEqual([
        ["Alpha", 2500, "active"],
        ["Beta", 1500, "active"],
      ]);
      const captureStatus = detail.events.flatMap((e) => e.fields).find((f) => f.path === "purchase_units[0].payments.captures[0].status");
      expect(captureStatus?.value).toBe("COMPLETED");
      expect(detail.events.some((e) => e.source === "webhook" && e.verified)).toBe(true);
      expect(detail.timeline.filter((t) => t.kind === "status").map((t) => t.text)).toEqual(["Order created", "Approved by the buyer at PayPal", "Payment completed"]);
      expect(detail.payerId).toMatch(/^[A-Z0-9]{13}$/);
      const captureId = detail.payment!.providerCaptureId;

      for (const q of [orderId, user.email.toLowerCase(), providerOrderId, providerOrderId.toLowerCase(), captureId, detail.payerId!]) {
        const page = await listTransactions(h.db, { ...finished, q });
        expect(page.rows.map((r) => r.id), `search ${q}`).toEqual([orderId]);
        expect(page.rows[0]).toMatchObject({ providerOrderId, captureId, courses: ["Alpha", "Beta"], buyerEmail: user.email });
      }
      for (const q of ["NOSUCHID12345678", "nobody@example.test", "'; drop table orders; --"]) {
        expect((await listTransactions(h.db, { ...finished, q })).rows).toEqual([]);
      }

      // The abandoned checkout is Unfinished, and the tabs count both under the buyer's search.
      const counts = await countTransactions(h.db, { ...finished, q: user.email });
      expect(counts).toEqual({ finished: { count: 1, capped: false }, unfinished: { count: 1, capped: false } });
      const unfinished = await listTransactions(h.db, { tab: "unfinished", q: user.email });
      expect(unfinished.rows.map((r) => [r.id, r.status])).toEqual([[abandoned.orderId, "created"]]);
    });

    it("an admin's check with PayPal reports what it found and is audited", async () => {
      const { orderId } = await paidOrder();
      const admin = await makeUser(h.db, { role: "admin" });
      const checked = await checkOrderNow(h.instance(), orderId, admin.id);
      expect(checked).toMatchObject({ ok: true, result: { from: "completed", to: "completed" } });
      const [line] = await h.db.select().from(adminAuditLog).where(eq(adminAuditLog.targetId, orderId));
      expect(line).toMatchObject({ action: "order.reconciled", actorId: admin.id });
      expect(await checkOrderNow(h.instance(), "00000000-0000-4000-8000-000000000000", admin.id)).toEqual({ ok: false, message: "This order does not exist." });
    });

    it("pages newest first without losing or repeating rows, even when many share one timestamp", async () => {
      const user = await makeUser(h.db);
      const course = await makeCourse(h.db, { currency: "HUF", priceMinor: 9000 });
      const same = new Date("2030-01-01T00:00:00.123Z");
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) ids.push((await insertOrder(h.db, user, course, { createdAt: same })).id);
      // Sub-millisecond differences, which a JavaScript Date cannot hold.
      await h.db.execute(sql`update ${orders} set created_at = created_at + (interval '1 microsecond' * (ascii(substr(id::text, 1, 1)) % 3)) where user_id = ${user.id}`);
      const filter: TransactionFilter = { tab: "finished", currency: "HUF" };

      const seen: string[] = [];
      const pages = [];
      let page = await listTransactions(h.db, filter, {}, 3);
      expect(page.newer).toBeNull();
      for (;;) {
        pages.push(page.rows.map((r) => r.id));
        seen.push(...page.rows.map((r) => r.id));
        if (!page.older) break;
        page = await listTransactions(h.db, filter, { after: decodeCursor(encodeCursor(page.older)) }, 3);
      }
      expect(seen.sort()).toEqual([...ids].sort());
      expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);

      // Back from the last page, the same pages in the same order.
      const back = await listTransactions(h.db, filter, { before: page.newer }, 3);
      expect(back.rows.map((r) => r.id)).toEqual(pages[1]);
      expect(back.older).not.toBeNull();
    });

    it("finds a checkout's order under each of its courses, from the course list written with its items", async () => {
      const { user, orderId } = await paidOrder();
      const [alpha, beta] = (await h.db.select({ courseId: orderItems.courseId }).from(orderItems).where(eq(orderItems.orderId, orderId)).orderBy(orderItems.title)).map((i) => i.courseId!);
      const ids = async (course: string) => (await listTransactions(h.db, { tab: "finished", course, q: user.email })).rows.map((r) => r.id);
      expect(await ids(alpha!)).toEqual([orderId]);
      expect(await ids(beta!)).toEqual([orderId]);
      expect(await ids((await makeCourse(h.db)).id)).toEqual([]);
      // (Other tests' hand-written orders share this database: only this order's violations are looked at.)
      const violationsOfOrder = async () => (await checkInvariants(h.db)).filter((v) => v.detail.order_id === orderId).map((v) => v.rule);
      expect(await violationsOfOrder()).toEqual([]);

      // A copy that no longer matches the items is reported, never trusted silently.
      await h.db.update(orders).set({ courseIds: [alpha!] }).where(eq(orders.id, orderId));
      expect(await violationsOfOrder()).toEqual(["order's course list differs from its items"]);
    });

    it("filters by status, currency, course and UTC date range, and reports a bad filter instead of failing", async () => {
      const user = await makeUser(h.db);
      const [eur, jpy] = await Promise.all([makeCourse(h.db, { currency: "EUR", priceMinor: 1000 }), makeCourse(h.db, { currency: "JPY", priceMinor: 1200 })]);
      const day = (d: string) => new Date(`${d}T12:00:00Z`);
      const a = await insertOrder(h.db, user, eur, { createdAt: day("2031-03-01") });
      const b = await insertOrder(h.db, user, jpy, { createdAt: day("2031-03-02"), status: "refunded" });
      const c = await insertOrder(h.db, user, jpy, { createdAt: day("2031-03-03"), status: "failed" });
      const ids = async (filter: TransactionFilter) => (await listTransactions(h.db, { ...filter, q: user.email })).rows.map((r) => r.id);

      expect(await ids({ tab: "finished" })).toEqual([b.id, a.id]);
      expect(await ids({ tab: "unfinished" })).toEqual([c.id]);
      expect(await ids({ tab: "finished", status: "refunded" })).toEqual([b.id]);
      expect(await ids({ tab: "finished", currency: "EUR" })).toEqual([a.id]);
      expect(await ids({ tab: "finished", course: jpy.id })).toEqual([b.id]);
      expect(await ids({ tab: "finished", from: "2031-03-02", to: "2031-03-02" })).toEqual([b.id]);
      expect(await ids({ tab: "finished", to: "2031-03-01" })).toEqual([a.id]);

      const parsed = parseTransactionFilter({ status: "failed", currency: "euro", from: "2031-02-30", course: "x", q: "  " });
      expect(parsed.filter).toEqual({ tab: "unfinished", status: "failed" });
      expect(parsed.problems.map((p) => p.field).sort()).toEqual(["course", "currency", "from"]);
      expect(parseTransactionFilter({ from: "2031-03-05", to: "2031-03-01" }).problems).toEqual([{ field: "to", message: "The end date is before the start date." }]);
      expect(decodeCursor("not-a-cursor")).toBeNull();
      expect(decodeCursor(Buffer.from(JSON.stringify({ createdAt: "2031-01-01 00:00:00+00", id: "'; drop" })).toString("base64url"))).toBeNull();
    });

    it("stops counting at the cap", async () => {
      const user = await makeUser(h.db);
      const course = await makeCourse(h.db, { currency: "TWD", priceMinor: 300 });
      await h.db.execute(sql`
        insert into ${orders} (user_id, currency, total_minor, provider, status)
        select ${user.id}, 'TWD', 300, 'paypal', 'expired' from generate_series(1, ${COUNT_CAP + 5})`);
      await insertOrder(h.db, user, course, { status: "completed" });
      expect(await countTransactions(h.db, { tab: "unfinished", currency: "TWD" })).toEqual({
        finished: { count: 1, capped: false },
        unfinished: { count: COUNT_CAP, capped: true },
      });
    });

    it("exports every filtered row as CSV in batches, with spreadsheet formulas defused", async () => {
      const user = await makeUser(h.db, { name: "=HYPERLINK(\"http://evil.test\")" });
      const course = await makeCourse(h.db, { currency: "CHF", priceMinor: 1995, title: "Swiss, \"quoted\" course" });
      for (let i = 0; i < 5; i++) await insertOrder(h.db, user, course);
      const filter: TransactionFilter = { tab: "finished", q: user.email };

      const rows = [];
      for await (const row of exportTransactions(h.db, filter, 2)) rows.push(row);
      expect(rows).toHaveLength(5);
      expect(rows[0]).toMatchObject({ amount: "19.95", amount_minor: 1995, currency: "CHF", status: "completed" });

      const text = await new Response(transactionsCsv(h.db, filter)).text();
      const lines = text.trim().split("\n");
      expect(lines[0]).toBe("created_at,order_id,status,buyer_email,buyer_name,courses,amount,amount_minor,currency,provider,provider_order_id,provider_capture_id");
      expect(lines).toHaveLength(6);
      expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil.test"")"`);
      expect(lines[1]).toContain(`"Swiss, ""quoted"" course"`);
      expect(lines[1]).toContain(",19.95,1995,CHF,paypal,");
    });

    it("the overview sums captured money per currency per day and counts conversion", async () => {
      const before = await loadOverview(h.db);
      await paidOrder();
      const after = await loadOverview(h.db);
      const usd = (o: typeof after) => o.revenue.find((s) => s.currency === "USD")?.total.minor ?? 0;
      expect(usd(after) - usd(before)).toBe(4000);
      expect(after.finished - before.finished).toBe(1);
      expect(after.days).toHaveLength(30);
      expect(after.revenue.find((s) => s.currency === "USD")!.days.at(-1)!.gross.minor).toBeGreaterThanOrEqual(4000);
      expect(after.conversion).toBeGreaterThan(0);
    });
  });
}
