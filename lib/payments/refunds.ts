import "server-only";
import { and, eq, inArray, notInArray, sql } from "drizzle-orm";
import type { Db, Tx } from "@/db/client";
import { orderItems, orders, payments, refundItems, refunds, type Order, type Payment } from "@/db/schema";
import { recordAdminAction } from "@/lib/audit";
import { revokeForOrderItems } from "@/lib/enrollment";
import { noteLmsRemoval } from "@/lib/gateway/enrolment";
import { enqueueEmail } from "@/lib/outbox/jobs";
import { eventJobsSql, orderJsonSql } from "@/lib/webhooks/events";
import { formatMoney, money, parseDecimal } from "@/lib/money";
import type { CheckoutDeps } from "./checkout";
import { refundFailureMessage } from "./messages";
import { flagForAttention } from "./orders";
import { PROVIDER_LABEL } from "./providers";
import { matchRefundToItems } from "./refund-matching";
import { isPaid, transition } from "./state";
import type { RefundFacts } from "./types";
import { isUuid } from "@/lib/uuid";

export type RefundOutcome =
  | { outcome: "applied"; orderId: string; refundId: string; revoked: number }
  | { outcome: "unchanged"; orderId: string; refundId: string }
  /** Recorded, but it names no course we could identify: access kept, order flagged for an admin. */
  | { outcome: "flagged"; orderId: string; refundId: string; reason: string }
  /** We know no capture with this id (yet): ask the provider for the truth. */
  | { outcome: "unknown_capture" }
  /** The order is not in a paid state (its completion has not reached us yet): ask the provider for the truth. */
  | { outcome: "conflict"; orderId: string };

const REFUND_STATUS = { COMPLETED: "completed", PENDING: "pending", FAILED: "failed", CANCELLED: "cancelled" } as const;
/** Refund rows only move forward: pending → completed | failed | cancelled. */
const FINAL_REFUND = new Set(["completed", "failed", "cancelled"]);

/**
 * The one place a refund (or chargeback reversal) takes effect, whoever reports it: our own refund call,
 * a PAYMENT.CAPTURE.REFUNDED / REVERSED webhook, an IPN, or reconciliation. Idempotent on the provider's
 * refund id. In one transaction with the order locked: the refund row and the courses it paid back, the
 * enrollments of those courses revoked, the capture's and the order's status moved.
 */
export async function applyRefund(db: Db, facts: RefundFacts, options: { reversal?: boolean } = {}): Promise<RefundOutcome> {
  return db.transaction(async (tx) => {
    const [payment] = await tx
      .select()
      .from(payments)
      .where(and(eq(payments.provider, facts.provider), eq(payments.providerCaptureId, facts.captureId)));
    if (!payment) return { outcome: "unknown_capture" as const };
    const [order] = await tx.select().from(orders).where(eq(orders.id, payment.orderId)).for("update");
    const status = REFUND_STATUS[facts.status];

    const existing = await findRefundRow(tx, payment, facts);
    if (existing?.providerRefundId === facts.refundId && (existing.status === status || FINAL_REFUND.has(existing.status))) {
      return { outcome: "unchanged" as const, orderId: order!.id, refundId: existing.id };
    }
    // A refund of an order we do not yet know as paid (its completion is late, or lost) must not be applied
    // half-way: the completion would later grant what the refund took back.
    if (!isPaid(order!.status)) {
      return { outcome: "conflict" as const, orderId: order!.id };
    }
    let refundId: string;
    let flagged: string | null = null;
    if (existing) {
      await tx
        .update(refunds)
        .set({ providerRefundId: facts.refundId, status, raw: facts.raw as object, updatedAt: new Date() })
        .where(eq(refunds.id, existing.id));
      refundId = existing.id;
    } else {
      const created = await recordProviderSideRefund(tx, order!, payment, facts, status, options.reversal ?? false);
      refundId = created.refundId;
      flagged = created.flagged;
    }

    if (status !== "completed") return { outcome: "unchanged" as const, orderId: order!.id, refundId };
    const revoked = await revokeRefundedCourses(tx, refundId, options.reversal ? "chargeback" : "refunded");
    await noteLmsRemoval(tx, order!, options.reversal ? "chargeback" : "refunded");
    if (order!.userId) await enqueueEmail(tx, { template: "refund", refundId });
    await settleAfterRefund(tx, order!, payment, options.reversal ?? false);
    await announceRefund(tx, order!.id, refundId, options.reversal ?? false);
    if (flagged) return { outcome: "flagged" as const, orderId: order!.id, refundId, reason: flagged };
    return { outcome: "applied" as const, orderId: order!.id, refundId, revoked };
  });
}

