import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db, Tx } from "@/db/client";
import { cartItems, carts, orderItems, orders, payments, type Order, type OrderStatus, type PaymentStatus } from "@/db/schema";
import { grantEnrollment } from "@/lib/enrollment";
import { log } from "@/lib/log";
import { formatMoney, money } from "@/lib/money";
import { isFinal, transition } from "./state";
import type { CaptureFacts } from "./types";

export type FulfilResult =
  | { outcome: "applied"; orderId: string; from: OrderStatus; to: OrderStatus; enrollmentsGranted: number }
  | { outcome: "unchanged"; orderId: string; status: OrderStatus }
  /** The facts do not fit the order's state (e.g. "completed" for a failed order): ask the provider for the truth. */
  | { outcome: "conflict"; orderId: string; status: OrderStatus; reason: string }
  /** The provider took a different amount than the order's total: recorded and flagged, nothing granted. */
  | { outcome: "mismatch"; orderId: string; status: OrderStatus }
  | { outcome: "unknown_order" };

const PAYMENT_STATUS: Record<CaptureFacts["status"], PaymentStatus> = {
  COMPLETED: "completed",
  PENDING: "pending",
  DECLINED: "declined",
  FAILED: "failed",
  PARTIALLY_REFUNDED: "partially_refunded",
  REFUNDED: "refunded",
};

/** What a capture status means for the order. Refund statuses are the refund path's business, not this one's. */
const ORDER_TARGET: Partial<Record<CaptureFacts["status"], OrderStatus>> = {
  COMPLETED: "completed",
  PENDING: "pending",
  DECLINED: "failed",
  FAILED: "failed",
};

/**
 * The one fulfilment function: a capture as the provider reports it → our order's state and enrollments.
 * The browser's capture, webhooks, IPN and reconciliation all call it, as often as they like.
 *
 * In one transaction, with the order row locked: the capture is recorded (unique provider id), its amount
 * checked against the order, the order moved through the state machine, and on completion one full enrollment
 * granted per course and those courses removed from the cart. A second call with the same facts changes nothing.
 */
export async function fulfil(db: Db, facts: CaptureFacts): Promise<FulfilResult> {
  return db.transaction(async (tx) => {
    const order = await lockOrder(tx, facts);
    if (!order) return { outcome: "unknown_order" as const };

    await recordCapture(tx, order, facts);

    if (facts.gross.currency !== order.currency || facts.gross.minor !== order.totalMinor) {
      const reason = `Captured ${formatMoney(facts.gross)} but the order total is ${formatMoney(money(order.totalMinor, order.currency))}`;
      if (order.attentionReason !== reason) {
        await tx.update(orders).set({ attentionReason: reason, updatedAt: new Date() }).where(eq(orders.id, order.id));
        log.error({ orderId: order.id, captureId: facts.captureId }, "capture amount does not match the order");
      }
      return { outcome: "mismatch" as const, orderId: order.id, status: order.status };
    }

    const target = ORDER_TARGET[facts.status];
    if (!target) return { outcome: "unchanged" as const, orderId: order.id, status: order.status };
    const move = transition(order.status, target);
    if (!move.ok) {
      log.warn({ orderId: order.id, from: order.status, to: target, captureId: facts.captureId }, "capture does not fit the order state");
      return { outcome: "conflict" as const, orderId: order.id, status: order.status, reason: move.reason };
    }
    if (!move.changed) return { outcome: "unchanged" as const, orderId: order.id, status: order.status };

    // The move and the grants do not depend on each other's results: sent together they cost one round trip,
    // and they still run one after the other inside this transaction (all or nothing).
    const [, enrollmentsGranted] = await Promise.all([
      tx
        .update(orders)
        .set({
          status: target,
          providerOrderId: order.providerOrderId ?? facts.providerOrderId,
          captureStartedAt: null,
          updatedAt: new Date(),
          closedAt: isFinal(target) || target === "completed" ? new Date() : null,
        })
        .where(eq(orders.id, order.id)),
      target === "completed" ? grantOrder(tx, order) : 0,
    ]);
    return { outcome: "applied" as const, orderId: order.id, from: order.status, to: target, enrollmentsGranted };
  });
}

/** Locks the order the capture belongs to: by the provider's order id, else by our id echoed in custom_id. */
export async function lockOrder(tx: Tx, facts: Pick<CaptureFacts, "providerOrderId" | "orderId">): Promise<Order | null> {
  const [byProviderId] = await tx
    .select()
    .from(orders)
    .where(and(eq(orders.provider, "paypal"), eq(orders.providerOrderId, facts.providerOrderId)))
    .for("update");
  if (byProviderId) return byProviderId;
  if (!facts.orderId || !/^[0-9a-f-]{36}$/i.test(facts.orderId)) return null;
  const [byOurId] = await tx.select().from(orders).where(eq(orders.id, facts.orderId)).for("update");
  // custom_id is only trusted when it does not contradict a provider id we already stored.
  return byOurId && (byOurId.providerOrderId === null || byOurId.providerOrderId === facts.providerOrderId) ? byOurId : null;
}

/**
 * Inserts the capture, or moves a pending one forward. Statuses only move away from "pending" here; a settled
 * capture is never turned back into a pending one by a late or duplicated notification.
 */
async function recordCapture(tx: Tx, order: Order, facts: CaptureFacts) {
  const status = PAYMENT_STATUS[facts.status];
  const values = {
    orderId: order.id,
    provider: "paypal" as const,
    providerCaptureId: facts.captureId,
    status,
    statusReason: facts.reason,
    grossMinor: facts.gross.minor,
    feeMinor: facts.fee?.minor ?? null,
    netMinor: facts.net?.minor ?? null,
    currency: facts.gross.currency,
    raw: facts.raw as object,
  };
  await tx
    .insert(payments)
    .values(values)
    .onConflictDoUpdate({
      target: [payments.provider, payments.providerCaptureId],
      set: { status, statusReason: facts.reason, feeMinor: values.feeMinor, netMinor: values.netMinor, raw: values.raw, updatedAt: new Date() },
      setWhere: sql`${payments.status} = 'pending' and excluded.status <> 'pending'`,
    });
}

/**
 * One full enrollment per course of the order, tied to the order item that paid for it (one INSERT … SELECT), and
 * those courses out of the buyer's cart (one DELETE).
 */
async function grantOrder(tx: Tx, order: Order): Promise<number> {
  const cart = tx.select({ id: carts.id }).from(carts).where(eq(carts.userId, order.userId));
  const bought = tx.select({ id: orderItems.courseId }).from(orderItems).where(eq(orderItems.orderId, order.id));
  const [granted] = await Promise.all([
    grantEnrollment(tx, order.userId, { orderId: order.id }, { mode: "full", source: "purchase" }),
    tx.delete(cartItems).where(and(inArray(cartItems.cartId, cart), inArray(cartItems.courseId, bought))),
  ]);
  return granted.length;
}
