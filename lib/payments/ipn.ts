import "server-only";
import { and, count, eq, gte, inArray, lt, sql } from "drizzle-orm";
import { isUniqueViolation, type Queryable } from "@/db/client";
import { ipnMessages, orders, paymentEvents, payments, type IpnMessage, type Order } from "@/db/schema";
import { log } from "@/lib/log";
import { parseDecimal } from "@/lib/money";
import { ipnFields, type IpnAnswer } from "@/lib/paypal/ipn";
import type { CheckoutDeps } from "./checkout";
import { appendPaymentEvent, markProcessed } from "./events";
import { syncOrder } from "./sync";
import { isUuid } from "@/lib/uuid";

export type IpnDeps = CheckoutDeps & { validateIpn(raw: Buffer): Promise<IpnAnswer>; businessEmail: string | undefined };

/** eFront's classification of a notification, kept as the event's outcome. */
export type IpnClass = "completed" | "invalid-ipn" | "invalid-data" | "wrong-transaction-id" | "other";
export type IpnResult = { class: IpnClass | "duplicate" | "unavailable" | "deferred"; detail: string };

/**
 * The bounds of an endpoint anyone on the internet can post to. PayPal sends a few messages per payment from a
 * handful of addresses and resends for days when refused, so a per-IP limit costs a genuine message nothing but
 * time; IPN_RATE_LIMIT_PER_MINUTE raises it for a store that takes many payments a minute.
 */
export function ipnLimits(env: Record<string, string | undefined> = process.env) {
  return {
    maxBytes: 20 * 1024, // PayPal's largest messages (many cart items) stay well below this
    perIpPerMinute: Number(env.IPN_RATE_LIMIT_PER_MINUTE || 60),
    retentionDays: Number(env.IPN_RETENTION_DAYS || 30),
  };
}

export type ReceiveResult = { status: 200; messageId: number } | { status: 429; retryAfterSeconds: number };

/**
 * Keeps a message exactly as received in the inbox, unless its sender has posted too many in the last minute
 * (then nothing is stored: PayPal resends a refused message later, so nothing genuine is lost).
 */
export async function receiveIpn(db: Queryable, input: { raw: Buffer; ip: string; now?: Date }, limits = ipnLimits()): Promise<ReceiveResult> {
  const now = input.now ?? new Date();
  const [recent] = await db
    .select({ n: count() })
    .from(ipnMessages)
    .where(and(eq(ipnMessages.ip, input.ip), gte(ipnMessages.receivedAt, new Date(now.getTime() - 60_000))));
  if ((recent?.n ?? 0) >= limits.perIpPerMinute) return { status: 429, retryAfterSeconds: 60 };
  const fields = ipnFields(input.raw);
  const [row] = await db
    .insert(ipnMessages)
    .values({ ip: input.ip, form: input.raw.toString("latin1"), dedupeKey: dedupeKey(fields), receivedAt: now, updatedAt: now })
    .returning({ id: ipnMessages.id });
  return { status: 200, messageId: row!.id };
}

const dedupeKey = (fields: Record<string, string>) => (fields.txn_id ? `${fields.txn_id}:${fields.payment_status ?? ""}` : null);

/**
 * Takes an inbox message to its end. A (txn_id, payment_status) PayPal already verified is a duplicate and is not
 * posted back again; otherwise the message is claimed for validation (one per key at a time), posted back, and:
 * INVALID → kept in the inbox as invalid (pruned later), never acted on; VERIFIED → appended to the permanent
 * payment_events log and applied; no answer → back to received, for reconciliation to retry.
 */
