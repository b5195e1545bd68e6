import "server-only";
import { sql } from "drizzle-orm";
import { preparedSqlPerDb, type Db } from "@/db/client";
import { cartItems, carts, orders, orderStatus, payments, type OrderStatus, type PaymentStatus } from "@/db/schema";
import { purchaseGrantsSql } from "@/lib/enrollment";
import { orderJobsSql } from "@/lib/outbox/jobs";
import { eventJobsSql, orderJsonSql } from "@/lib/webhooks/events";
import { log } from "@/lib/log";
import { formatMoney, money } from "@/lib/money";
import { flagForAttention } from "./orders";
import { isFinal, transition, type TransitionResult } from "./state";
import type { CaptureFacts } from "./types";

export type FulfilResult =
  | { outcome: "applied"; orderId: string; from: OrderStatus; to: OrderStatus; enrollmentsGranted: number }
  | { outcome: "unchanged"; orderId: string; status: OrderStatus }
  /** The facts do not fit the order's state (e.g. "completed" for a failed order): ask the provider for the truth. */
  | { outcome: "conflict"; orderId: string; status: OrderStatus; reason: string }
  /** The provider took a different amount than the order's total: recorded and flagged, nothing granted. */
  | { outcome: "mismatch"; orderId: string; status: OrderStatus }
  | { outcome: "unknown_order" };

const PAYMENT_STATUS: Record<CaptureFacts["status"], PaymentStatus> = {
  COMPLETED: "completed",
  PENDING: "pending",
  DECLINED: "declined",
  FAILED: "failed",
  PARTIALLY_REFUNDED: "partially_refunded",
  REFUNDED: "refunded",
};

/** What a capture status means for the order. Refund statuses are the refund path's business, not this one's. */
const ORDER_TARGET: Partial<Record<CaptureFacts["status"], OrderStatus>> = {
  COMPLETED: "completed",
  PENDING: "pending",
  DECLINED: "failed",
  FAILED: "failed",
};

/**
 * The one fulfilment function: a capture as the provider reports it → our order's state and enrollments.
 * The browser's capture, webhooks, IPN and reconciliation all call it, as often as they like.
 *
 * One SQL statement, so all of it happens or none of it does, with the order row locked for the statement:
 * the capture is recorded (unique provider id; a pending one only ever moves forward), and — if the amount is
 * the order's total and the state machine allows the move — the order moves, and on completion one full
 * enrollment is granted per course and those courses leave the cart, and the work that follows the move (an LMS
 * enrolment, the buyer's email) is queued in the outbox in the same statement. A second call with the same facts changes
 * nothing. (One statement rather than an interactive transaction: no lock is held across round trips, and it
 * costs a third of the database work — it is on the path of every payment and every webhook.)
 */
export async function fulfil(db: Db, facts: CaptureFacts): Promise<FulfilResult> {
  const target = ORDER_TARGET[facts.status] ?? null;
  const [row] = await fulfilStatement(target)(db, {
    provider: facts.provider,
    providerOrderId: facts.providerOrderId,
    ourId: facts.orderId && UUID.test(facts.orderId) ? facts.orderId : null,
    captureId: facts.captureId,
    paymentStatus: PAYMENT_STATUS[facts.status],
    reason: facts.reason,
    grossMinor: facts.gross.minor,
    feeMinor: facts.fee?.minor ?? null,
    netMinor: facts.net?.minor ?? null,
    currency: facts.gross.currency,
    raw: JSON.stringify(facts.raw),
  });
  if (!row) return { outcome: "unknown_order" };

  if (!row.amount_matches) {
    const reason = `Captured ${formatMoney(facts.gross)} but the order total is ${formatMoney(money(Number(row.total_minor), row.currency))}`;
    await flagForAttention(db, row.id, reason, { captureId: facts.captureId });
    return { outcome: "mismatch", orderId: row.id, status: row.previous };
  }
  if (row.moved) return { outcome: "applied", orderId: row.id, from: row.previous, to: target!, enrollmentsGranted: row.granted };
  if (!target || row.previous === target) return { outcome: "unchanged", orderId: row.id, status: row.previous };
  const refused = transition(row.previous, target);
  log.warn({ orderId: row.id, from: row.previous, to: target, captureId: facts.captureId }, "capture does not fit the order state");
  return { outcome: "conflict", orderId: row.id, status: row.previous, reason: refused.ok ? "" : refused.reason };
}

type FulfilRow = { id: string; previous: OrderStatus; total_minor: number | string; currency: string; amount_matches: boolean; moved: boolean; granted: number };

