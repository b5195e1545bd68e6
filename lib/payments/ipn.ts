import "server-only";
import { and, eq } from "drizzle-orm";
import { orders, paymentEvents, payments, type Order } from "@/db/schema";
import { log } from "@/lib/log";
import { parseDecimal } from "@/lib/money";
import { ipnFields, type IpnAnswer } from "@/lib/paypal/ipn";
import type { CheckoutDeps } from "./checkout";
import { appendPaymentEvent } from "./events";
import { syncOrder } from "./sync";

export type IpnDeps = CheckoutDeps & { validateIpn(raw: Buffer): Promise<IpnAnswer>; businessEmail: string | undefined };

/** eFront's classification of a notification, kept as the event's outcome. */
export type IpnClass = "completed" | "invalid-ipn" | "invalid-data" | "wrong-transaction-id" | "other";

/** Stores the message exactly as received (bytes kept as latin1 text), before anything else happens. */
export async function recordIpn(deps: Pick<CheckoutDeps, "db">, raw: Buffer): Promise<number> {
  const fields = ipnFields(raw);
  const stored = await appendPaymentEvent(deps.db, {
    provider: "paypal",
    source: "ipn",
    type: fields.payment_status ?? fields.txn_type ?? "unknown",
    raw: { form: raw.toString("latin1"), fields },
  });
  return stored.id;
}

/**
 * Validates a stored IPN with PayPal and acts only on VERIFIED: the message must be for our business email,
 * name one of our orders (`custom`), and carry amounts that fit it; it is then a trigger to ask PayPal for the
 * order's truth (the same path as webhooks and reconciliation). Duplicates (same txn_id + payment_status)
 * do nothing. Every message ends with a classification.
 */
export async function processIpn(deps: IpnDeps, eventId: number): Promise<{ class: IpnClass | "duplicate" | "unavailable"; detail: string }> {
  const [event] = await deps.db.select().from(paymentEvents).where(eq(paymentEvents.id, eventId));
  if (!event || event.source !== "ipn") throw new Error(`no IPN event ${eventId}`);
  if (event.processedAt) return { class: "duplicate", detail: "already processed" };
  const { form, fields } = event.raw as { form: string; fields: Record<string, string> };

  const answer = await deps.validateIpn(Buffer.from(form, "latin1"));
  if (answer === "UNAVAILABLE") return { class: "unavailable", detail: "PayPal did not answer the validation post-back; will retry" };
  const finish = async (result: { class: IpnClass | "duplicate"; detail: string }, orderId: string | null = null) => {
    await deps.db.update(paymentEvents).set({ processedAt: new Date(), outcome: `${result.class}: ${result.detail}`, orderId }).where(eq(paymentEvents.id, eventId));
    return result;
  };
  if (answer === "INVALID") {
    await deps.db.update(paymentEvents).set({ verified: false }).where(eq(paymentEvents.id, eventId));
    log.warn({ security: "ipn-invalid", eventId }, "PayPal answered INVALID for an IPN");
    return finish({ class: "invalid-ipn", detail: "PayPal did not recognise this message" });
  }

  const dedupeKey = `${fields.txn_id ?? "?"}:${fields.payment_status ?? "?"}`;
  try {
    await deps.db.update(paymentEvents).set({ verified: true, dedupeKey }).where(eq(paymentEvents.id, eventId));
  } catch {
    return finish({ class: "duplicate", detail: `${dedupeKey} was already received` });
  }

  const order = await ourOrder(deps, fields.custom);
  const verdict = await classify(deps, fields, order);
  if (verdict.class === "invalid-data" || verdict.class === "wrong-transaction-id" || !order) return finish(verdict, order?.id ?? null);
  const synced = await syncOrder(deps, order);
  return finish({ class: verdict.class, detail: `${verdict.detail}; ${synced.from} → ${synced.to}` }, order.id);
}

async function ourOrder(deps: IpnDeps, custom: string | undefined): Promise<Order | null> {
  if (!custom || !/^[0-9a-f-]{36}$/i.test(custom)) return null;
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