export async function processIpnMessage(deps: IpnDeps, messageId: number): Promise<IpnResult> {
  const [message] = await deps.db.select().from(ipnMessages).where(eq(ipnMessages.id, messageId));
  if (!message) throw new Error(`no IPN message ${messageId}`);
  if (message.state !== "received") return { class: "duplicate", detail: `already ${message.state}` };
  const setState = (state: IpnMessage["state"], extra: Partial<IpnMessage> = {}) =>
    deps.db.update(ipnMessages).set({ state, updatedAt: new Date(), ...extra }).where(eq(ipnMessages.id, messageId));

  if (message.dedupeKey && (await verifiedEventId(deps, message.dedupeKey))) {
    await setState("duplicate");
    return { class: "duplicate", detail: `${message.dedupeKey} was already verified` };
  }
  try {
    const claimed = await deps.db
      .update(ipnMessages)
      .set({ state: "validating", attempts: sql`${ipnMessages.attempts} + 1`, updatedAt: new Date() })
      .where(and(eq(ipnMessages.id, messageId), eq(ipnMessages.state, "received")))
      .returning({ id: ipnMessages.id });
    if (claimed.length === 0) return { class: "duplicate", detail: "taken by another worker" };
  } catch (error) {
    // Another copy of this key is being validated right now; this one waits for reconciliation, which then
    // finds it verified (a duplicate) or not (validates it then) — so a forged copy cannot hide a genuine one.
    if (isUniqueViolation(error, "ipn_messages_validated_once")) return { class: "deferred", detail: `${message.dedupeKey} is being validated` };
    throw error;
  }

  const answer = await deps.validateIpn(Buffer.from(message.form, "latin1"));
  if (answer === "UNAVAILABLE") {
    await setState("received");
    return { class: "unavailable", detail: "PayPal did not answer the validation post-back; will retry" };
  }
  if (answer === "INVALID") {
    await setState("invalid");
    log.warn({ security: "ipn-invalid", messageId, ip: message.ip }, "PayPal answered INVALID for an IPN");
    return { class: "invalid-ipn", detail: "PayPal did not recognise this message" };
  }

  const fields = ipnFields(Buffer.from(message.form, "latin1"));
  const eventId = await deps.db.transaction(async (tx) => {
    const stored = await appendPaymentEvent(tx, {
      provider: deps.provider.name,
      source: "ipn",
      type: fields.payment_status ?? fields.txn_type ?? "unknown",
      dedupeKey: message.dedupeKey,
      raw: { form: message.form, fields },
      headers: { "x-forwarded-for": message.ip },
      verified: true,
    });
    await tx
      .update(ipnMessages)
      .set({ state: stored.duplicate ? "duplicate" : "verified", eventId: stored.duplicate ? null : stored.id, updatedAt: new Date() })
      .where(eq(ipnMessages.id, messageId));
    return stored.duplicate ? null : stored.id;
  });
  if (eventId === null) return { class: "duplicate", detail: `${message.dedupeKey} was already verified` };
  return applyIpnEvent(deps, eventId);
}

async function verifiedEventId(deps: IpnDeps, key: string): Promise<number | null> {
  const [row] = await deps.db
    .select({ id: paymentEvents.id })
    .from(paymentEvents)
    .where(and(eq(paymentEvents.provider, deps.provider.name), eq(paymentEvents.source, "ipn"), eq(paymentEvents.dedupeKey, key)));
  return row?.id ?? null;
}

/**
 * Acts on a VERIFIED message from the permanent log: it must be for our business email, name one of our orders
 * (`custom`), and carry amounts that fit it; it is then a trigger to ask PayPal for the order's truth (the same
 * path as webhooks and reconciliation). Every message ends with a classification.
 */
export async function applyIpnEvent(deps: IpnDeps, eventId: number): Promise<IpnResult> {
  const [event] = await deps.db.select().from(paymentEvents).where(eq(paymentEvents.id, eventId));
  if (!event || event.source !== "ipn") throw new Error(`no IPN event ${eventId}`);
  if (event.processedAt) return { class: "duplicate", detail: "already processed" };
  const { fields } = event.raw as { fields: Record<string, string> };
  const finish = async (result: { class: IpnClass; detail: string }, orderId: string | null = null) => {
    await markProcessed(deps.db, eventId, { outcome: `${result.class}: ${result.detail}`, orderId });
    return result;
  };
  const order = await ourOrder(deps, fields.custom);
  const verdict = await classify(deps, fields, order);
  if (verdict.class === "invalid-data" || verdict.class === "wrong-transaction-id" || !order) return finish(verdict, order?.id ?? null);
  const synced = await syncOrder(deps, order);
  return finish({ class: verdict.class, detail: `${verdict.detail}; ${synced.from} → ${synced.to}` }, order.id);
}

