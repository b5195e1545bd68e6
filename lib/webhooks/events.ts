import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { outboxJobs, webhookEndpoints, type WebhookEventType } from "@/db/schema";
import { JOB_KINDS } from "@/lib/outbox/jobs";

/**
 * Outgoing events (Standard Webhooks): each event becomes one outbox job per enabled endpoint that wants its type,
 * written in the transaction of the change it reports. The message id (`webhook-id`) is made from the type and what
 * the event is about, so a change applied twice queues nothing new, and every retry of a delivery carries the same id
 * for the receiver to deduplicate on.
 */
export const messageId = (type: WebhookEventType, subjectId: string) => `msg_${type}_${subjectId}`;

/**
 * The jobs for events of `type`, one per row of `events` (a query yielding `subject_id` text and `data` jsonb) and per
 * endpoint that wants them — as SQL, for use inside a larger statement (fulfil()) or on its own.
 */
export function eventJobsSql(type: WebhookEventType, events: SQL): SQL {
  return sql`
    insert into ${outboxJobs} (kind, dedupe_key, payload)
    select ${JOB_KINDS.webhook}, 'webhook:' || e.id || ':' || ${`msg_${type}_`} || ev.subject_id,
           jsonb_build_object('endpointId', e.id, 'id', ${`msg_${type}_`} || ev.subject_id, 'type', ${type}::text,
                              'timestamp', to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'data', ev.data)
    from (${events}) as ev, ${webhookEndpoints} as e
    -- The type is written into the text, not sent as a parameter: a parameter's "= any(...)" looks 11 times less
    -- selective, which kept PostgreSQL from reusing fulfil()'s plan (lib/payments/fulfil.ts). Types are our own constants.
    where e.enabled and ${sql.raw(`'${type}'`)}::text = any(e.event_types)
    on conflict (dedupe_key) do nothing
    returning ${outboxJobs.id}`;
}

/** Queues one event in the caller's transaction. */
export async function enqueueEvent(tx: Queryable, type: WebhookEventType, subjectId: string, data: SQL): Promise<void> {
  await tx.execute(eventJobsSql(type, sql`select ${subjectId}::text as subject_id, ${data} as data`));
}

/** An order as events describe it (buyer, amount, provider, items); `status` overrides what this statement cannot see yet. */
export function orderJsonSql(orderId: SQL, status?: string): SQL {
  return sql`(
    select jsonb_build_object(
      'id', o.id, 'status', coalesce(${status ?? null}::text, o.status::text),
      'amount', jsonb_build_object('minor', o.total_minor, 'currency', o.currency),
      'provider', o.provider, 'provider_order_id', o.provider_order_id,
      'buyer', case when o.user_id is not null then jsonb_build_object('user_id', o.user_id)
                    else (select jsonb_build_object('lms_connection', c.slug, 'lms_user', h.sub, 'lms_course', h.lms_course, 'lms_class', h.lms_class)
                          from gateway_handoffs h join gateway_connections c on c.id = h.connection_id where h.id = o.gateway_handoff_id) end,
      'items', (select jsonb_agg(jsonb_build_object('title', i.title, 'course_id', i.course_id, 'external_ref', i.external_ref,
                                                    'amount', jsonb_build_object('minor', i.unit_price_minor, 'currency', i.currency)) order by i.title)
                from order_items i where i.order_id = o.id))
    from orders o where o.id = ${orderId})`;
}
