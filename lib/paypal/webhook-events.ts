/**
 * PayPal's webhook envelope → what the payment domain understands. The envelope is validated here; the
 * resource inside is read with the same schemas as API responses (it is the same resource).
 */
import { z } from "zod";
import { parseDecimal } from "@/lib/money";
import type { Notification } from "@/lib/payments/types";
import { captureToFacts, capturedOrderId, captureFacts, refundFacts } from "./provider";
import { captureSchema, orderSchema, refundSchema } from "./schemas";

export const webhookEnvelopeSchema = z.looseObject({
  id: z.string().min(1).max(128),
  event_type: z.string().min(1).max(128),
  resource_type: z.string().optional(),
  resource: z.looseObject({}),
});
export type WebhookEnvelope = z.infer<typeof webhookEnvelopeSchema>;

const CAPTURE_EVENTS = new Set(["PAYMENT.CAPTURE.COMPLETED", "PAYMENT.CAPTURE.PENDING", "PAYMENT.CAPTURE.DENIED", "PAYMENT.CAPTURE.DECLINED"]);

/** Transmission headers kept with the event, signature included, so it can be verified again later. */
export const KEPT_HEADERS = [
  "paypal-transmission-id",
  "paypal-transmission-time",
  "paypal-transmission-sig",
  "paypal-cert-url",
  "paypal-auth-algo",
  "paypal-auth-version",
  "correlation-id",
];

export function interpretWebhook(event: WebhookEnvelope): Notification {
  const type = event.event_type;
  if (type === "CHECKOUT.ORDER.APPROVED" || type === "CHECKOUT.ORDER.COMPLETED") {
    const order = orderSchema.safeParse(event.resource);
    if (!order.success) return { kind: "ignored", reason: "unreadable order resource" };
    const facts = captureFacts(order.data);
    return facts ? { kind: "capture", facts } : { kind: "approved", providerOrderId: order.data.id };
  }
  if (CAPTURE_EVENTS.has(type)) {
    const capture = captureSchema.safeParse(event.resource);
    if (!capture.success) return { kind: "ignored", reason: "unreadable capture resource" };
    const providerOrderId = capturedOrderId(capture.data);
    if (!providerOrderId) return { kind: "ignored", reason: "capture names no order" };
    return { kind: "capture", facts: captureToFacts(capture.data, providerOrderId, null) };
  }
  if (type === "PAYMENT.CAPTURE.REFUNDED" || type === "PAYMENT.CAPTURE.REVERSED") {
    const refund = refundSchema.safeParse(event.resource);
    const facts = refund.success ? refundFacts(refund.data) : null;
    if (facts) return { kind: "refund", facts, reversal: type === "PAYMENT.CAPTURE.REVERSED" };
    // PayPal documents no fixed shape for reversals; a capture-shaped resource still names the capture.
    const capture = captureSchema.safeParse(event.resource);
    if (capture.success) return { kind: "resync", captureId: capture.data.id };
    return { kind: "ignored", reason: "unreadable refund resource" };
  }
  if (type.startsWith("BILLING.SUBSCRIPTION.")) {
    const subscription = z.looseObject({ id: z.string().min(1) }).safeParse(event.resource);
    return subscription.success ? { kind: "subscription", providerSubscriptionId: subscription.data.id, providerPaymentId: null, refunded: null } : { kind: "ignored", reason: "unreadable subscription resource" };
  }
  if (SALE_EVENTS.has(type)) {
    // v1 resources: a sale (`id`), or for REFUNDED the refund (`sale_id`, `amount{total,currency}`).
    const sale = saleEventSchema.safeParse(event.resource);
    if (!sale.success) return { kind: "ignored", reason: "unreadable sale resource" };
    const refunded = type === "PAYMENT.SALE.REFUNDED" && sale.data.amount ? parseDecimal(sale.data.amount.total, sale.data.amount.currency) : null;
    return {
      kind: "subscription",
      providerSubscriptionId: sale.data.billing_agreement_id ?? null,
      providerPaymentId: type === "PAYMENT.SALE.REFUNDED" ? (sale.data.sale_id ?? null) : sale.data.id,
      refunded,
    };
  }
  return { kind: "ignored", reason: `unhandled event type ${type}` };
}

const SALE_EVENTS = new Set(["PAYMENT.SALE.COMPLETED", "PAYMENT.SALE.REFUNDED", "PAYMENT.SALE.REVERSED", "PAYMENT.SALE.DENIED"]);
const saleEventSchema = z.looseObject({
  id: z.string().min(1),
  sale_id: z.string().optional(),
  billing_agreement_id: z.string().optional(),
  amount: z.looseObject({ total: z.string(), currency: z.string() }).optional(),
});