/**
 * The inbox's housekeeping, for reconciliation: messages left `validating` by a crash go back to `received`;
 * messages whose post-back never got an answer are tried again; settled messages older than the retention
 * period are deleted (verified ones live on in payment_events).
 */
export async function sweepIpnInbox(deps: IpnDeps, before: Date, now: Date = new Date(), limits = ipnLimits()) {
  await deps.db
    .update(ipnMessages)
    .set({ state: "received", updatedAt: now })
    .where(and(eq(ipnMessages.state, "validating"), lt(ipnMessages.updatedAt, before)));
  const waiting = await deps.db
    .select({ id: ipnMessages.id })
    .from(ipnMessages)
    .where(and(eq(ipnMessages.state, "received"), lt(ipnMessages.receivedAt, before)))
    .orderBy(ipnMessages.id)
    .limit(500);
  const results: IpnResult[] = [];
  for (const { id } of waiting) results.push(await processIpnMessage(deps, id));
  const pruned = await deps.db
    .delete(ipnMessages)
    .where(
      and(
        inArray(ipnMessages.state, ["verified", "invalid", "duplicate"]),
        lt(ipnMessages.receivedAt, new Date(now.getTime() - limits.retentionDays * 86_400_000)),
      ),
    )
    .returning({ id: ipnMessages.id });
  return { retried: results, pruned: pruned.length };
}

async function ourOrder(deps: IpnDeps, custom: string | undefined): Promise<Order | null> {
  if (!custom || !isUuid(custom)) return null;
  const [order] = await deps.db.select().from(orders).where(eq(orders.id, custom));
  return order ?? null;
}

async function classify(deps: IpnDeps, fields: Record<string, string>, order: Order | null): Promise<{ class: IpnClass; detail: string }> {
  const receiver = (fields.receiver_email ?? fields.business ?? "").toLowerCase();
  if (!deps.businessEmail || receiver !== deps.businessEmail.toLowerCase()) {
    return { class: "invalid-data", detail: `receiver ${receiver || "(none)"} is not our PayPal account` };
  }
  if (!order) return { class: "wrong-transaction-id", detail: `custom ${fields.custom ?? "(none)"} names no order of ours` };
  if (fields.mc_currency !== order.currency) return { class: "invalid-data", detail: `currency ${fields.mc_currency} differs from the order's ${order.currency}` };
  let gross: number;
  try {
    gross = parseDecimal(fields.mc_gross ?? "", order.currency).minor;
  } catch {
    return { class: "invalid-data", detail: `mc_gross "${fields.mc_gross}" is not an amount` };
  }
  const status = fields.payment_status ?? "";
  if (status === "Completed") {
    if (gross !== order.totalMinor) return { class: "invalid-data", detail: `mc_gross ${fields.mc_gross} differs from the order total` };
    return { class: "completed", detail: `txn ${fields.txn_id}` };
  }
  if (fields.parent_txn_id) {
    const [payment] = await deps.db.select().from(payments).where(and(eq(payments.orderId, order.id), eq(payments.providerCaptureId, fields.parent_txn_id)));
    const [other] = payment ? [payment] : await deps.db.select().from(payments).where(eq(payments.orderId, order.id));
    if (other && !payment) return { class: "wrong-transaction-id", detail: `parent_txn_id ${fields.parent_txn_id} is not this order's capture` };
    if (-gross > order.totalMinor) return { class: "invalid-data", detail: `refund of ${fields.mc_gross} exceeds the order total` };
  }
  return { class: "other", detail: `payment_status ${status || "(none)"}` };
}
