import "server-only";
import { sql } from "drizzle-orm";
import { preparedPerDb, type Queryable } from "@/db/client";
import { paymentEvents } from "@/db/schema";

/** What is known when a payload arrives; processing writes the rest (markProcessed). */
export type NewPaymentEvent = Pick<typeof paymentEvents.$inferInsert, "provider" | "source" | "type" | "raw"> &
  Partial<Pick<typeof paymentEvents.$inferInsert, "dedupeKey" | "orderId" | "subscriptionId" | "httpStatus" | "headers" | "verified">>;

const placeholder = (name: keyof NewPaymentEvent) => sql.placeholder(name);
/** One statement for every append (webhooks and API responses alike), built once per database handle. */
const insertEvent = preparedPerDb((db) =>
  db
    .insert(paymentEvents)
    .values({
      provider: placeholder("provider"),
      source: placeholder("source"),
      type: placeholder("type"),
      dedupeKey: placeholder("dedupeKey"),
      orderId: placeholder("orderId"),
      subscriptionId: placeholder("subscriptionId"),
      httpStatus: placeholder("httpStatus"),
      raw: placeholder("raw"),
      // Not a plain placeholder: Drizzle would encode a missing value as JSON `null` rather than SQL NULL.
      headers: sql`${placeholder("headers")}::jsonb`,
      verified: placeholder("verified"),
    })
    .onConflictDoNothing()
    .returning({ id: paymentEvents.id })
    .prepare("append_payment_event"),
);

/**
 * Appends a raw provider payload to the log, before anything acts on it. With a dedupe key (a webhook
 * event id, an IPN txn id + status) a second copy is not stored: `duplicate` tells the caller to do nothing.
 */
export async function appendPaymentEvent(db: Queryable, event: NewPaymentEvent): Promise<{ id: number; duplicate: boolean }> {
  const [row] = await insertEvent(db).execute({
    provider: event.provider,
    source: event.source,
    type: event.type,
    raw: event.raw,
    dedupeKey: event.dedupeKey ?? null,
    orderId: event.orderId ?? null,
    subscriptionId: event.subscriptionId ?? null,
    httpStatus: event.httpStatus ?? null,
    headers: event.headers == null ? null : JSON.stringify(event.headers),
    verified: event.verified ?? null,
  });
  if (row) return { id: row.id, duplicate: false };
  return { id: 0, duplicate: true };
}

export type Processed = { outcome: string; orderId: string | null; subscriptionId?: string | null };
type PendingMark = Processed & { id: number; done: () => void; failed: (error: unknown) => void };

/** Per database handle (or transaction): the marks waiting for the next UPDATE, and whether one is in flight. */
const markQueues = new WeakMap<Queryable, { pending: PendingMark[]; flushing: boolean }>();
/** Keeps one statement's parameter (a JSON array) small; a bigger backlog goes in several statements. */
const MARKS_PER_STATEMENT = 200;

/**
 * Records that a logged notification was acted on: when, with what outcome, for which order or subscription (a link
 * already known is kept). Resolves once the row is written. Marks made while another is in flight share the next
 * UPDATE: on a busy store each statement's round trip costs more CPU than its row (bench:webhooks' profile, README
 * "Performance"), and the mark is bookkeeping after the effect has committed — a mark lost to a crash means the
 * provider's redelivery is applied again, which the money path makes a no-op.
 */
export function markProcessed(db: Queryable, id: number, processed: Processed): Promise<void> {
  let queue = markQueues.get(db);
  if (!queue) markQueues.set(db, (queue = { pending: [], flushing: false }));
  const marked = new Promise<void>((done, failed) => queue.pending.push({ ...processed, id, done, failed }));
  if (!queue.flushing) void flushMarks(db, queue);
  return marked;
}

async function flushMarks(db: Queryable, queue: { pending: PendingMark[]; flushing: boolean }) {
  queue.flushing = true;
  while (queue.pending.length > 0) {
    const batch = queue.pending.splice(0, MARKS_PER_STATEMENT);
    const rows = batch.map(({ id, outcome, orderId, subscriptionId }) => ({ id, outcome, order_id: orderId, subscription_id: subscriptionId ?? null }));
    try {
      await db.execute(sql`
        update ${paymentEvents} set
          processed_at = now(),
          outcome = marks.outcome,
          order_id = coalesce(marks.order_id, ${paymentEvents.orderId}),
          subscription_id = coalesce(marks.subscription_id, ${paymentEvents.subscriptionId})
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as marks(id bigint, outcome text, order_id uuid, subscription_id uuid)
        where ${paymentEvents.id} = marks.id`);
      for (const mark of batch) mark.done();
    } catch (error) {
      for (const mark of batch) mark.failed(error);
    }
  }
  queue.flushing = false;
}
