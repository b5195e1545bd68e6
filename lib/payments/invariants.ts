import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type Queryable } from "@/db/client";
import { JOB_KINDS } from "@/lib/outbox/jobs";
import { GRACE_MS } from "@/lib/subscriptions/state";
import { FINISHED_STATUSES, HOLDING_STATUSES, PAID_PAYMENT_STATUSES, PAID_STATUSES } from "./state";

export type Violation = { rule: string; detail: Record<string, unknown> };

/** A status list from state.ts as SQL (`'a', 'b'`): the lists are written once, there. */
const list = (statuses: readonly string[]) => sql.join(statuses.map((status) => sql`${status}`), sql`, `);
const paid = list(PAID_STATUSES);
const paidPayment = list(PAID_PAYMENT_STATUSES);

/** An order item whose course a completed refund paid back. */
const refunded = (item: string) =>
  sql.raw(`exists (select 1 from refund_items ri join refunds r on r.id = ri.refund_id where ri.order_item_id = ${item} and r.status = 'completed')`);

const RULES: { rule: string; query: ReturnType<typeof sql> }[] = [
  {
    rule: "enrollment without a completed payment",
    query: sql`
      select e.id as enrollment_id, e.user_id, e.course_id, o.id as order_id, o.status as order_status, p.status as payment_status
      from enrollments e
      join order_items oi on oi.id = e.order_item_id
      join orders o on o.id = oi.order_id
      left join payments p on p.order_id = o.id
      where e.status = 'active' and e.source = 'purchase'
        and (o.status not in (${paid}) or p.id is null
             or p.status not in (${paidPayment}) or ${refunded("oi.id")})`,
  },
  {
    rule: "completed payment without its enrollments",
    query: sql`
      select o.id as order_id, o.user_id, oi.course_id
      from orders o
      join order_items oi on oi.order_id = o.id
      join payments p on p.order_id = o.id
      where o.status in (${paid}) and p.status in (${paidPayment}) and oi.course_id is not null
        and not ${refunded("oi.id")}
        and not exists (select 1 from enrollments e where e.user_id = o.user_id and e.course_id = oi.course_id
                        and e.status = 'active' and e.mode = 'full')`,
  },
  {
    // orders.course_ids is a copy of the items' courses kept for the admin's course filter (db/schema.ts).
    rule: "order's course list differs from its items",
    query: sql`
      select o.id as order_id, o.course_ids, i.course_ids as item_course_ids
      from orders o
      cross join lateral (select coalesce(array_agg(oi.course_id order by oi.course_id), '{}') as course_ids
                          from order_items oi where oi.order_id = o.id and oi.course_id is not null) i
      where array(select unnest(o.course_ids) order by 1) <> i.course_ids`,
  },
  {
    rule: "paid order without a capture",
    query: sql`
      select o.id as order_id, o.status from orders o
      where o.status in (${list(FINISHED_STATUSES)})
        and not exists (select 1 from payments p where p.order_id = o.id)`,
  },
  {
    rule: "capture amount differs from its order",
    query: sql`
      select o.id as order_id, p.provider_capture_id, p.gross_minor, p.currency as capture_currency, o.total_minor, o.currency as order_currency
      from payments p join orders o on o.id = p.order_id
      where p.gross_minor <> o.total_minor or p.currency <> o.currency`,
  },
  {
    rule: "order captured twice",
    query: sql`select order_id, count(*)::int as captures from payments group by order_id having count(*) > 1`,
  },
  {
    rule: "course paid twice by the same buyer",
    query: sql`
      select o.user_id, oi.course_id, count(distinct o.id)::int as orders
      from orders o join order_items oi on oi.order_id = o.id
      where o.status in (${list(HOLDING_STATUSES)}) and oi.course_id is not null and not ${refunded("oi.id")}
      group by o.user_id, oi.course_id having count(distinct o.id) > 1`,
  },
  {
    rule: "paid LMS order without its enrolment",
    query: sql`
      select o.id as order_id, o.gateway_handoff_id from orders o
      where o.gateway_handoff_id is not null and o.status in (${paid})
        and not exists (select 1 from outbox_jobs j where j.dedupe_key = ${JOB_KINDS.lmsEnrol} || ':' || o.gateway_handoff_id)`,
  },
  {
    rule: "LMS class paid twice by the same learner",
    query: sql`
      select h.connection_id, h.sub, h.lms_class, count(distinct o.id)::int as orders
      from orders o join gateway_handoffs h on h.id = o.gateway_handoff_id
      where o.status in (${list(HOLDING_STATUSES)})
      group by h.connection_id, h.sub, h.lms_class having count(distinct o.id) > 1`,
  },
  {
    rule: "subscription access without a paid period",
    query: sql`
      select e.id as enrollment_id, e.user_id, e.course_id, s.id as subscription_id, s.status, s.paid_through, e.access_until
      from enrollments e join subscriptions s on s.id = e.subscription_id
      where e.status = 'active' and e.source = 'subscription'
        and case
          when e.access_until is null then s.status <> 'completed'
          when s.status in ('pending', 'abandoned') then e.access_until > now()
          else s.paid_through is null or e.access_until > s.paid_through + ${GRACE_MS} * interval '1 millisecond'
        end`,
  },
  {
    // Memberships open courses as the member opens them (lib/subscriptions/access.ts); what they opened, and a
    // plan's course, must stay open for the whole period paid.
    rule: "paid subscription period without access",
    query: sql`
      select s.id as subscription_id, s.user_id, s.status, s.paid_through, e.course_id, e.access_until
      from subscriptions s
      join subscription_products sp on sp.id = s.product_id
      left join enrollments e on e.user_id = s.user_id
        and (e.subscription_id = s.id or (sp.kind = 'plan' and e.course_id = sp.course_id))
      where ((s.status = 'active' and s.paid_through > now()) or s.status = 'completed')
        and ((sp.kind = 'plan' and e.id is null)
             or (e.subscription_id = s.id and e.status = 'revoked')
             or (e.subscription_id = s.id and s.status = 'active' and e.access_until < s.paid_through)
             or (sp.kind = 'plan' and s.status = 'completed' and e.access_until is not null))`,
  },
  {
    rule: "subscription payment counted twice",
    query: sql`
      select s.id as subscription_id, s.instalments_paid,
        (select count(*)::int from subscription_payments p where p.subscription_id = s.id and p.status in ('completed', 'partially_refunded')) as payments_kept
      from subscriptions s
      where s.instalments_paid > (select count(*) from subscription_payments p where p.subscription_id = s.id and p.status in ('completed', 'partially_refunded'))`,
  },
];

/** Everything that must never be true of the money and the enrollments; an empty list means all is well. */
export async function checkInvariants(db: Queryable): Promise<Violation[]> {
  const found: Violation[] = [];
  for (const { rule, query } of RULES) {
    for (const detail of await queryRows(db, query)) found.push({ rule, detail });
  }
  return found;
}
