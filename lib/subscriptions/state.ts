/**
 * A subscription's statuses and the moves between them, in one table; how the provider's words map to ours; and
 * the grace period access runs past the paid-through date (a renewal PayPal bills a few hours late must not lock a
 * member out). Pure: tested without a database.
 */
import type { SubscriptionKind, SubscriptionStatus } from "@/db/schema";
import type { ProviderSubscriptionStatus } from "./types";

export const SUBSCRIPTION_TRANSITIONS: Readonly<Record<SubscriptionStatus, readonly SubscriptionStatus[]>> = {
  pending: ["active", "abandoned", "cancelled", "completed"],
  active: ["suspended", "cancelled", "expired", "completed"],
  suspended: ["active", "cancelled", "expired"],
  cancelled: [],
  expired: [],
  // A plan paid in full whose instalment is refunded afterwards no longer owns its course.
  completed: ["cancelled"],
  abandoned: ["active"], // approved after all (the buyer's approval arrived late)
};

export const canMoveSubscription = (from: SubscriptionStatus, to: SubscriptionStatus) => from === to || SUBSCRIPTION_TRANSITIONS[from].includes(to);

/** Statuses that still bill, or may: reconciliation keeps asking the provider about these. */
export const LIVE_SUBSCRIPTION_STATUSES = ["pending", "active", "suspended"] as const satisfies readonly SubscriptionStatus[];

export const GRACE_MS = 3 * 24 * 3600 * 1000;

/**
 * Our status for what the provider says. A payment plan whose every instalment was paid is `completed` (the
 * course is owned for good), whatever the provider calls it then (PayPal: still ACTIVE until the last period ends,
 * then EXPIRED).
 */
export function statusFromProvider(kind: SubscriptionKind, provider: ProviderSubscriptionStatus, paidInFull: boolean): SubscriptionStatus {
  if (kind === "plan" && paidInFull) return "completed";
  switch (provider) {
    case "APPROVAL_PENDING":
    case "APPROVED":
      return "pending";
    case "ACTIVE":
      return "active";
    case "SUSPENDED":
      return "suspended";
    case "CANCELLED":
      return "cancelled";
    case "EXPIRED":
      return "expired";
  }
}

/**
 * Until when a subscription opens its courses: null for good (a plan paid in full), a date otherwise. An active
 * one runs to the paid-through date plus grace (the renewal may be billed a little late); a cancelled or expired
 * one keeps exactly what was paid for; a suspended one is paused now; a pending one opens nothing.
 */
export function accessUntil(status: SubscriptionStatus, paidThrough: Date | null, now: Date): Date | null {
  if (status === "completed") return null;
  if (!paidThrough || status === "pending" || status === "abandoned") return now;
  if (status === "suspended") return paidThrough < now ? paidThrough : now;
  return status === "active" ? new Date(paidThrough.getTime() + GRACE_MS) : paidThrough;
}