/**
 * The outgoing events of a completed refund (after the order's new status is written, which they report): the order
 * refunded or reversed, and each enrollment it ended.
 */
async function announceRefund(tx: Tx, orderId: string, refundId: string, reversal: boolean) {
  const refund = sql`jsonb_build_object('id', r.id, 'amount', jsonb_build_object('minor', r.amount_minor, 'currency', r.currency), 'reason', r.reason)`;
  await tx.execute(
    eventJobsSql(
      reversal ? "order.reversed" : "order.refunded",
      sql`select r.id::text as subject_id, jsonb_build_object('order', ${orderJsonSql(sql`${orderId}::uuid`)}, 'refund', ${refund}) as data from refunds r where r.id = ${refundId}`,
    ),
  );
  await tx.execute(
    eventJobsSql(
      "enrollment.revoked",
      sql`select e.id || ':' || ri.refund_id as subject_id,
                 jsonb_build_object('enrollment', jsonb_build_object('id', e.id, 'user_id', e.user_id, 'course_id', e.course_id, 'reason', e.revoke_reason, 'order_item_id', e.order_item_id)) as data
          from refund_items ri join enrollments e on e.order_item_id = ri.order_item_id
          where ri.refund_id = ${refundId} and e.status = 'revoked'`,
    ),
  );
}

/** Our own refund row: by the provider's refund id, or by our id echoed back in custom_id. */
async function findRefundRow(tx: Tx, payment: Payment, facts: RefundFacts) {
  const [byProviderId] = await tx
    .select()
    .from(refunds)
    .where(and(eq(refunds.provider, facts.provider), eq(refunds.providerRefundId, facts.refundId)));
  if (byProviderId) return byProviderId;
  if (!facts.ourRefundId || !isUuid(facts.ourRefundId)) return null;
  const [ours] = await tx
    .select()
    .from(refunds)
    .where(and(eq(refunds.id, facts.ourRefundId), eq(refunds.paymentId, payment.id), sql`${refunds.providerRefundId} is null`));
  return ours ?? null;
}

/** A refund made on the provider's side: record it and work out which courses it paid back. */
async function recordProviderSideRefund(
  tx: Tx,
  order: Order,
  payment: Payment,
  facts: RefundFacts,
  status: (typeof REFUND_STATUS)[keyof typeof REFUND_STATUS],
  reversal: boolean,
): Promise<{ refundId: string; flagged: string | null }> {
  const remaining = await unrefundedItems(tx, order.id);
  const match = reversal ? { kind: "items" as const, itemIds: remaining.map((i) => i.id) } : matchRefundToItems(remaining, facts.amount.minor);
  const [row] = await tx
    .insert(refunds)
    .values({
      paymentId: payment.id,
      provider: payment.provider,
      providerRefundId: facts.refundId,
      status,
      amountMinor: facts.amount.minor,
      currency: facts.amount.currency,
      reason: reversal ? `Chargeback: ${PROVIDER_LABEL[payment.provider]} reversed the payment` : `Refunded in ${PROVIDER_LABEL[payment.provider]}`,
      raw: facts.raw as object,
    })
    .returning({ id: refunds.id });
  const byId = new Map(remaining.map((i) => [i.id, i]));
  if (match.kind === "items" && match.itemIds.length) {
    await tx.insert(refundItems).values(match.itemIds.map((id) => ({ refundId: row!.id, orderItemId: id, amountMinor: byId.get(id)!.amountMinor })));
  }
  const flagged = reversal
    ? `${PROVIDER_LABEL[payment.provider]} reversed this payment (chargeback): its courses were revoked.`
    : match.kind === "none"
      ? `A refund of ${formatMoney(facts.amount)} made in ${PROVIDER_LABEL[payment.provider]} matches no course of this order (${match.reason}); the buyer keeps access until an admin decides.`
      : null;
  if (flagged) await flagForAttention(tx, order.id, flagged, { refundId: facts.refundId });
  return { refundId: row!.id, flagged: reversal ? null : flagged };
}

