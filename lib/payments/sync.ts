import "server-only";
import { eq } from "drizzle-orm";
import { orders, type Order, type OrderStatus } from "@/db/schema";
import { captureOrder, type CheckoutDeps } from "./checkout";
import { flagForAttention, moveOrder } from "./orders";
import { PROVIDER_LABEL } from "./providers";
import { FINISHED_STATUSES } from "./state";
import { fulfil } from "./fulfil";
import { applyRefund } from "./refunds";
import type { CaptureFacts } from "./types";

/** PayPal forgets uncaptured orders after 3 hours (then answers 404); ours expire with them (a provider-neutral bound). */
export const PROVIDER_ORDER_LIFETIME_MS = 3 * 60 * 60 * 1000;

export type SyncResult = { orderId: string; from: OrderStatus; to: OrderStatus; note: string };

/**
 * Brings one order in line with what the provider says is true now — the answer to "this notification does
 * not fit", and the unit of work of reconciliation. Everything goes through the same functions as the live
 * paths: captureOrder() for an approval nobody captured, fulfil() for the capture, applyRefund() per refund.
 */
export async function syncOrder(deps: CheckoutDeps, order: Order, now = new Date()): Promise<SyncResult> {
  const from = order.status;
  const who = PROVIDER_LABEL[deps.provider.name];
  const result = (note: string) => current(deps, order.id).then((to) => ({ orderId: order.id, from, to, note }));
  const old = now.getTime() - order.createdAt.getTime() > PROVIDER_ORDER_LIFETIME_MS;

  if (!order.providerOrderId) {
    // The provider order was never created (or we never heard back): nothing to ask about.
    if (old && (await moveOrder(deps.db, order, "expired"))) return result(`expired: no ${who} order was ever created`);
    return result(`waiting: no ${who} order yet`);
  }

  const truth = await deps.provider.getOrder({ providerOrderId: order.providerOrderId, orderId: order.id });
  if (!truth.ok) {
    if (truth.failure.kind === "not_found" && !FINISHED_STATUSES.includes(order.status)) {
      await moveOrder(deps.db, order, order.status === "pending" ? "failed" : "expired");
      return result(`${who} no longer knows this order`);
    }
    return result(`${who} unavailable: ${truth.failure.kind}`);
  }

  const { capture, refunds } = truth.value;
  if (!capture) {
    if (truth.value.status === "APPROVED" && (order.status === "created" || order.status === "approved")) {
      const captured = await captureOrder(deps, order);
      return result(captured.ok ? "captured an approval the buyer's browser never confirmed" : `capture refused: ${captured.message}`);
    }
    if (truth.value.status === "VOIDED" && (await moveOrder(deps.db, order, "cancelled"))) return result(`voided at ${who}`);
    if (old && (await moveOrder(deps.db, order, "expired"))) return result("abandoned: never approved");
    return result(`waiting: ${who} order is ${truth.value.status}`);
  }

  // A refunded capture was completed first; apply the completion, then each refund.
  if (!FINISHED_STATUSES.includes(order.status)) {
    const applied = await fulfil(deps.db, wasCompleted(capture) ? { ...capture, status: "COMPLETED" } : capture);
    if (applied.outcome === "conflict") await flagForAttention(deps.db, order.id, `${who} reports the capture ${capture.status} but the order is ${applied.status}.`);
  }
  const chargeback = capture.reason === "CHARGEBACK";
  for (const [index, refund] of refunds.entries()) {
    // PayPal's order view does not mark which refund was the chargeback; it is the one that emptied the capture.
    const reversal = chargeback && index === refunds.length - 1 && refund.ourRefundId === null;
    const applied = await applyRefund(deps.db, refund, { reversal });
    if (applied.outcome === "unknown_capture" || applied.outcome === "conflict") {
      await flagForAttention(deps.db, order.id, `${who} reports refund ${refund.refundId} but the order could not be brought to a paid state first.`);
    }
  }
  return result(`in line with ${who} (${capture.status}${refunds.length ? `, ${refunds.length} refund(s)` : ""})`);
}

const wasCompleted = (capture: CaptureFacts) => capture.status === "REFUNDED" || capture.status === "PARTIALLY_REFUNDED";

async function current(deps: CheckoutDeps, orderId: string): Promise<OrderStatus> {
  const [row] = await deps.db.select({ status: orders.status }).from(orders).where(eq(orders.id, orderId));
  return row!.status;
}


