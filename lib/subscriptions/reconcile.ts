import "server-only";
import { and, asc, eq, inArray, lt } from "drizzle-orm";
import { subscriptions } from "@/db/schema";
import { syncChecked } from "./checkout";
import { LIVE_SUBSCRIPTION_STATUSES } from "./state";
import type { SubscriptionDeps, SyncResult } from "./sync";

/** A subscription nobody approved within this long is abandoned (PayPal's approval link has lapsed by then). */
export const APPROVAL_WINDOW_MS = 3 * 3600 * 1000;

export type SubscriptionSweep = { checked: number; changed: Extract<SyncResult, { ok: true }>[]; abandoned: number; errors: { what: string; message: string }[] };

/**
 * Reconciliation for subscriptions: every pending, active or suspended one untouched since `before` is brought in
 * line with the provider's truth (renewals and failures whose webhooks were lost, cancellations made at PayPal),
 * and pending ones past the approval window that the provider still calls unapproved are abandoned.
 */
export async function reconcileSubscriptions(deps: SubscriptionDeps, before: Date, now: Date, limit = 500): Promise<SubscriptionSweep> {
  const sweep: SubscriptionSweep = { checked: 0, changed: [], abandoned: 0, errors: [] };
  const due = await deps.db
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.provider, deps.subscriptions.name), inArray(subscriptions.status, [...LIVE_SUBSCRIPTION_STATUSES]), lt(subscriptions.updatedAt, before)))
    .orderBy(asc(subscriptions.updatedAt))
    .limit(limit);
  for (const row of due) {
    sweep.checked++;
    try {
      const synced = row.providerSubscriptionId ? await syncChecked(deps, row) : null;
      // Never approved (or never even created at the provider) within the window: nothing will come of it.
      const unapproved = row.status === "pending" && (!synced || !synced.ok || synced.to === "pending");
      if (unapproved && now.getTime() - row.createdAt.getTime() > APPROVAL_WINDOW_MS) {
        await deps.db.update(subscriptions).set({ status: "abandoned", updatedAt: now }).where(and(eq(subscriptions.id, row.id), eq(subscriptions.status, "pending")));
        sweep.abandoned++;
        continue;
      }
      if (synced && !synced.ok) throw new Error(synced.message);
      if (synced && synced.from !== synced.to) sweep.changed.push(synced);
      if (synced && synced.from === synced.to) {
        // Checked and unchanged: it waits a full age before the next look.
        await deps.db.update(subscriptions).set({ updatedAt: now }).where(eq(subscriptions.id, row.id));
      }
    } catch (error) {
      sweep.errors.push({ what: `subscription ${row.id}`, message: (error as Error).message });
    }
  }
  return sweep;
}
