/** The buyer's own order history and receipts: refunds per course, what was paid in the end, nobody else's orders. */
import { describe, expect, it } from "vitest";
import { orders } from "@/db/schema";
import { addToCart } from "@/lib/cart";
import { money } from "@/lib/money";
import { testEngines } from "@/lib/testing/db";
import { makeCourse, makeUser } from "@/lib/testing/fixtures";
import { useProvider } from "@/lib/testing/providers";
import { captureCheckout, startCheckout } from "./checkout";
import { findReceipt, listBuyerOrders, ORDERS_PAGE_SIZE } from "./receipts";
import { requestRefund } from "./refunds";

for (const engine of testEngines()) {
  describe(`a buyer's orders on ${engine}`, () => {
    const p = useProvider("paypal", engine);

    async function order(userId: string, prices: number[], pay: "instant" | "clears later" | "no" = "instant") {
      const courses = await Promise.all(prices.map((priceMinor, i) => makeCourse(p.db, { priceMinor, currency: "USD", title: `Course ${String.fromCharCode(65 + i)} ${crypto.randomUUID().slice(0, 4)}` })));
      for (const c of courses) await addToCart(p.db, userId, c.id);
      const started = await startCheckout(p.instance(), userId, { kind: "cart", currency: "USD" });
      if (!started.ok) throw new Error(started.message);
      if (pay !== "no") {
        await p.pay(started.providerOrderId, pay);
        await captureCheckout(p.instance(), userId, started.providerOrderId);
        await p.settle();
      }
      return { courses, ...started };
    }

    it("lists each order with its items, refunds per course and what it cost in the end — and only the buyer's own", async () => {
      const buyer = await makeUser(p.db);
      const stranger = await makeUser(p.db);
      const admin = await makeUser(p.db, { role: "admin" });
      const refunded = await order(buyer.id, [4900, 2900]);
      expect(await requestRefund(p.instance(), { orderId: refunded.orderId, courseIds: [refunded.courses[1]!.id], actorId: admin.id })).toMatchObject({ ok: true });
      await p.settle();
      const pending = await order(buyer.id, [1500], "clears later");
      await order(buyer.id, [900], "no"); // started, never approved: not an order to show
      await order(stranger.id, [700]);

      const { orders: mine, older } = await listBuyerOrders(p.db, buyer.id);
      expect(older).toBeNull();
      expect(mine.map((o) => [o.order.id, o.order.status])).toEqual([
        [pending.orderId, "pending"],
        [refunded.orderId, "partially_refunded"],
      ]);
      const partly = mine[1]!;
      expect(partly.items.map((i) => i.title)).toEqual(refunded.courses.map((c) => c.title).sort());
      expect(partly.refunds).toEqual([expect.objectContaining({ amount: money(2900, "USD"), status: "completed", courses: [refunded.courses[1]!.title], reversal: false })]);
      expect(partly.netPaid).toEqual(money(4900, "USD"));
      expect(mine[0]!.netPaid).toEqual(money(0, "USD")); // still clearing: nothing taken yet

      const receipt = await findReceipt(p.db, buyer.id, refunded.orderId);
      expect(receipt).toMatchObject({ netPaid: money(4900, "USD"), refunds: [expect.objectContaining({ courses: [refunded.courses[1]!.title] })] });
      expect(await findReceipt(p.db, stranger.id, refunded.orderId)).toBeNull();
    });

    it("pages through many orders newest first, without gaps or repeats", async () => {
      const buyer = await makeUser(p.db);
      const course = await makeCourse(p.db, { priceMinor: 500, currency: "USD" });
      const base = Date.now() - 3_600_000;
      // Orders with the same timestamp too: the id breaks the tie.
      const rows = Array.from({ length: ORDERS_PAGE_SIZE + 3 }, (_, i) => ({
        userId: buyer.id,
        status: "failed" as const,
        currency: "USD",
        totalMinor: course.priceMinor,
        provider: "paypal" as const,
        createdAt: new Date(base + Math.floor(i / 2) * 1000),
      }));
      const inserted = await p.db.insert(orders).values(rows).returning({ id: orders.id });
      const first = await listBuyerOrders(p.db, buyer.id);
      expect(first.orders).toHaveLength(ORDERS_PAGE_SIZE);
      const second = await listBuyerOrders(p.db, buyer.id, first.older!);
      expect(second.older).toBeNull();
      const seen = [...first.orders, ...second.orders].map((o) => o.order.id);
      expect(new Set(seen).size).toBe(inserted.length);
      expect(seen.sort()).toEqual(inserted.map((r) => r.id).sort());
    });
  });
}