/**
 * fulfil()'s statement for a capture whose status leads to `target`, rendered once per database handle: what it does
 * depends only on the target (the state machine's answer and the work that follows the move, written in), and every
 * fact of the capture is a placeholder. Rendering it on every call was the largest part of the SQL Drizzle built per
 * checkout (bench:checkout's heap profile).
 */
const fulfilStatements = new Map<OrderStatus | null, (db: Db, values: Record<string, unknown>) => Promise<FulfilRow[]>>();
function fulfilStatement(target: OrderStatus | null) {
  let statement = fulfilStatements.get(target);
  if (!statement) fulfilStatements.set(target, (statement = preparedSqlPerDb<FulfilRow>(`fulfil_${target ?? "none"}`, () => fulfilSql(target))));
  return statement;
}

function fulfilSql(target: OrderStatus | null) {
  // The state machine decides which statuses may move to the target; the statement only applies its answer.
  const movable = target ? orderStatus.enumValues.filter((from) => changes(transition(from, target))) : [];
  const completes = target === "completed";
  const closes = target !== null && (isFinal(target) || completes);
  const fact = (name: string) => sql.placeholder(name);
  return sql`
    with target_order as (
      -- By the provider's order id, else by our id echoed back (trusted only while no provider id is recorded).
      select id, user_id, status, total_minor, currency from ${orders}
      where provider = ${fact("provider")}::payment_provider and (provider_order_id = ${fact("providerOrderId")} or (id = ${fact("ourId")}::uuid and provider_order_id is null))
      order by provider_order_id nulls last
      limit 1
      for update
    ),
    recorded as (
      insert into ${payments} (order_id, provider, provider_capture_id, status, status_reason, gross_minor, fee_minor, net_minor, currency, raw)
      select id, ${fact("provider")}::payment_provider, ${fact("captureId")}, ${fact("paymentStatus")}, ${fact("reason")}, ${fact("grossMinor")}, ${fact("feeMinor")},
             ${fact("netMinor")}, ${fact("currency")}, ${fact("raw")}::jsonb
      from target_order
      on conflict (provider, provider_capture_id) do update
        set status = excluded.status, status_reason = excluded.status_reason, fee_minor = excluded.fee_minor,
            net_minor = excluded.net_minor, raw = excluded.raw, updated_at = now()
        where ${payments.status} = 'pending' and excluded.status <> 'pending'
    ),
    moved as (
      update ${orders} set status = ${target}::order_status, provider_order_id = coalesce(${orders.providerOrderId}, ${fact("providerOrderId")}),
             capture_started_at = null, updated_at = now(), closed_at = case when ${closes} then now() end
      from target_order
      where ${orders.id} = target_order.id and target_order.total_minor = ${fact("grossMinor")} and target_order.currency = ${fact("currency")}
        and target_order.status::text = any(string_to_array(${movable.join(",")}, ','))
      returning ${orders.id} as id, ${orders.userId} as user_id, ${orders.gatewayHandoffId} as gateway_handoff_id, ${orders.courseIds} as course_ids, target_order.status as previous
    ),
    granted as (${completes ? purchaseGrantsSql(sql`moved`) : NONE}),
    followed as (${orderJobsSql(sql`moved`, target)}),
    announced as (${completes ? eventJobsSql("order.completed", sql`select m.id::text as subject_id, jsonb_build_object('order', ${orderJsonSql(sql`m.id`, "completed")}) as data from moved as m`) : NONE}),
    granted_events as (${
      completes
        ? eventJobsSql(
            "enrollment.granted",
            sql`select g.order_item_id::text as subject_id,
                       jsonb_build_object('enrollment', jsonb_build_object('id', g.id, 'user_id', g.user_id, 'course_id', g.course_id, 'mode', 'full', 'source', 'purchase', 'order_item_id', g.order_item_id)) as data
                from granted as g`,
          )
        : NONE
    }),
    -- By the order's own course list: reading the courses' order items instead visits every sale of each course
    -- (cost growing with the course's popularity, on every payment).
    cleared as (
      delete from ${cartItems} using ${carts} as cart, moved
      where ${completes} and cart.user_id = moved.user_id and ${cartItems.cartId} = cart.id and ${cartItems.courseId} = any(moved.course_ids)
    )
    select id, status as previous, total_minor, currency,
           total_minor = ${fact("grossMinor")} and currency = ${fact("currency")} as amount_matches,
           exists (select 1 from moved) as moved, (select count(*) from granted)::int as granted
    from target_order`;
}

const changes = (move: TransitionResult) => move.ok && move.changed;
/** A CTE body that does nothing, for the parts a move does not need. */
const NONE = sql`select null where false`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
