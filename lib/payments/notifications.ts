import "server-only";
import { and, eq } from "drizzle-orm";
import { paymentEvents, type Order } from "@/db/schema";
import { log } from "@/lib/log";
import { captureOrder, type CheckoutDeps } from "./checkout";
import { appendPaymentEvent, markProcessed } from "./events";
import { fulfil } from "./fulfil";
import { applyRefund } from "./refunds";
import { orderById, orderByProviderId } from "./orders";
import { PROVIDER_LABEL } from "./providers";
import { syncOrder } from "./sync";
import { applySubscriptionNotification } from "@/lib/subscriptions/notifications";
import type { SubscriptionProvider } from "@/lib/subscriptions/types";
import type { Notification } from "./types";

/** `subscriptions`: the provider's subscription services, where it offers subscriptions (PayPal). */
export type NotificationDeps = CheckoutDeps & { subscriptions?: SubscriptionProvider };

export type WebhookResponse = { status: number; body: { ok: boolean; outcome?: string; error?: string } };

/**
 * A provider's webhook (POST /api/paypal/webhook, and each provider's own route). The provider verifies it over
 * the raw bytes (a forgery changes nothing but a security log line) and reads it; the event is appended raw,
 * unique on the provider's event id (a duplicate answers 200 and does nothing), applied, and its outcome
 * recorded. A failure while applying answers 500 so the provider delivers it again.
 */
export async function receiveWebhook(deps: NotificationDeps, headers: Headers, rawBody: Buffer): Promise<WebhookResponse> {
  const received = await deps.provider.receiveNotification(headers, rawBody);
  if (!received.ok) return { status: 400, body: { ok: false, error: received.error } };
  const provider = deps.provider.name;

  const stored = await appendPaymentEvent(deps.db, {
    provider,
    source: "webhook",
    type: received.type,
    dedupeKey: received.eventId,
    raw: received.raw,
    headers: received.headers,
    verified: true,
  });
  let eventRowId = stored.id;
  if (stored.duplicate) {
    const [previous] = await deps.db
      .select({ id: paymentEvents.id, processedAt: paymentEvents.processedAt })
      .from(paymentEvents)
      .where(and(eq(paymentEvents.provider, provider), eq(paymentEvents.source, "webhook"), eq(paymentEvents.dedupeKey, received.eventId)));
    if (previous?.processedAt) return { status: 200, body: { ok: true, outcome: "duplicate" } };
    eventRowId = previous!.id; // delivered before but never finished: finish it now
  }

  try {
    const { outcome, orderId, subscriptionId } = await applyNotification(deps, received.notification);
    await markProcessed(deps.db, eventRowId, { outcome, orderId, subscriptionId });
    return { status: 200, body: { ok: true, outcome } };
  } catch (error) {
    log.error({ err: error, eventId: received.eventId, type: received.type, provider }, "webhook could not be applied; the provider will deliver it again");
    return { status: 500, body: { ok: false, error: "not applied yet" } };
  }
}

export type Applied = { outcome: string; orderId: string | null; subscriptionId?: string | null };

/**
 * One notification, whatever carried it. Applied directly when it fits our state; when it does not (late,
 * duplicated, out of order), the provider is asked for the truth about the order instead of guessing.
 */
export async function applyNotification(deps: NotificationDeps, notification: Notification): Promise<Applied> {
  switch (notification.kind) {
    case "ignored":
      return { outcome: `ignored: ${notification.reason}`, orderId: null };

    case "approved": {
      const order = await orderByProviderId(deps.db, deps.provider.name, notification.providerOrderId);
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
      return resync(deps, await orderByProviderId(deps.db, deps.provider.name, notification.facts.providerOrderId));
    }

    case "refund": {
      const applied = await applyRefund(deps.db, notification.facts, { reversal: notification.reversal });
      if (applied.outcome === "conflict") return resync(deps, await orderById(deps.db, applied.orderId));
      if (applied.outcome !== "unknown_capture") return { outcome: `refund ${applied.outcome}`, orderId: applied.orderId };
      return resync(deps, await orderOfCapture(deps, notification.facts.captureId));
    }

    case "resync":
      return resync(deps, await orderOfCapture(deps, notification.captureId));

    case "sync":
      return resync(deps, await orderByProviderId(deps.db, deps.provider.name, notification.providerOrderId));

    case "subscription": {
      if (!deps.subscriptions) return { outcome: "ignored: this provider sells no subscriptions here", orderId: null };
      const applied = await applySubscriptionNotification({ db: deps.db, subscriptions: deps.subscriptions }, notification);
      return { ...applied, orderId: null };
    }
  }
}

async function resync(deps: CheckoutDeps, order: Order | null): Promise<Applied> {
  if (!order) return { outcome: "ignored: unknown order", orderId: null };
  const synced = await syncOrder(deps, order);
  return { outcome: `asked ${PROVIDER_LABEL[deps.provider.name]}: ${synced.from} → ${synced.to} (${synced.note})`, orderId: order.id };
}

/** A capture we never recorded (its refund arrived first): the provider tells us which order it belongs to. */
async function orderOfCapture(deps: CheckoutDeps, captureId: string) {
  const capture = await deps.provider.getCapture({ captureId });
  return capture.ok ? orderByProviderId(deps.db, deps.provider.name, capture.value.providerOrderId) : null;
}
