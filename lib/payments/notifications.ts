import "server-only";
import { and, eq } from "drizzle-orm";
import { orders, paymentEvents } from "@/db/schema";
import { log } from "@/lib/log";
import type { Verification } from "@/lib/paypal/webhook-signature";
import { interpretWebhook, webhookEnvelopeSchema, type Notification } from "@/lib/paypal/webhook-events";
import { captureOrder, type CheckoutDeps } from "./checkout";
import { appendPaymentEvent } from "./events";
import { fulfil } from "./fulfil";
import { applyRefund } from "./refunds";
import { syncOrder } from "./sync";

export type NotificationDeps = CheckoutDeps & {
  verifyWebhook(headers: Headers, rawBody: Buffer): Promise<Verification>;
};

export type WebhookResponse = { status: number; body: { ok: boolean; outcome?: string; error?: string } };

/** Transmission headers kept with the event, signature included, so it can be verified again later. */
const KEPT_HEADERS = [
  "paypal-transmission-id",
  "paypal-transmission-time",
  "paypal-transmission-sig",
  "paypal-cert-url",
  "paypal-auth-algo",
  "paypal-auth-version",
  "correlation-id",
];

/**
 * POST /api/paypal/webhook. Verify the signature over the raw bytes (a forgery changes nothing but a
 * security log line); append the event raw, unique on PayPal's event id (a duplicate answers 200 and does
 * nothing); apply it; record the outcome. A failure while applying answers 500 so PayPal delivers it again.
 */
export async function receiveWebhook(deps: NotificationDeps, headers: Headers, rawBody: Buffer): Promise<WebhookResponse> {
  const verification = await deps.verifyWebhook(headers, rawBody);
  if (!verification.ok) {
    log.warn({ security: "webhook-rejected", reason: verification.reason, transmissionId: headers.get("paypal-transmission-id") }, "rejected a webhook that did not verify");
    return { status: 400, body: { ok: false, error: "invalid signature" } };
  }

  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString("utf8"));
  } catch {
    return { status: 400, body: { ok: false, error: "malformed JSON" } };
  }
  const envelope = webhookEnvelopeSchema.safeParse(json);
  if (!envelope.success) return { status: 400, body: { ok: false, error: "not a PayPal event" } };
  const event = envelope.data;

  const stored = await appendPaymentEvent(deps.db, {
    provider: "paypal",
    source: "webhook",
    type: event.event_type,
    dedupeKey: event.id,
    raw: event,
    headers: Object.fromEntries(KEPT_HEADERS.flatMap((name) => (headers.has(name) ? [[name, headers.get(name)]] : []))),
    verified: true,
  });
  let eventRowId = stored.id;
  if (stored.duplicate) {
    const [previous] = await deps.db
      .select({ id: paymentEvents.id, processedAt: paymentEvents.processedAt })
      .from(paymentEvents)
      .where(and(eq(paymentEvents.provider, "paypal"), eq(paymentEvents.source, "webhook"), eq(paymentEvents.dedupeKey, event.id)));
    if (previous?.processedAt) return { status: 200, body: { ok: true, outcome: "duplicate" } };
    eventRowId = previous!.id; // delivered before but never finished: finish it now
  }

  try {
    const { outcome, orderId } = await applyNotification(deps, interpretWebhook(event));
    await deps.db.update(paymentEvents).set({ processedAt: new Date(), outcome, orderId }).where(eq(paymentEvents.id, eventRowId));
    return { status: 200, body: { ok: true, outcome } };
  } catch (error) {
    log.error({ err: error, eventId: event.id, type: event.event_type }, "webhook could not be applied; PayPal will deliver it again");
    return { status: 500, body: { ok: false, error: "not applied yet" } };
  }
}

export type Applied = { outcome: string; orderId: string | null };

/**
 * One notification, whatever carried it. Applied directly when it fits our state; when it does not (late,
 * duplicated, out of order), the provider is asked for the truth about the order instead of guessing.
 */
export async function applyNotification(deps: CheckoutDeps, notification: Notification): Promise<Applied> {
  switch (notification.kind) {
    case "ignored":
      return { outcome: `ignored: ${notification.reason}`, orderId: null };

    case "approved": {
      const order = await orderByProviderId(deps, notification.providerOrderId);
      if (!order) return { outcome: "ignored: unknown order", orderId: null };
      if (order.status !== "created" && order.status !== "approved") return { outcome: `ignored: order already ${order.status}`, orderId: order.id };
      const captured = await captureOrder(deps, order);
      return { outcome: captured.ok ? `captured (${captured.status})` : `capture refused: ${captured.message}`, orderId: order.id };
    }

    case "capture": {
      const applied = await fulfil(deps.db, notification.facts);
      if (applied.outcome === "applied" || applied.outcome === "unchanged" || applied.outcome === "mismatch") {
        return { outcome: applied.outcome === "applied" ? `${applied.from} → ${applied.to}` : applied.outcome, orderId: applied.orderId };
      }
      return resync(deps, await orderByProviderId(deps, notification.facts.providerOrderId));
    }

    case "refund": {
      const applied = await applyRefund(deps.db, notification.facts, { reversal: notification.reversal });
      if (applied.outcome === "conflict") return resync(deps, await orderById(deps, applied.orderId));
      if (applied.outcome !== "unknown_capture") return { outcome: `refund ${applied.outcome}`, orderId: applied.orderId };
      return resync(deps, await orderOfCapture(deps, notification.facts.captureId));
    }

    case "resync":
      return resync(deps, await orderOfCapture(deps, notification.captureId));
  }
}

async function resync(deps: CheckoutDeps, order: Awaited<ReturnType<typeof orderByProviderId>>): Promise<Applied> {
  if (!order) return { outcome: "ignored: unknown order", orderId: null };
  const synced = await syncOrder(deps, order);
  return { outcome: `asked PayPal: ${synced.from} → ${synced.to} (${synced.note})`, orderId: order.id };
}

async function orderById(deps: CheckoutDeps, orderId: string) {
  const [order] = await deps.db.select().from(orders).where(eq(orders.id, orderId));
  return order ?? null;
}

async function orderByProviderId(deps: CheckoutDeps, providerOrderId: string) {
  const [order] = await deps.db
    .select()
    .from(orders)
    .where(and(eq(orders.provider, deps.provider.name), eq(orders.providerOrderId, providerOrderId)));
  return order ?? null;
}

/** A capture we never recorded (its refund arrived first): PayPal tells us which order it belongs to. */
async function orderOfCapture(deps: CheckoutDeps, captureId: string) {
  const capture = await deps.provider.getCapture({ captureId });
  return capture.ok ? orderByProviderId(deps, capture.value.providerOrderId) : null;
}
