import "server-only";
import { and, asc, desc, eq, ilike, inArray, or, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { paymentEvents, subscriptionPayments, subscriptionPrices, subscriptionProducts, subscriptions, users, type SubscriptionStatus } from "@/db/schema";
import { rawEvent, type RawEvent } from "@/lib/admin/transaction-detail";
import { recordAdminAction } from "@/lib/audit";
import type { SubscriptionPayment } from "@/db/schema";
import { syncChecked } from "./checkout";
import type { PriceTerms } from "./describe";
import { SUBSCRIPTION_MESSAGES } from "./messages";
import type { SubscriptionDeps } from "./sync";

/** The admin's Subscriptions tabs: what runs, what is paused, what has ended. */
export const SUBSCRIPTION_TABS = {
  active: ["active"],
  suspended: ["suspended"],
  ended: ["cancelled", "expired", "completed"],
} as const satisfies Record<string, readonly SubscriptionStatus[]>;
export type SubscriptionTab = keyof typeof SUBSCRIPTION_TABS;

export type AdminSubscriptionRow = {
  id: string;
  status: SubscriptionStatus;
  buyerName: string;
  buyerEmail: string;
  productName: string;
  amountMinor: number;
  currency: string;
  paidThrough: Date | null;
  failedPayments: number;
  attentionReason: string | null;
  createdAt: Date;
};

export async function listSubscriptionsForAdmin(db: Queryable, filter: { tab: SubscriptionTab; q?: string }, limit = 100): Promise<AdminSubscriptionRow[]> {
  const q = filter.q?.trim();
  return db
    .select({
      id: subscriptions.id,
      status: subscriptions.status,
      buyerName: users.name,
      buyerEmail: users.email,
      productName: subscriptionProducts.name,
      amountMinor: subscriptionPrices.amountMinor,
      currency: subscriptionPrices.currency,
      paidThrough: subscriptions.paidThrough,
      failedPayments: subscriptions.failedPayments,
      attentionReason: subscriptions.attentionReason,
      createdAt: subscriptions.createdAt,
    })
    .from(subscriptions)
    .innerJoin(users, eq(users.id, subscriptions.userId))
    .innerJoin(subscriptionProducts, eq(subscriptionProducts.id, subscriptions.productId))
    .innerJoin(subscriptionPrices, eq(subscriptionPrices.id, subscriptions.priceId))
    .where(
      and(
        inArray(subscriptions.status, [...SUBSCRIPTION_TABS[filter.tab]]),
        q ? or(ilike(users.email, `%${q}%`), ilike(users.name, `%${q}%`), eq(subscriptions.providerSubscriptionId, q)) : undefined,
      ),
    )
    .orderBy(desc(subscriptions.createdAt))
    .limit(limit);
}

export async function countSubscriptionTabs(db: Queryable): Promise<Record<SubscriptionTab, number>> {
  const rows = await db.select({ status: subscriptions.status, n: sql<number>`count(*)::int` }).from(subscriptions).groupBy(subscriptions.status);
  const count = (statuses: readonly string[]) => rows.filter((r) => statuses.includes(r.status)).reduce((sum, r) => sum + r.n, 0);
  return { active: count(SUBSCRIPTION_TABS.active), suspended: count(SUBSCRIPTION_TABS.suspended), ended: count(SUBSCRIPTION_TABS.ended) };
}

export type AdminSubscriptionDetail = {
  row: typeof subscriptions.$inferSelect;
  buyer: { name: string; email: string };
  productName: string;
  terms: PriceTerms;
  priceVersion: number;
  payments: SubscriptionPayment[];
  events: RawEvent[];
};

export async function findSubscriptionForAdmin(db: Queryable, id: string): Promise<AdminSubscriptionDetail | null> {
  const [found] = await db
    .select({ row: subscriptions, buyer: { name: users.name, email: users.email }, product: subscriptionProducts, price: subscriptionPrices })
    .from(subscriptions)
    .innerJoin(users, eq(users.id, subscriptions.userId))
    .innerJoin(subscriptionProducts, eq(subscriptionProducts.id, subscriptions.productId))
    .innerJoin(subscriptionPrices, eq(subscriptionPrices.id, subscriptions.priceId))
    .where(eq(subscriptions.id, id));
  if (!found) return null;
  const [payments, events] = await Promise.all([
    db.select().from(subscriptionPayments).where(eq(subscriptionPayments.subscriptionId, id)).orderBy(asc(subscriptionPayments.paidAt)),
    db.select().from(paymentEvents).where(eq(paymentEvents.subscriptionId, id)).orderBy(asc(paymentEvents.id)),
  ]);
  const { product, price } = found;
  return {
    row: found.row,
    buyer: found.buyer,
    productName: product.name,
    terms: { kind: product.kind, interval: product.interval, intervalCount: product.intervalCount, trialDays: product.trialDays, instalments: product.instalments, amountMinor: price.amountMinor, setupFeeMinor: price.setupFeeMinor, currency: price.currency },
    priceVersion: price.version,
    payments,
    events: events.map(rawEvent),
  };
}

export const ADMIN_ACTION_DONE = {
  cancel: "Cancelled at PayPal: no more payments; the buyer keeps access until the end of the paid period.",
  suspend: "Suspended at PayPal: billing and access are paused.",
  refund_last: "Refunded the last payment at PayPal: the access it paid for has ended.",
} as const;

export type AdminActionResult = { ok: true; message: string } | { ok: false; message: string };

/**
 * An admin's action on a subscription at the provider — cancel, suspend, or refund its last payment (which ends the
 * access that payment bought) — then the subscription brought in line with the provider's answer. Audited with
 * what was done and what came of it.
 */
export async function adminSubscriptionAction(deps: SubscriptionDeps, actorId: string, subscriptionId: string, action: "cancel" | "suspend" | "refund_last"): Promise<AdminActionResult> {
  const [row] = await deps.db.select().from(subscriptions).where(eq(subscriptions.id, subscriptionId));
  if (!row?.providerSubscriptionId) return { ok: false, message: SUBSCRIPTION_MESSAGES.notFound };
  const ids = { providerSubscriptionId: row.providerSubscriptionId, subscriptionId: row.id };
  let done;
  let detail: Record<string, unknown> = {};
  if (action === "refund_last") {
    const [last] = await deps.db
      .select()
      .from(subscriptionPayments)
      .where(and(eq(subscriptionPayments.subscriptionId, row.id), eq(subscriptionPayments.status, "completed")))
      .orderBy(desc(subscriptionPayments.paidAt))
      .limit(1);
    if (!last) return { ok: false, message: "This subscription has no payment left to refund." };
    // Keyed by the payment: two admins clicking at once send one refund.
    done = await deps.subscriptions.refundPayment({ providerPaymentId: last.providerPaymentId, subscriptionId: row.id, amount: null, requestId: `coursepay-subscription-refund-${last.id}` });
    detail = { payment: last.providerPaymentId, amountMinor: last.grossMinor, currency: last.currency };
  } else {
    if (row.status !== "active" && (action === "suspend" || row.status !== "suspended")) return { ok: false, message: `A ${row.status} subscription cannot be ${action === "cancel" ? "cancelled" : "suspended"}.` };
    const reason = action === "cancel" ? "Cancelled by the store" : "Suspended by the store";
    done = action === "cancel" ? await deps.subscriptions.cancelSubscription({ ...ids, reason }) : await deps.subscriptions.suspendSubscription({ ...ids, reason });
  }
  if (!done.ok) return { ok: false, message: `PayPal refused (${done.failure.kind === "rejected" ? done.failure.issue : done.failure.kind}). Nothing changed.` };
  const synced = await syncChecked(deps, row);
  await recordAdminAction(deps.db, actorId, `subscription.${action}`, { type: "subscription", id: row.id }, { ...detail, status: synced.ok ? synced.to : "unknown" });
  return { ok: true, message: ADMIN_ACTION_DONE[action] };
}
