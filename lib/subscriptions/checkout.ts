import "server-only";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { isUniqueViolation } from "@/db/client";
import { providerPlans, subscriptionProducts, subscriptions, type Subscription } from "@/db/schema";
import { getAccess, ownsCourse } from "@/lib/enrollment";
import { log } from "@/lib/log";
import { CURRENCIES } from "@/lib/money";
import { currentPrice } from "./catalog";
import { SUBSCRIPTION_MESSAGES } from "./messages";
import { ensureProviderPlan } from "./plans";
import { syncSubscription, type SubscriptionDeps, type SyncResult } from "./sync";

export const subscribeSchema = z.object({ productId: z.uuid(), currency: z.enum(CURRENCIES) });
export type SubscribeRequest = z.infer<typeof subscribeSchema>;

export type StartResult = { ok: true; subscriptionId: string; providerSubscriptionId: string; approvalUrl: string | null } | { ok: false; message: string };

/**
 * Our subscription row first (pending), then the provider's subscription for the price version new buyers get, with
 * our id as its custom id and an idempotency key derived from our id. Price, setup fee and plan come from the
 * database; the browser only names the product and the currency it was shown.
 */
export async function startSubscription(
  deps: SubscriptionDeps & { checkoutEnabled: boolean },
  userId: string,
  request: SubscribeRequest,
  options: { returnUrls?: (subscriptionId: string) => { success: string; cancel: string } } = {},
): Promise<StartResult> {
  if (!deps.checkoutEnabled) return { ok: false, message: SUBSCRIPTION_MESSAGES.unavailable };
  const { db } = deps;
  const [product] = await db.select().from(subscriptionProducts).where(and(eq(subscriptionProducts.id, request.productId), eq(subscriptionProducts.published, true)));
  const price = product && (await currentPrice(db, product.id, request.currency));
  if (!product || !price) return { ok: false, message: SUBSCRIPTION_MESSAGES.notFound };
  if (product.kind === "plan" && ownsCourse(await getAccess(db, userId, product.courseId!))) return { ok: false, message: SUBSCRIPTION_MESSAGES.alreadyOwned };
  const [running] = await db
    .select({ id: subscriptions.id })
    .from(subscriptions)
    .where(and(eq(subscriptions.userId, userId), eq(subscriptions.productId, product.id), eq(subscriptions.status, "active")));
  if (running) return { ok: false, message: SUBSCRIPTION_MESSAGES.alreadySubscribed };

  const plan = await ensureProviderPlan(db, deps.subscriptions, product, price);
  if (!plan.ok) return { ok: false, message: SUBSCRIPTION_MESSAGES.providerUnavailable };
  const [row] = await db.insert(subscriptions).values({ userId, productId: product.id, priceId: price.id, provider: deps.subscriptions.name }).returning();
  const created = await deps.subscriptions.createSubscription({
    subscriptionId: row!.id,
    providerPlanId: plan.value,
    requestId: `coursepay-subscription-${row!.id}`,
    returnUrls: options.returnUrls?.(row!.id),
  });
  if (!created.ok) {
    await db.update(subscriptions).set({ status: "abandoned", updatedAt: new Date() }).where(eq(subscriptions.id, row!.id));
    return { ok: false, message: SUBSCRIPTION_MESSAGES.providerUnavailable };
  }
  await db.update(subscriptions).set({ providerSubscriptionId: created.value.providerSubscriptionId, updatedAt: new Date() }).where(eq(subscriptions.id, row!.id));
  return { ok: true, subscriptionId: row!.id, ...created.value };
}

export type ActivateResult = { ok: true; subscriptionId: string; status: Subscription["status"] } | { ok: false; message: string };

/**
 * The buyer approved at the provider (onApprove, or the return URL): ask the provider for the subscription and
 * activate ours from its truth, checking it is this buyer's, for the plan of the price they chose. Reloads and
 * concurrent calls (two instances, a webhook) converge on one activation: the sync locks our row.
 */
export async function activateSubscription(deps: SubscriptionDeps, userId: string, providerSubscriptionId: string): Promise<ActivateResult> {
  const [row] = await deps.db
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.provider, deps.subscriptions.name), eq(subscriptions.providerSubscriptionId, providerSubscriptionId)));
  if (!row || row.userId !== userId) return { ok: false, message: SUBSCRIPTION_MESSAGES.notFound };
  const synced = await syncChecked(deps, row);
  if (!synced.ok) return synced;
  if (synced.to === "pending") return { ok: false, message: SUBSCRIPTION_MESSAGES.notApproved };
  // PayPal ended it at once (its first payment, with the setup fee, was declined): nothing was granted.
  if (synced.to !== "active" && synced.to !== "completed") return { ok: false, message: SUBSCRIPTION_MESSAGES.firstPaymentFailed };
  return { ok: true, subscriptionId: row.id, status: synced.to };
}

