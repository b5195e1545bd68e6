import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Db, Queryable } from "@/db/client";
import { enrollments, subscriptionPayments, subscriptionProducts, subscriptions, type Subscription, type SubscriptionProduct, type SubscriptionStatus, type WebhookEventType } from "@/db/schema";
import { log } from "@/lib/log";
import { enqueueEmail, type SubscriptionEmailEvent } from "@/lib/outbox/jobs";
import { enqueueEvent } from "@/lib/webhooks/events";
import { includedCourseIds } from "./catalog";
import { accessUntil, canMoveSubscription, statusFromProvider } from "./state";
import type { SubscriptionPaymentFacts, SubscriptionProvider, SubscriptionState } from "./types";

export type SubscriptionDeps = { db: Db; subscriptions: SubscriptionProvider };

export type SyncResult =
  | { ok: true; subscriptionId: string; from: SubscriptionStatus; to: SubscriptionStatus; paidThrough: Date | null; paymentsRecorded: number }
  | { ok: false; message: string };

/** Payments that keep what they paid for (a refund or a chargeback takes it back). */
const KEPT = new Set<SubscriptionPaymentFacts["status"]>(["completed", "partially_refunded"]);

/**
 * Brings one subscription in line with the provider's truth (the subscription and its payments), whatever told us
 * to look — the buyer's approval, a webhook (duplicated, reordered or missing ones included), reconciliation.
 * In one transaction with our row locked: every payment recorded once (unique per provider payment id) with its raw
 * variables, the status moved through the transition table, the paid-through date set from money the provider
 * confirmed, and the courses the subscription opens given exactly that access.
 */
export async function syncSubscription(deps: SubscriptionDeps, subscription: Pick<Subscription, "id" | "providerSubscriptionId">, known?: SubscriptionState): Promise<SyncResult> {
  if (!subscription.providerSubscriptionId) return { ok: false, message: "This subscription was never created at the provider." };
  let truth = known;
  if (!truth) {
    const asked = await deps.subscriptions.getSubscription({ providerSubscriptionId: subscription.providerSubscriptionId, subscriptionId: subscription.id });
    if (!asked.ok) return { ok: false, message: `The provider could not be asked (${asked.failure.kind}).` };
    truth = asked.value;
  }
  return applyTruth(deps.db, subscription.id, truth);
}

/** The subscription emails a status change sends (lib/email). */
const NOTICE_ON: Partial<Record<SubscriptionStatus, SubscriptionEmailEvent>> = {
  active: "started",
  suspended: "suspended",
  cancelled: "cancelled",
  expired: "expired",
  completed: "completed",
};

/** The outgoing event of each subscription notice. */
const SUBSCRIPTION_EVENTS: Record<SubscriptionEmailEvent, WebhookEventType> = {
  started: "subscription.activated",
  payment_failed: "subscription.payment_failed",
  suspended: "subscription.suspended",
  cancelled: "subscription.cancelled",
  expired: "subscription.expired",
  completed: "subscription.completed",
};

const subscriptionJsonSql = (id: string) => sql`(
  select jsonb_build_object('subscription', jsonb_build_object('id', s.id, 'status', s.status, 'user_id', s.user_id, 'product', p.slug, 'kind', p.kind,
    'paid_through', s.paid_through, 'next_billing_at', s.next_billing_at, 'failed_payments', s.failed_payments,
    'outstanding', jsonb_build_object('minor', s.outstanding_minor, 'currency', pr.currency), 'provider', s.provider, 'provider_subscription_id', s.provider_subscription_id))
  from subscriptions s join subscription_products p on p.id = s.product_id join subscription_prices pr on pr.id = s.price_id where s.id = ${id}::uuid)`;