/** Order items no pending or completed refund has covered yet. */
async function unrefundedItems(tx: Tx, orderId: string) {
  const covered = tx
    .select({ id: refundItems.orderItemId })
    .from(refundItems)
    .innerJoin(refunds, eq(refunds.id, refundItems.refundId))
    .where(inArray(refunds.status, ["pending", "completed"]));
  return tx
    .select({ id: orderItems.id, amountMinor: orderItems.unitPriceMinor, courseId: orderItems.courseId })
    .from(orderItems)
    .where(and(eq(orderItems.orderId, orderId), notInArray(orderItems.id, covered)))
    .orderBy(orderItems.id);
}

async function revokeRefundedCourses(tx: Tx, refundId: string, reason: string) {
  const items = await tx.select({ id: refundItems.orderItemId }).from(refundItems).where(eq(refundItems.refundId, refundId));
  return revokeForOrderItems(tx, items.map((i) => i.id), reason);
}

/** After a completed refund: the capture and the order reflect how much has gone back. */
async function settleAfterRefund(tx: Tx, order: Order, payment: Payment, reversal: boolean) {
  const [{ refunded } = { refunded: 0 }] = await tx
    .select({ refunded: sql<number>`coalesce(sum(${refunds.amountMinor}), 0)::bigint`.mapWith(Number) })
    .from(refunds)
    .where(and(eq(refunds.paymentId, payment.id), eq(refunds.status, "completed")));
  const whole = refunded >= payment.grossMinor;
  const paymentStatus = reversal ? "reversed" : whole ? "refunded" : "partially_refunded";
  await tx.update(payments).set({ status: paymentStatus, updatedAt: new Date() }).where(eq(payments.id, payment.id));

  const target = reversal ? "reversed" : whole ? "refunded" : "partially_refunded";
  const move = transition(order.status, target);
  if (!move.ok) {
    // Money went back while our order is in a state that does not expect it: record, flag, never force.
    const reason = `${PROVIDER_LABEL[payment.provider]} reports ${formatMoney(money(refunded, payment.currency))} refunded while the order is ${order.status}.`;
    await flagForAttention(tx, order.id, reason, { from: order.status, to: target });
    return;
  }
  if (move.changed) {
    await tx.update(orders).set({ status: target, updatedAt: new Date(), closedAt: new Date() }).where(eq(orders.id, order.id));
  }
}

export type RefundRequest = {
  orderId: string;
  courseIds: string[] | "all";
  actorId: string;
  reason?: string;
  /**
   * The amount the admin confirmed, as shown to them (a decimal in the order's currency). The refund goes ahead only
   * if the chosen courses still come to exactly that: another admin's refund in between must not change what is sent.
   */
  confirmedAmount?: string;
};
export type RefundRequestResult = { ok: true; refundId: string; status: "completed" | "pending" } | { ok: false; message: string };

/**
 * An admin's refund: the whole order, or named courses of it. The refund row (with the courses it pays back)
 * is written before PayPal is called, and its id is both PayPal's idempotency key and the refund's custom_id,
 * so a retry never refunds twice and the webhook for it finds our row.
 */
