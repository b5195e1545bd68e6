import "server-only";
import { and, asc, eq, inArray, isNull, lt } from "drizzle-orm";
import type { DbHandle } from "@/db/client";
import { withSessionLock } from "@/db/client";
import { orders, paymentEvents, paymentProvider, payments, refunds } from "@/db/schema";
import { recordAdminAction } from "@/lib/audit";
import { log } from "@/lib/log";
import { money } from "@/lib/money";
import type { CheckoutDeps } from "./checkout";
import { applyIpnEvent, sweepIpnInbox, type IpnDeps } from "./ipn";
import { markProcessed } from "./events";
import { applyNotification } from "./notifications";
import { sendRefund } from "./refunds";
import { OPEN_STATUSES } from "./state";
import { reconcileSubscriptions } from "@/lib/subscriptions/reconcile";
import type { SubscriptionProvider } from "@/lib/subscriptions/types";
import { syncOrder, type SyncResult } from "./sync";

export type ReconcileOptions = {
  /** Only look at things untouched for this long (the live paths get the first chance). Default 5 minutes. */
  minAgeMs?: number;
  /** At most this many orders per pass. */
  limit?: number;
  now?: Date;
};

export type ReconcileReport = {
  ordersChecked: number;
  changed: SyncResult[];
  refundsResent: number;
  notificationsReplayed: number;
  /** Settled IPN inbox messages deleted after the retention period. */
  ipnPruned: number;
  /** Subscriptions asked about, and those whose status changed or that were abandoned unapproved. */
  subscriptionsChecked: number;
  subscriptionsChanged: { subscriptionId: string; from: string; to: string }[];
  errors: { what: string; message: string }[];
  durationMs: number;
};

/** The fixed advisory-lock key that elects the one instance running a sweep. */
export const RECONCILE_LOCK = 7_261_003_002;

/**
 * Repairs what the live paths could not finish: orders still created / approved / pending are checked against
 * PayPal and brought in line (a capture nobody confirmed, a pending payment that settled or was denied, an
 * order abandoned past PayPal's lifetime); refunds whose outcome we never heard are sent again with the same
 * idempotency key; notifications stored but never applied (a crash in between) are applied; IPN messages whose
 * validation never finished are validated, and settled ones past their retention are pruned.
 */
/**
 * Any provider's services; PayPal's also validate IPN, whose inbox the sweep then tends too, and sell
 * subscriptions, which the sweep brings in line as well.
 */
export type ReconcileDeps = (CheckoutDeps | IpnDeps) & { subscriptions?: SubscriptionProvider };