export async function applyTruth(db: Db, subscriptionId: string, truth: SubscriptionState, now = new Date()): Promise<SyncResult> {
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(subscriptions).where(eq(subscriptions.id, subscriptionId)).for("update");
    if (!current) return { ok: false, message: "This subscription does not exist." };
    // Never trust a provider object that is not this subscription's (a swapped id, another store's custom_id).
    if (truth.providerSubscriptionId !== current.providerSubscriptionId || (truth.subscriptionId !== null && truth.subscriptionId !== current.id)) {
      log.warn({ subscriptionId, providerSubscriptionId: truth.providerSubscriptionId, customId: truth.subscriptionId }, "provider subscription does not match ours");
      return { ok: false, message: "The provider's subscription does not belong to this one." };
    }
    const [product] = await tx.select().from(subscriptionProducts).where(eq(subscriptionProducts.id, current.productId));

    let recorded = 0;
    for (const payment of truth.payments) recorded += await recordPayment(tx, current, payment);

    const payments = [...truth.payments].sort((a, b) => a.paidAt.getTime() - b.paidAt.getTime());
    const charged = payments.filter((p) => p.status !== "declined");
    const latest = charged.at(-1);
    const takenBack = charged.some((p) => !KEPT.has(p.status));
    const instalmentsPaid = charged.filter((p) => KEPT.has(p.status)).length;
    const paidInFull = product!.kind === "plan" && truth.regularCyclesCompleted >= (product!.instalments ?? Infinity) && truth.outstanding.minor === 0 && !takenBack;

    let to = statusFromProvider(product!.kind, truth.status, paidInFull);
    if (current.status === "completed" && !paidInFull) to = "cancelled";
    if (!canMoveSubscription(current.status, to)) {
      log.warn({ subscriptionId, from: current.status, to, provider: truth.status }, "subscription move refused");
      to = current.status;
    }

    // Money the provider confirmed moves the paid-through date: an active subscription owing nothing is paid up to
    // its next billing time (a free trial included). A payment taken back (refund, chargeback) ends what it paid for.
    let paidThrough = current.paidThrough;
    if (truth.status === "ACTIVE" && truth.outstanding.minor === 0 && truth.nextBillingAt) paidThrough = truth.nextBillingAt;
    if (latest && !KEPT.has(latest.status) && (!paidThrough || paidThrough > latest.paidAt)) paidThrough = latest.paidAt;

    await tx
      .update(subscriptions)
      .set({
        status: to,
        paidThrough,
        nextBillingAt: truth.nextBillingAt,
        failedPayments: truth.failedPayments,
        outstandingMinor: truth.outstanding.minor,
        instalmentsPaid,
        cancelledAt: to === "cancelled" && current.status !== "cancelled" ? now : current.cancelledAt,
        updatedAt: now,
      })
      .where(eq(subscriptions.id, subscriptionId));
    await applyAccess(tx, { ...current, status: to, paidThrough }, product!, now);
    // The subscriber hears of each change once: the row version it follows makes the notice's key.
    const version = current.updatedAt.toISOString();
    // "You are in" is for a subscription that starts, not one that runs again after a pause.
    const event = to !== current.status && (to !== "active" || current.status === "pending") ? NOTICE_ON[to] : undefined;
    const failed = truth.failedPayments > current.failedPayments;
    for (const notice of [event, failed ? ("payment_failed" as const) : undefined]) {
      if (!notice) continue;
      await enqueueEmail(tx, { template: "subscription", subscriptionId, event: notice }, version);
      await enqueueEvent(tx, SUBSCRIPTION_EVENTS[notice], `${subscriptionId}_${version}`, subscriptionJsonSql(subscriptionId));
    }
    return { ok: true, subscriptionId, from: current.status, to, paidThrough, paymentsRecorded: recorded };
  });
}

/** One payment, once: inserted, or its status and raw variables updated when the provider's changed. */
async function recordPayment(tx: Queryable, subscription: Subscription, payment: SubscriptionPaymentFacts): Promise<number> {
  const [row] = await tx
    .insert(subscriptionPayments)
    .values({
      subscriptionId: subscription.id,
      provider: subscription.provider,
      providerPaymentId: payment.providerPaymentId,
      status: payment.status,
      grossMinor: payment.gross.minor,
      feeMinor: payment.fee?.minor ?? null,
      refundedMinor: payment.status === "refunded" || payment.status === "reversed" ? payment.gross.minor : 0,
      currency: payment.gross.currency,
      paidAt: payment.paidAt,
      raw: payment.raw as object,
    })
    .onConflictDoUpdate({
      target: [subscriptionPayments.provider, subscriptionPayments.providerPaymentId],
      set: {
        status: sql`excluded.status`,
        raw: sql`excluded.raw`,
        // A partial refund's amount comes from its notification (lib/subscriptions/notifications.ts); a whole one is everything.
        refundedMinor: sql`case when excluded.status in ('refunded', 'reversed') then ${subscriptionPayments.grossMinor} else ${subscriptionPayments.refundedMinor} end`,
        updatedAt: sql`now()`,
      },
      setWhere: sql`${subscriptionPayments.status} is distinct from excluded.status and ${subscriptionPayments.subscriptionId} = excluded.subscription_id`,
    })
    .returning({ inserted: sql<boolean>`(xmax = 0)` });
  return row?.inserted ? 1 : 0;
}

/**
 * The courses a subscription opens, with exactly the access it has paid for. Rows a purchase, a free course or an
 * admin's grant made are never touched (those are owned for good); an audit or a revoked row becomes the
 * subscription's. A course opened by two subscriptions keeps the later end.
 */
export async function applyAccess(tx: Queryable, subscription: Pick<Subscription, "id" | "userId" | "status" | "paidThrough">, product: SubscriptionProduct, now: Date): Promise<void> {
  const until = accessUntil(subscription.status, subscription.paidThrough, now);
  // This subscription's own rows first: a shorter access (suspension, refund) takes effect at once.
  await tx.update(enrollments).set({ accessUntil: until }).where(and(eq(enrollments.subscriptionId, subscription.id), eq(enrollments.status, "active")));
  if (until !== null && until <= now) return;
  for (const courseId of await includedCourseIds(tx, product)) {
    await tx
      .insert(enrollments)
      .values({ userId: subscription.userId, courseId, mode: "full", source: "subscription", subscriptionId: subscription.id, accessUntil: until, status: "active" })
      .onConflictDoUpdate({
        target: [enrollments.userId, enrollments.courseId],
        set: {
          mode: "full",
          source: "subscription",
          status: "active",
          subscriptionId: sql`excluded.subscription_id`,
          accessUntil: sql`case when ${enrollments.subscriptionId} = excluded.subscription_id or ${enrollments.source} <> 'subscription' or ${enrollments.status} = 'revoked' then excluded.access_until
            when ${enrollments.accessUntil} is null or excluded.access_until is null then null
            else greatest(${enrollments.accessUntil}, excluded.access_until) end`,
          orderItemId: null,
          revokedAt: null,
          revokeReason: null,
        },
        setWhere: sql`${enrollments.status} = 'revoked' or ${enrollments.mode} = 'audit' or ${enrollments.source} = 'subscription'`,
      });
  }
}
