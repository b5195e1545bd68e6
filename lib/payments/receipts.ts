import "server-only";
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { courses, orderItems, orders, orderStatus, payments, refundItems, refunds, type Order, type Payment } from "@/db/schema";
import { buyersOrder, type Buyer } from "./buyer";
import { money, type Money } from "@/lib/money";

/** A refund as the buyer sees it: how much, when, how it stands, and which courses it paid back. */
export type BuyerRefund = { id: string; amount: Money; status: "pending" | "completed" | "failed" | "cancelled"; at: Date; courses: string[]; reversal: boolean };

export type Receipt = {
  order: Order;
  total: Money;
  items: { courseId: string; slug: string; title: string; price: Money }[];
  payment: Payment | null;
  refunds: BuyerRefund[];
  /** What the buyer paid, less every completed refund: what this order cost them in the end. */
  netPaid: Money;
};

/** An order as its owner may see it; someone else's order is simply not found. */
export async function findReceipt(db: Queryable, userId: string, orderId: string): Promise<Receipt | null> {
  const [order] = await db.select().from(orders).where(and(eq(orders.id, orderId), eq(orders.userId, userId)));
  if (!order) return null;
  const [items, [payment], refundsByOrder] = await Promise.all([
    db
      .select({ courseId: courses.id, title: orderItems.title, priceMinor: orderItems.unitPriceMinor, currency: orderItems.currency, slug: courses.slug })
      .from(orderItems)
      .innerJoin(courses, eq(courses.id, orderItems.courseId))
      .where(eq(orderItems.orderId, order.id))
      .orderBy(asc(orderItems.title)),
    db.select().from(payments).where(eq(payments.orderId, order.id)),
    refundsOf(db, [order.id]),
  ]);
  const refunds = refundsByOrder.get(order.id) ?? [];
  return {
    order,
    total: money(order.totalMinor, order.currency),
    items: items.map((i) => ({ courseId: i.courseId, slug: i.slug, title: i.title, price: money(i.priceMinor, i.currency) })),
    payment: payment ?? null,
    refunds,
    netPaid: netPaid(order, payment ?? null, refunds),
  };
}

/** The statuses a buyer's order history shows: every order that got as far as an approval (not started-and-left ones). */
const HISTORY_STATUSES = orderStatus.enumValues.filter((s) => !["created", "cancelled", "expired"].includes(s));
export const ORDERS_PAGE_SIZE = 20;

export type OrderSummary = Pick<Receipt, "order" | "total" | "refunds" | "netPaid"> & { items: { title: string; price: Money }[] };

/**
 * A buyer's orders, newest first, keyset-paginated by (created_at, id): each with its items, its refunds (which
 * courses, how much, when) and what it cost in the end. Only their own orders; checkouts never approved are left out.
 */
export async function listBuyerOrders(db: Queryable, userId: string, before?: { createdAt: Date; id: string }): Promise<{ orders: OrderSummary[]; older: { createdAt: Date; id: string } | null }> {
  const rows = await db
    .select({ order: orders, payment: payments })
    .from(orders)
    .leftJoin(payments, eq(payments.orderId, orders.id))
    .where(
      and(
        eq(orders.userId, userId),
        inArray(orders.status, HISTORY_STATUSES),
        before ? sql`(${orders.createdAt}, ${orders.id}) < (${before.createdAt.toISOString()}::timestamptz, ${before.id}::uuid)` : undefined,
      ),
    )
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(ORDERS_PAGE_SIZE + 1);
  const page = rows.slice(0, ORDERS_PAGE_SIZE);
  const ids = page.map((r) => r.order.id);
  const [items, refunds] = await Promise.all([
    ids.length ? db.select().from(orderItems).where(inArray(orderItems.orderId, ids)).orderBy(asc(orderItems.title)) : [],
    refundsOf(db, ids),
  ]);
  const last = page.at(-1);
  return {
    orders: page.map(({ order, payment }) => {
      const mine = refunds.get(order.id) ?? [];
      return {
        order,
        total: money(order.totalMinor, order.currency),
        items: items.filter((i) => i.orderId === order.id).map((i) => ({ title: i.title, price: money(i.unitPriceMinor, i.currency) })),
        refunds: mine,
        netPaid: netPaid(order, payment, mine),
      };
    }),
    older: rows.length > ORDERS_PAGE_SIZE && last ? { createdAt: last.order.createdAt, id: last.order.id } : null,
  };
}

/** Every refund of these orders, oldest first, with the titles of the courses each paid back. */
async function refundsOf(db: Queryable, orderIds: string[]): Promise<Map<string, BuyerRefund[]>> {
  const byOrder = new Map<string, BuyerRefund[]>();
  if (orderIds.length === 0) return byOrder;
  const rows = await db
    .select({ orderId: payments.orderId, orderStatus: orders.status, refund: refunds, title: orderItems.title })
    .from(refunds)
    .innerJoin(payments, eq(payments.id, refunds.paymentId))
    .innerJoin(orders, eq(orders.id, payments.orderId))
    .leftJoin(refundItems, eq(refundItems.refundId, refunds.id))
    .leftJoin(orderItems, eq(orderItems.id, refundItems.orderItemId))
    .where(inArray(payments.orderId, orderIds))
    .orderBy(asc(refunds.createdAt), asc(orderItems.title));
  for (const row of rows) {
    const list = byOrder.get(row.orderId) ?? [];
    let entry = list.find((r) => r.id === row.refund.id);
    if (!entry) {
      entry = {
        id: row.refund.id,
        amount: money(row.refund.amountMinor, row.refund.currency),
        status: row.refund.status,
        at: row.refund.createdAt,
        courses: [],
        reversal: row.orderStatus === "reversed" && (row.refund.reason ?? "").startsWith("Chargeback"),
      };
      list.push(entry);
    }
    if (row.title) entry.courses.push(row.title);
    byOrder.set(row.orderId, list);
  }
  return byOrder;
}

/** Paid less completed refunds (a chargeback included); nothing for an order whose money never arrived (pending, failed). */
function netPaid(order: Order, payment: Payment | null, refunds: BuyerRefund[]): Money {
  const arrived = payment && !["pending", "declined", "failed"].includes(payment.status);
  const paid = arrived ? payment.grossMinor : 0;
  const back = refunds.filter((r) => r.status === "completed").reduce((sum, r) => sum + r.amount.minor, 0);
  return money(Math.max(0, paid - back), order.currency);
}

/**
 * Where a buyer's checkout stands, by the provider's order id, for the buyer's page to follow a payment it could
 * not confirm itself (its capture request failed, a webhook may finish the job). Someone else's order is not found.
 */
export async function checkoutState(db: Queryable, who: string | Buyer, provider: Order["provider"], providerOrderId: string) {
  const order = await buyersOrder(db, who, provider, providerOrderId);
  return order ? { orderId: order.id, status: order.status } : null;
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
