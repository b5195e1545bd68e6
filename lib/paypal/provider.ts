import "server-only";
import { fromPayPal, toPayPal, type Money } from "@/lib/money";
import { log } from "@/lib/log";
import type {
  CaptureFacts,
  NewProviderOrder,
  Notification,
  PaymentProvider,
  ProviderOrderState,
  ProviderResult,
  ReceivedNotification,
  RefundFacts,
} from "@/lib/payments/types";
import type { PayPalClient } from "./client";
import { attempt } from "./errors";
import { captureSchema, orderSchema, refundSchema, type PayPalCapture, type PayPalOrder, type PayPalRefund } from "./schemas";
import { interpretWebhook, KEPT_HEADERS, webhookEnvelopeSchema } from "./webhook-events";
import { WebhookVerifier } from "./webhook-signature";

/** PayPal behind the payment domain's provider interface: request bodies out, capture facts in. */
export class PayPalProvider implements PaymentProvider {
  readonly name = "paypal" as const;

  private readonly verifier: WebhookVerifier;

  constructor(readonly client: PayPalClient) {
    this.verifier = new WebhookVerifier(client.env, client);
  }

  /** A webhook: PayPal's signature over the exact bytes (a forgery is a security log line), then its envelope. */
  async receiveNotification(headers: Headers, raw: Buffer): Promise<ReceivedNotification> {
    const verification = await this.verifier.verify(headers, raw);
    if (!verification.ok) {
      log.warn({ security: "webhook-rejected", reason: verification.reason, transmissionId: headers.get("paypal-transmission-id") }, "rejected a webhook that did not verify");
      return { ok: false, error: "invalid signature", forged: true };
    }
    let json: unknown;
    try {
      json = JSON.parse(raw.toString("utf8"));
    } catch {
      return { ok: false, error: "malformed JSON", forged: false };
    }
    const envelope = webhookEnvelopeSchema.safeParse(json);
    if (!envelope.success) return { ok: false, error: "not a PayPal event", forged: false };
    const event = envelope.data;
    return {
      ok: true,
      eventId: event.id,
      type: event.event_type,
      raw: event,
      headers: Object.fromEntries(KEPT_HEADERS.flatMap((name) => (headers.has(name) ? [[name, headers.get(name)!]] : []))),
      notification: interpretWebhook(event),
    };
  }

  interpretNotification(raw: unknown): Notification {
    return interpretWebhook(webhookEnvelopeSchema.parse(raw));
  }

  /**
   * With `returnUrls` (the redirect flow: popups blocked, or the buyer prefers PayPal's own site) the order carries
   * them in its experience context, and PayPal answers with the `payer-action` link the buyer is sent to.
   */
  async createOrder(order: NewProviderOrder): Promise<ProviderResult<{ providerOrderId: string; approvalUrl?: string }>> {
    return attempt(async () => {
      const created = await this.client.call({
        operation: "orders.create",
        method: "POST",
        path: "/v2/checkout/orders",
        requestId: order.requestId,
        orderId: order.orderId,
        body: orderRequestBody(order),
        schema: orderSchema,
      });
      const approvalUrl = order.returnUrls ? created.links?.find((l) => l.rel === "payer-action" || l.rel === "approve")?.href : undefined;
      return { providerOrderId: created.id, ...(approvalUrl ? { approvalUrl } : {}) };
    });
  }

  async captureOrder(input: { providerOrderId: string; orderId: string; requestId: string }): Promise<ProviderResult<CaptureFacts>> {
    const captured = await attempt(() =>
      this.client.call({
        operation: "orders.capture",
        method: "POST",
        path: `/v2/checkout/orders/${encodeURIComponent(input.providerOrderId)}/capture`,
        requestId: input.requestId,
        orderId: input.orderId,
        body: {},
        schema: orderSchema,
      }),
    );
    if (!captured.ok) {
      // Someone captured it first (another tab, another instance, a webhook): read the capture that exists.
      if (captured.failure.kind === "rejected" && captured.failure.issue === "ORDER_ALREADY_CAPTURED") {
        const state = await this.getOrder(input);
        if (!state.ok) return state;
        if (state.value.capture) return { ok: true, value: state.value.capture };
        return { ok: false, failure: { kind: "unavailable", detail: "PayPal reports the order captured but shows no capture yet" } };
      }
      return captured;
    }
    const facts = captureFacts(captured.value);
    if (!facts) return { ok: false, failure: { kind: "unavailable", detail: "PayPal's capture response holds no capture" } };
    return { ok: true, value: facts };
  }

  async getOrder(input: { providerOrderId: string; orderId?: string }): Promise<ProviderResult<ProviderOrderState>> {
    return attempt(async () => {
      const order = await this.client.call({
        operation: "orders.get",
        method: "GET",
        path: `/v2/checkout/orders/${encodeURIComponent(input.providerOrderId)}`,
        orderId: input.orderId,
        schema: orderSchema,
      });
      const unit = order.purchase_units?.[0];
      return {
        providerOrderId: order.id,
        status: order.status,
        orderId: unit?.custom_id ?? null,
        capture: captureFacts(order),
        refunds: (unit?.payments?.refunds ?? []).map(refundFacts).filter((r): r is RefundFacts => r !== null),
      };
    });
  }

