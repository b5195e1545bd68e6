/**
 * The order state machine: the only table of legal status moves. Every status change in the code goes
 * through `transition()`; a move not listed here is refused, never silently written.
 *
 *   created ─▶ approved ─▶ completed ─▶ partially_refunded ─▶ refunded
 *      │          │   └──▶ pending ─▶ completed | failed      completed/partially_refunded ─▶ reversed
 *      ├──▶ cancelled   ├──▶ failed
 *      └──▶ expired     └──▶ expired
 *
 * `created → completed|pending` exists because a capture can be learned of (webhook, reconciliation)
 * without the approval ever being recorded: PayPal only captures approved orders, so the approval is implied.
 */
import type { OrderStatus, PaymentStatus } from "@/db/schema";

export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  created: ["approved", "pending", "completed", "cancelled", "failed", "expired"],
  approved: ["pending", "completed", "failed", "cancelled", "expired"],
  pending: ["completed", "failed"],
  completed: ["partially_refunded", "refunded", "reversed"],
  partially_refunded: ["partially_refunded", "refunded", "reversed"],
  refunded: [],
  reversed: [],
  cancelled: [],
  failed: [],
  expired: [],
};

/** The admin's "Finished" tab: money was received at some point. */
export const FINISHED_STATUSES: readonly OrderStatus[] = ["completed", "partially_refunded", "refunded", "reversed"];
/** The admin's "Unfinished" tab. */
export const UNFINISHED_STATUSES: readonly OrderStatus[] = [
  "created",
  "approved",
  "pending",
  "cancelled",
  "failed",
  "expired",
];

/** No further move is possible from these. */
export const isFinal = (status: OrderStatus) => ORDER_TRANSITIONS[status].length === 0;

/** Still waiting on the buyer or on PayPal: what reconciliation looks at. */
export const OPEN_STATUSES: readonly OrderStatus[] = ["created", "approved", "pending"];

export type TransitionResult =
  | { ok: true; from: OrderStatus; to: OrderStatus; changed: boolean }
  | { ok: false; from: OrderStatus; to: OrderStatus; reason: string };

/**
 * Decides a move. Staying in the same status is an idempotent no-op (`changed: false`), which is what a
 * duplicate notification or a replayed capture produces.
 */
export function transition(from: OrderStatus, to: OrderStatus): TransitionResult {
  if (from === to && to !== "partially_refunded") return { ok: true, from, to, changed: false };
  if (ORDER_TRANSITIONS[from].includes(to)) return { ok: true, from, to, changed: true };
  return { ok: false, from, to, reason: `An order cannot move from ${from} to ${to}` };
}

/** Statuses in which the buyer has paid for (and keeps) the order's courses, unless refunded item by item. */
export const PAID_STATUSES: readonly OrderStatus[] = ["completed", "partially_refunded"];

/** A capture whose money the store holds (some of it, after a partial refund). */
export const PAID_PAYMENT_STATUSES: readonly PaymentStatus[] = ["completed", "partially_refunded"];

/** The buyer's money is on its way or with us: their courses must not be paid for again. */
export const HOLDING_STATUSES: readonly OrderStatus[] = ["pending", ...PAID_STATUSES];

export const isPaid = (status: OrderStatus) => PAID_STATUSES.includes(status);
