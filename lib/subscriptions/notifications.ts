import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { subscriptionPayments, subscriptions } from "@/db/schema";
import type { Money } from "@/lib/money";
import { syncChecked } from "./checkout";
import type { SubscriptionDeps } from "./sync";

export type SubscriptionApplied = { outcome: string; subscriptionId: string | null };

/**
 * A subscription notification (PayPal: BILLING.SUBSCRIPTION.*, PAYMENT.SALE.*), applied by asking the provider for
 * the subscription's whole truth: a duplicate, late or reordered notification changes nothing the truth does not,
 * and a lost one is made up for by the next (or by reconciliation). A refund's amount, which the truth does not
 * carry, is added to its payment once (the event's delivery is deduplicated before this runs).
 */
export async function applySubscriptionNotification(
  deps: SubscriptionDeps,
  notification: { providerSubscriptionId: string | null; providerPaymentId: string | null; refunded: Money | null },
): Promise<SubscriptionApplied> {
  const { db } = deps;
  const provider = deps.subscriptions.name;
  let row = notification.providerSubscriptionId
    ? (await db.select().from(subscriptions).where(and(eq(subscriptions.provider, provider), eq(subscriptions.providerSubscriptionId, notification.providerSubscriptionId))))[0]
    : undefined;
  if (!row && notification.providerPaymentId) {
    const [payment] = await db
      .select({ subscriptionId: subscriptionPayments.subscriptionId })
      .from(subscriptionPayments)
      .where(and(eq(subscriptionPayments.provider, provider), eq(subscriptionPayments.providerPaymentId, notification.providerPaymentId)));
    if (payment) [row] = await db.select().from(subscriptions).where(eq(subscriptions.id, payment.subscriptionId));
  }
  if (!row) return { outcome: "ignored: unknown subscription", subscriptionId: null };

  const synced = await syncChecked(deps, row);
  if (!synced.ok) throw new Error(`subscription ${row.id} could not be brought in line: ${synced.message}`);
  if (notification.refunded && notification.providerPaymentId) {
    await db
      .update(subscriptionPayments)
      .set({ refundedMinor: sql`least(${subscriptionPayments.grossMinor}, ${subscriptionPayments.refundedMinor} + ${notification.refunded.minor})`, updatedAt: new Date() })
      .where(and(eq(subscriptionPayments.provider, provider), eq(subscriptionPayments.providerPaymentId, notification.providerPaymentId)));
  }
  return { outcome: `subscription ${synced.from} → ${synced.to}`, subscriptionId: row.id };
}
