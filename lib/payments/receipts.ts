import "server-only";
import { and, asc, eq } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { courses, orderItems, orders, payments, type Order, type Payment } from "@/db/schema";
import { money, type Money } from "@/lib/money";

export type Receipt = {
  order: Order;
  total: Money;
  items: { courseId: string; slug: string; title: string; price: Money }[];
  payment: Payment | null;
};

/** An order as its owner may see it; someone else's order is simply not found. */
export async function findReceipt(db: Queryable, userId: string, orderId: string): Promise<Receipt | null> {
  const [order] = await db.select().from(orders).where(and(eq(orders.id, orderId), eq(orders.userId, userId)));
  if (!order) return null;
  const [items, [payment]] = await Promise.all([
    db
      .select({ courseId: orderItems.courseId, title: orderItems.title, priceMinor: orderItems.unitPriceMinor, currency: orderItems.currency, slug: courses.slug })
      .from(orderItems)
      .innerJoin(courses, eq(courses.id, orderItems.courseId))
      .where(eq(orderItems.orderId, order.id))
      .orderBy(asc(orderItems.title)),
    db.select().from(payments).where(eq(payments.orderId, order.id)),
  ]);
  return {
    order,
    total: money(order.totalMinor, order.currency),
    items: items.map((i) => ({ courseId: i.courseId, slug: i.slug, title: i.title, price: money(i.priceMinor, i.currency) })),
    payment: payment ?? null,
  };
}