export async function requestRefund(deps: CheckoutDeps, request: RefundRequest): Promise<RefundRequestResult> {
  const prepared = await deps.db.transaction(async (tx) => {
    const [order] = await tx.select().from(orders).where(eq(orders.id, request.orderId)).for("update");
    if (!order) return { ok: false as const, message: "This order does not exist." };
    if (!isPaid(order.status)) {
      return { ok: false as const, message: `Only paid orders can be refunded; this one is ${order.status.replace("_", " ")}.` };
    }
    const [payment] = await tx.select().from(payments).where(eq(payments.orderId, order.id));
    if (!payment) return { ok: false as const, message: "This order has no captured payment to refund." };
    const remaining = await unrefundedItems(tx, order.id);
    const chosen = request.courseIds === "all" ? remaining : remaining.filter((i) => i.courseId !== null && (request.courseIds as string[]).includes(i.courseId));
    if (chosen.length === 0 || (request.courseIds !== "all" && chosen.length !== request.courseIds.length)) {
      return { ok: false as const, message: "Choose courses of this order that have not been refunded yet." };
    }
    const amountMinor = chosen.reduce((sum, item) => sum + item.amountMinor, 0);
    const refused = await amountProblem(tx, payment, amountMinor, request.confirmedAmount);
    if (refused) return { ok: false as const, message: refused };
    const [row] = await tx
      .insert(refunds)
      .values({ paymentId: payment.id, provider: payment.provider, status: "pending", amountMinor, currency: payment.currency, reason: request.reason ?? null, requestedBy: request.actorId })
      .returning({ id: refunds.id });
    await tx.insert(refundItems).values(chosen.map((item) => ({ refundId: row!.id, orderItemId: item.id, amountMinor: item.amountMinor })));
    await recordAdminAction(tx, request.actorId, "refund.requested", { type: "order", id: order.id }, {
      refundId: row!.id,
      courseIds: chosen.map((i) => i.courseId),
      amountMinor,
      currency: payment.currency,
      reason: request.reason ?? null,
    });
    return { ok: true as const, refundId: row!.id, payment, amount: money(amountMinor, payment.currency) };
  });
  if (!prepared.ok) return prepared;
  return sendRefund(deps, prepared.refundId, prepared.payment, prepared.amount, request.reason);
}

/**
 * Why `amountMinor` cannot be refunded now: not what the admin confirmed (or not an amount at all), or more than is
 * left on the capture once every pending and completed refund is counted (a refund made in PayPal's own interface
 * that matched no course leaves the courses refundable but the money partly gone).
 */
async function amountProblem(tx: Tx, payment: Payment, amountMinor: number, confirmedAmount: string | undefined): Promise<string | null> {
  const amount = money(amountMinor, payment.currency);
  if (confirmedAmount !== undefined) {
    let confirmed = 0;
    try {
      confirmed = parseDecimal(confirmedAmount, payment.currency).minor;
    } catch {
      // Not a number, or more decimals than the currency has: left at 0, refused below.
    }
    if (confirmed <= 0) return `“${confirmedAmount.slice(0, 20)}” is not an amount in ${payment.currency}. Nothing was refunded.`;
    if (confirmed !== amountMinor) {
      return `These courses now come to ${formatMoney(amount)}, not the ${formatMoney(money(confirmed, payment.currency))} you confirmed: the order changed meanwhile. Nothing was refunded; check the page and try again.`;
    }
  }
  const [{ taken } = { taken: 0 }] = await tx
    .select({ taken: sql<number>`coalesce(sum(${refunds.amountMinor}), 0)::bigint`.mapWith(Number) })
    .from(refunds)
    .where(and(eq(refunds.paymentId, payment.id), inArray(refunds.status, ["pending", "completed"])));
  const left = payment.grossMinor - taken;
  if (amountMinor > left) {
    return `Only ${formatMoney(money(left, payment.currency))} of this payment is left to refund (${formatMoney(amount)} asked). Nothing was refunded.`;
  }
  return null;
}

/** Sends (or re-sends, with the same idempotency key) a refund we recorded. */
export async function sendRefund(
  deps: CheckoutDeps,
  refundId: string,
  payment: Payment,
  amount: ReturnType<typeof money>,
  note?: string,
): Promise<RefundRequestResult> {
  const result = await deps.provider.refundCapture({
    captureId: payment.providerCaptureId,
    amount,
    refundId,
    orderId: payment.orderId,
    requestId: `coursepay-refund-${refundId}`,
    note,
  });
  if (!result.ok) {
    // Unknown outcome: the row stays pending and reconciliation sends the same request again.
    if (result.failure.kind !== "unavailable") {
      await deps.db.update(refunds).set({ status: "failed", updatedAt: new Date() }).where(and(eq(refunds.id, refundId), eq(refunds.status, "pending")));
    }
    return { ok: false, message: refundFailureMessage(result.failure) };
  }
  await applyRefund(deps.db, result.value);
  return { ok: true, refundId, status: result.value.status === "COMPLETED" ? "completed" : "pending" };
}