export async function reconcile(deps: ReconcileDeps, options: ReconcileOptions = {}): Promise<ReconcileReport> {
  const started = Date.now();
  const now = options.now ?? new Date();
  const before = new Date(now.getTime() - (options.minAgeMs ?? 5 * 60_000));
  const report: ReconcileReport = { ordersChecked: 0, changed: [], refundsResent: 0, notificationsReplayed: 0, ipnPruned: 0, subscriptionsChecked: 0, subscriptionsChanged: [], errors: [], durationMs: 0 };
  const attempt = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (error) {
      report.errors.push({ what, message: (error as Error).message });
      log.error({ err: error, what }, "reconciliation step failed");
    }
  };

  const stuck = await deps.db
    .select()
    .from(orders)
    .where(and(eq(orders.provider, deps.provider.name), inArray(orders.status, [...OPEN_STATUSES]), lt(orders.updatedAt, before)))
    .orderBy(asc(orders.updatedAt))
    .limit(options.limit ?? 500);
  for (const order of stuck) {
    await attempt(`order ${order.id}`, async () => {
      report.ordersChecked++;
      const synced = await syncOrder(deps, order, now);
      if (synced.from !== synced.to) report.changed.push(synced);
    });
  }

  const unanswered = await deps.db
    .select({ refund: refunds, payment: payments })
    .from(refunds)
    .innerJoin(payments, eq(payments.id, refunds.paymentId))
    .where(and(eq(payments.provider, deps.provider.name), eq(refunds.status, "pending"), isNull(refunds.providerRefundId), lt(refunds.createdAt, before)));
  for (const { refund, payment } of unanswered) {
    await attempt(`refund ${refund.id}`, async () => {
      await sendRefund(deps, refund.id, payment, money(refund.amountMinor, refund.currency), refund.reason ?? undefined);
      report.refundsResent++;
    });
  }

  const unapplied = await deps.db
    .select()
    .from(paymentEvents)
    .where(
      and(
        eq(paymentEvents.provider, deps.provider.name),
        inArray(paymentEvents.source, ["webhook", "ipn"]),
        isNull(paymentEvents.processedAt),
        lt(paymentEvents.receivedAt, before),
      ),
    )
    .orderBy(asc(paymentEvents.id))
    .limit(options.limit ?? 500);
  for (const event of unapplied) {
    await attempt(`${event.source} event ${event.id}`, async () => {
      if (event.source === "ipn") {
        if (!("validateIpn" in deps)) throw new Error("an IPN event for a provider without IPN");
        await applyIpnEvent(deps, event.id);
      } else {
        const { outcome, orderId, subscriptionId } = await applyNotification(deps, deps.provider.interpretNotification(event.raw));
        await markProcessed(deps.db, event.id, { outcome: `replayed: ${outcome}`, orderId, subscriptionId });
      }
      report.notificationsReplayed++;
    });
  }

  const subscriptionsOf = "subscriptions" in deps ? deps.subscriptions : undefined;
  if (subscriptionsOf) {
    const sweep = await reconcileSubscriptions({ db: deps.db, subscriptions: subscriptionsOf }, before, now, options.limit);
    report.subscriptionsChecked = sweep.checked;
    report.subscriptionsChanged = sweep.changed.map(({ subscriptionId, from, to }) => ({ subscriptionId, from, to }));
    report.errors.push(...sweep.errors);
  }

  if ("validateIpn" in deps) await attempt("IPN inbox", async () => {
    const inbox = await sweepIpnInbox(deps, before, now);
    report.notificationsReplayed += inbox.retried.length;
    report.ipnPruned = inbox.pruned;
  });

  report.durationMs = Date.now() - started;
  return report;
}

/** One sweep per provider, by whichever instance gets that provider's lock first; the others skip this round. */
export async function reconcileOnce(handle: DbHandle, deps: ReconcileDeps, options: ReconcileOptions = {}) {
  const key = RECONCILE_LOCK + paymentProvider.enumValues.indexOf(deps.provider.name);
  return withSessionLock(handle, key, { wait: false }, () => reconcile(deps, options));
}

/** Starts the in-app sweep, with the payment configuration in force at each round. Returns a stop function. */
/** `getDeps` answers null while the provider is not configured: that round is skipped. */
export function startReconcileLoop(handle: DbHandle, getDeps: () => Promise<ReconcileDeps | null>, intervalMs: number): () => void {
  const timer = setInterval(() => {
    getDeps()
      .then((deps) => (deps ? reconcileOnce(handle, deps) : null))
      .then((result) => {
        if (result?.acquired && (result.value.changed.length || result.value.errors.length)) {
          log.info({ reconcile: { changed: result.value.changed, errors: result.value.errors } }, "reconciliation sweep");
        }
      })
      .catch((error) => log.error({ err: error }, "reconciliation sweep failed"));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}


export type CheckResult = { ok: true; result: SyncResult } | { ok: false; message: string };

/**
 * An admin's "Check with <provider>": one order brought in line with its provider now, through the same syncOrder() as the
 * sweep. The audit line records what the check found; the changes themselves are syncOrder's own transactions.
 */
export async function checkOrderNow(deps: CheckoutDeps, orderId: string, actorId: string): Promise<CheckResult> {
  const [order] = await deps.db.select().from(orders).where(eq(orders.id, orderId));
  if (!order) return { ok: false, message: "This order does not exist." };
  const result = await syncOrder(deps, order);
  await recordAdminAction(deps.db, actorId, "order.reconciled", { type: "order", id: order.id }, { from: result.from, to: result.to, note: result.note });
  return { ok: true, result };
}