/**
 * syncSubscription(), after checking that the provider's subscription runs on the plan of our price version (a
 * subscription made for another plan or amount is never activated), and turning a second running subscription of
 * the same buyer and product (approved in two tabs) into a cancelled and refunded one.
 */
export async function syncChecked(deps: SubscriptionDeps, row: Subscription): Promise<SyncResult> {
  if (!row.providerSubscriptionId) return { ok: false, message: SUBSCRIPTION_MESSAGES.notFound };
  const truth = await deps.subscriptions.getSubscription({ providerSubscriptionId: row.providerSubscriptionId, subscriptionId: row.id });
  if (!truth.ok) return { ok: false, message: truth.failure.kind === "not_found" ? SUBSCRIPTION_MESSAGES.unknownAtProvider : SUBSCRIPTION_MESSAGES.providerUnavailable };
  const [plan] = await deps.db
    .select({ providerId: providerPlans.providerId })
    .from(providerPlans)
    .where(and(eq(providerPlans.provider, row.provider), eq(providerPlans.priceId, row.priceId)));
  if (!plan || plan.providerId !== truth.value.providerPlanId) {
    log.warn({ subscriptionId: row.id, expected: plan?.providerId, got: truth.value.providerPlanId }, "provider subscription runs on another plan");
    await deps.db.update(subscriptions).set({ attentionReason: "The provider's subscription runs on another plan than the one sold.", updatedAt: new Date() }).where(eq(subscriptions.id, row.id));
    return { ok: false, message: SUBSCRIPTION_MESSAGES.mismatch };
  }
  try {
    return await syncSubscription(deps, row, truth.value);
  } catch (error) {
    if (!isUniqueViolation(error, "subscriptions_one_running")) throw error;
    return cancelDuplicate(deps, row);
  }
}

async function cancelDuplicate(deps: SubscriptionDeps, row: Subscription): Promise<SyncResult> {
  log.warn({ subscriptionId: row.id }, "a second running subscription for the same buyer and product: cancelled and refunded");
  const reason = "Duplicate subscription: the buyer already has this one";
  await deps.subscriptions.cancelSubscription({ providerSubscriptionId: row.providerSubscriptionId!, subscriptionId: row.id, reason });
  const truth = await deps.subscriptions.getSubscription({ providerSubscriptionId: row.providerSubscriptionId!, subscriptionId: row.id });
  if (truth.ok) {
    for (const payment of truth.value.payments.filter((p) => p.status === "completed")) {
      await deps.subscriptions.refundPayment({ providerPaymentId: payment.providerPaymentId, subscriptionId: row.id, amount: null, requestId: `coursepay-duplicate-${payment.providerPaymentId}` });
    }
  }
  await deps.db.update(subscriptions).set({ attentionReason: `${reason}; its payments were refunded.`, updatedAt: new Date() }).where(eq(subscriptions.id, row.id));
  return syncSubscription(deps, row);
}

/** The buyer cancels: no more payments; access stays until the paid-through date. */
export async function cancelSubscription(deps: SubscriptionDeps, userId: string, subscriptionId: string, reason: string): Promise<ActivateResult> {
  const [row] = await deps.db.select().from(subscriptions).where(eq(subscriptions.id, subscriptionId));
  if (!row || row.userId !== userId || !row.providerSubscriptionId) return { ok: false, message: SUBSCRIPTION_MESSAGES.notFound };
  if (row.status !== "active" && row.status !== "suspended") return { ok: false, message: SUBSCRIPTION_MESSAGES.notCancellable };
  const cancelled = await deps.subscriptions.cancelSubscription({ providerSubscriptionId: row.providerSubscriptionId, subscriptionId: row.id, reason });
  // Cancelled already (another tab, PayPal's own page): the provider's truth says so, and the sync records it.
  if (!cancelled.ok && !(cancelled.failure.kind === "rejected" && cancelled.failure.issue === "SUBSCRIPTION_STATUS_INVALID")) {
    return { ok: false, message: SUBSCRIPTION_MESSAGES.providerUnavailable };
  }
  const synced = await syncSubscription(deps, row);
  return synced.ok ? { ok: true, subscriptionId: row.id, status: synced.to } : synced;
}