  async getCapture(input: { captureId: string; orderId?: string }): Promise<ProviderResult<CaptureFacts>> {
    const result = await attempt(() =>
      this.client.call({
        operation: "captures.get",
        method: "GET",
        path: `/v2/payments/captures/${encodeURIComponent(input.captureId)}`,
        orderId: input.orderId,
        schema: captureSchema,
      }),
    );
    if (!result.ok) return result;
    const providerOrderId = capturedOrderId(result.value);
    if (!providerOrderId) return { ok: false, failure: { kind: "unavailable", detail: "The capture names no order" } };
    return { ok: true, value: captureToFacts(result.value, providerOrderId, null) };
  }

  async refundCapture(input: { captureId: string; amount: Money | null; refundId: string; orderId: string; requestId: string; note?: string }): Promise<ProviderResult<RefundFacts>> {
    const result = await attempt(() =>
      this.client.call({
        operation: "captures.refund",
        method: "POST",
        path: `/v2/payments/captures/${encodeURIComponent(input.captureId)}/refund`,
        requestId: input.requestId,
        orderId: input.orderId,
        body: {
          ...(input.amount ? { amount: toPayPal(input.amount) } : {}),
          custom_id: input.refundId,
          ...(input.note ? { note_to_payer: truncate(input.note, 255) } : {}),
        },
        schema: refundSchema,
      }),
    );
    if (!result.ok) return result;
    const facts = refundFacts(result.value) ?? { ...refundToFacts(result.value), captureId: input.captureId };
    return { ok: true, value: facts };
  }
}

/** Orders v2 create body: items with sku = course id, digital goods, no shipping, our order id as custom_id. */
export function orderRequestBody(order: NewProviderOrder) {
  return {
    intent: "CAPTURE",
    purchase_units: [
      {
        reference_id: "default",
        custom_id: order.orderId,
        invoice_id: order.orderId,
        description: truncate(order.items.length === 1 ? order.items[0]!.title : `${order.items.length} courses`, 127),
        amount: { ...toPayPal(order.total), breakdown: { item_total: toPayPal(order.total) } },
        items: order.items.map((item) => ({
          name: truncate(item.title, 127),
          sku: truncate(item.sku, 127),
          quantity: "1",
          category: "DIGITAL_GOODS",
          unit_amount: toPayPal(item.price),
        })),
      },
    ],
    payment_source: {
      paypal: {
        experience_context: {
          brand_name: "Coursepay",
          shipping_preference: "NO_SHIPPING",
          user_action: "PAY_NOW",
          // Courses are delivered at once: refuse funding that settles days later (eChecks) where PayPal can.
          payment_method_preference: "IMMEDIATE_PAYMENT_REQUIRED",
          ...(order.returnUrls ? { return_url: order.returnUrls.success, cancel_url: order.returnUrls.cancel } : {}),
        },
      },
    },
  };
}

function truncate(text: string, max: number) {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The capture inside an order (PayPal intent=CAPTURE orders hold at most one). */
export function captureFacts(order: PayPalOrder): CaptureFacts | null {
  const unit = order.purchase_units?.[0];
  const capture = unit?.payments?.captures?.[0];
  if (!capture) return null;
  return captureToFacts(capture, order.id, unit?.custom_id ?? null);
}

export function captureToFacts(capture: PayPalCapture, providerOrderId: string, orderId: string | null): CaptureFacts {
  const breakdown = capture.seller_receivable_breakdown;
  const optional = (m?: { currency_code: string; value: string }): Money | null => (m ? fromPayPal(m) : null);
  return {
    provider: "paypal",
    providerOrderId,
    orderId: capture.custom_id ?? orderId,
    captureId: capture.id,
    status: capture.status,
    reason: capture.status_details?.reason ?? null,
    gross: fromPayPal(breakdown?.gross_amount ?? capture.amount),
    fee: optional(breakdown?.paypal_fee),
    net: optional(breakdown?.net_amount),
    raw: capture,
  };
}

/** The capture a refund belongs to is only named by its `up` link (…/v2/payments/captures/{id}). */
export function refundedCaptureId(refund: Pick<PayPalRefund, "links">): string | null {
  const up = refund.links?.find((l) => l.rel === "up")?.href;
  return up ? (/\/v2\/payments\/captures\/([A-Z0-9]+)/.exec(up)?.[1] ?? null) : null;
}

/** The order a standalone capture belongs to: supplementary data, else its `up` link. */
export function capturedOrderId(capture: PayPalCapture): string | null {
  const related = capture.supplementary_data?.related_ids?.order_id;
  if (related) return related;
  const up = capture.links?.find((l) => l.rel === "up")?.href;
  return up ? (/\/v2\/checkout\/orders\/([A-Z0-9]+)/.exec(up)?.[1] ?? null) : null;
}

function refundToFacts(refund: PayPalRefund): Omit<RefundFacts, "captureId"> {
  return {
    provider: "paypal",
    refundId: refund.id,
    status: refund.status,
    amount: fromPayPal(refund.amount),
    ourRefundId: refund.custom_id ?? null,
    raw: refund,
  };
}

export function refundFacts(refund: PayPalRefund): RefundFacts | null {
  const captureId = refundedCaptureId(refund);
  return captureId ? { ...refundToFacts(refund), captureId } : null;
}
