import "server-only";
import { and, asc, eq } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { courses, orderItems, orders, payments, type Order, type Payment } from "@/db/schema";
import { asBuyer, ordersOf, type Buyer } from "./buyer";
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
      .select({ courseId: courses.id, title: orderItems.title, priceMinor: orderItems.unitPriceMinor, currency: orderItems.currency, slug: courses.slug })
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

/**
 * Where a buyer's checkout stands, by the provider's order id, for the buyer's page to follow a payment it could
 * not confirm itself (its capture request failed, a webhook may finish the job). Someone else's order is not found.
 */
export async function checkoutState(db: Queryable, who: string | Buyer, provider: Order["provider"], providerOrderId: string) {
  const [order] = await db
    .select({ orderId: orders.id, status: orders.status })
    .from(orders)
    .where(and(eq(orders.provider, provider), eq(orders.providerOrderId, providerOrderId), ordersOf(asBuyer(who))));
  return order ?? null;
}

/**
 * The buyer's courses whose payment PayPal is still clearing (order `pending`): not theirs yet, and not to be
 * offered for payment again. Each with the order to follow it on.
 */
export async function pendingPurchases(db: Queryable, userId: string): Promise<{ courseId: string; title: string; slug: string; orderId: string }[]> {
  return db
    .select({ courseId: courses.id, title: orderItems.title, slug: courses.slug, orderId: orders.id })
    .from(orders)
    .innerJoin(orderItems, eq(orderItems.orderId, orders.id))
    .innerJoin(courses, eq(courses.id, orderItems.courseId))
    .where(and(eq(orders.userId, userId), eq(orders.status, "pending")))
    .orderBy(asc(orderItems.title));
}
