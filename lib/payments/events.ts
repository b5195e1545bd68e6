import "server-only";
import type { Queryable } from "@/db/client";
import { paymentEvents } from "@/db/schema";

export type NewPaymentEvent = typeof paymentEvents.$inferInsert;

/**
 * Appends a raw provider payload to the log, before anything acts on it. With a dedupe key (a webhook
 * event id, an IPN txn id + status) a second copy is not stored: `duplicate` tells the caller to do nothing.
 */
export async function appendPaymentEvent(db: Queryable, event: NewPaymentEvent): Promise<{ id: number; duplicate: boolean }> {
  // Named statement: prepared once per connection, one round trip (see lib/payments/checkout.ts).
  const [row] = await db.insert(paymentEvents).values(event).onConflictDoNothing().returning({ id: paymentEvents.id });
  if (row) return { id: row.id, duplicate: false };
  return { id: 0, duplicate: true };
}
