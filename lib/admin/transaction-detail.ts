import "server-only";
import { and, asc, eq, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import {
  courses,
  enrollments,
  orderItems,
  orders,
  orderStatusChanges,
  PAYER_ID_SQL,
  paymentEvents,
  payments,
  refundItems,
  refunds,
  users,
  type Order,
  type OrderStatus,
  type Payment,
  type PaymentEvent,
} from "@/db/schema";
import { formatMoney, money, type Money } from "@/lib/money";
import { PAID_STATUSES } from "@/lib/payments/state";
import { listAuditLog, type AuditLine } from "@/lib/audit";
import { gatewayOrderDetail, type GatewayOrderDetail } from "@/lib/gateway/admin";
import { actionLabel } from "./audit-format";
import { flattenJson, type FlatField } from "./flatten";

export type DetailItem = {
  id: string;
  /** Null for an LMS class sold through the gateway. */
  courseId: string | null;
  slug: string | null;
  title: string;
  price: Money;
  /** A pending or completed refund covers this item: it cannot be refunded again. */
  refund: "pending" | "completed" | null;
  /** The buyer's access to the course now. */
  enrollment: { status: "active" | "revoked"; mode: "full" | "audit" } | null;
};

export type TimelineEntry = { at: Date; kind: "status" | "refund" | "admin"; text: string };

export type RawEvent = Pick<PaymentEvent, "id" | "source" | "type" | "httpStatus" | "verified" | "receivedAt" | "processedAt" | "outcome"> & {
  fields: FlatField[];
  json: string;
};

export type TransactionDetail = {
  order: Order;
  total: Money;
  /** The store buyer; null for an LMS learner's order (then `gateway` says who). */
  buyer: { id: string; email: string; name: string } | null;
  gateway: GatewayOrderDetail | null;
  items: DetailItem[];
  payment: Payment | null;
  payerId: string | null;
  refunds: { id: string; status: string; amount: Money; reason: string | null; requestedBy: string | null; providerRefundId: string | null; createdAt: Date }[];
  timeline: TimelineEntry[];
  events: RawEvent[];
  /** The order can be refunded now (paid, and some course not yet refunded). */
  refundable: boolean;
};

/** Everything an admin may want to know about one order, including every raw payload PayPal sent about it. */
export async function findTransaction(db: Queryable, orderId: string): Promise<TransactionDetail | null> {
  const [head] = await db
    .select({ order: orders, buyer: { id: users.id, email: users.email, name: users.name } })
    .from(orders)
    .leftJoin(users, eq(users.id, orders.userId))
    .where(eq(orders.id, orderId));
  if (!head) return null;
  const { order, buyer } = head;

  const [items, [payment], refundRows, changes, events, audit, gateway] = await Promise.all([
    db
      .select({
        id: orderItems.id,
        courseId: orderItems.courseId,
        slug: courses.slug,
        title: orderItems.title,
        priceMinor: orderItems.unitPriceMinor,
        currency: orderItems.currency,
        refund: sql<"pending" | "completed" | null>`(
          select max(${refunds.status}::text) from ${refundItems} join ${refunds} on ${refunds.id} = ${refundItems.refundId}
          where ${refundItems.orderItemId} = ${orderItems.id} and ${refunds.status} in ('pending', 'completed'))`,
        enrollmentStatus: enrollments.status,
        enrollmentMode: enrollments.mode,
      })
      .from(orderItems)
      .leftJoin(courses, eq(courses.id, orderItems.courseId))
      .leftJoin(enrollments, and(eq(enrollments.userId, order.userId ?? sql`null`), eq(enrollments.courseId, orderItems.courseId)))
      .where(eq(orderItems.orderId, order.id))
      .orderBy(asc(orderItems.title)),
    db.select().from(payments).where(eq(payments.orderId, order.id)),
    db
      .select({ refund: refunds, requestedBy: users.email })
      .from(refunds)
      .innerJoin(payments, eq(payments.id, refunds.paymentId))
      .leftJoin(users, eq(users.id, refunds.requestedBy))
      .where(eq(payments.orderId, order.id))
      .orderBy(asc(refunds.createdAt)),
    db.select().from(orderStatusChanges).where(eq(orderStatusChanges.orderId, order.id)).orderBy(asc(orderStatusChanges.id)),
    db
      .select({ event: paymentEvents, payerId: sql<string | null>`${PAYER_ID_SQL}` })
      .from(paymentEvents)
      .where(eq(paymentEvents.orderId, order.id))
      .orderBy(asc(paymentEvents.id)),
    listAuditLog(db, { target: { type: "order", id: order.id }, limit: 200 }),
    order.gatewayHandoffId ? gatewayOrderDetail(db, order.gatewayHandoffId) : null,
  ]);

  const detailItems: DetailItem[] = items.map((i) => ({
    id: i.id,
    courseId: i.courseId,
    slug: i.slug,
    title: i.title,
    price: money(i.priceMinor, i.currency),
    refund: i.refund,
    enrollment: i.enrollmentStatus && i.enrollmentMode ? { status: i.enrollmentStatus, mode: i.enrollmentMode } : null,
  }));

  return {
    order,
    total: money(order.totalMinor, order.currency),
    buyer,
    gateway,
    items: detailItems,
    payment: payment ?? null,
    payerId: events.find((e) => e.payerId)?.payerId ?? null,
    refunds: refundRows.map(({ refund, requestedBy }) => ({
      id: refund.id,
      status: refund.status,
      amount: money(refund.amountMinor, refund.currency),
      reason: refund.reason,
      requestedBy,
      providerRefundId: refund.providerRefundId,
      createdAt: refund.createdAt,
    })),
    timeline: timeline(changes, refundRows.map((r) => r.refund), audit.lines),
    events: events.map(({ event }) => rawEvent(event)),
    refundable: PAID_STATUSES.includes(order.status) && detailItems.some((i) => i.refund === null),
  };
}

/** A stored provider message as the admin reads it: every variable flattened, and the JSON as received. */
export function rawEvent(event: PaymentEvent): RawEvent {
  return {
    id: event.id,
    source: event.source,
    type: event.type,
    httpStatus: event.httpStatus,
    verified: event.verified,
    receivedAt: event.receivedAt,
    processedAt: event.processedAt,
    outcome: event.outcome,
    fields: flattenJson(event.raw),
    json: JSON.stringify(event.raw, null, 2),
  };
}

const STATUS_WORDS: Record<OrderStatus, string> = {
  created: "Order created",
  approved: "Approved by the buyer at PayPal",
  pending: "Payment pending at PayPal",
  completed: "Payment completed",
  partially_refunded: "Partially refunded",
  refunded: "Refunded in full",
  reversed: "Reversed (chargeback)",
  cancelled: "Cancelled",
  failed: "Payment failed",
  expired: "Expired",
};

function timeline(
  changes: { changedAt: Date; toStatus: OrderStatus }[],
  refundRows: { createdAt: Date; updatedAt: Date; status: string; amountMinor: number; currency: string; providerRefundId: string | null }[],
  audit: AuditLine[],
): TimelineEntry[] {
  const entries: TimelineEntry[] = [
    ...changes.map((c) => ({ at: c.changedAt, kind: "status" as const, text: STATUS_WORDS[c.toStatus] })),
    ...refundRows.map((r) => ({
      at: r.createdAt,
      kind: "refund" as const,
      text: `Refund of ${formatMoney(money(r.amountMinor, r.currency))} ${r.status}${r.providerRefundId ? ` (PayPal ${r.providerRefundId})` : ""}`,
    })),
    ...audit.map((line) => ({
      at: line.createdAt,
      kind: "admin" as const,
      text: `${actionLabel(line.action)} by ${line.actorEmail ?? "a deleted admin"}${auditNote(line)}`,
    })),
  ];
  return entries.sort((a, b) => a.at.getTime() - b.at.getTime());
}

function auditNote(line: AuditLine): string {
  const note = (line.details as { note?: unknown } | null)?.note;
  return typeof note === "string" ? `: ${note}` : "";
}
