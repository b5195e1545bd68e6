import "server-only";
import { fromPayPal, toPayPal, type Money } from "@/lib/money";
import type { CaptureFacts, NewProviderOrder, PaymentProvider, ProviderOrderState, ProviderResult } from "@/lib/payments/types";
import type { PayPalClient } from "./client";
import { PayPalError, toFailure } from "./errors";
import { orderSchema, type PayPalCapture, type PayPalOrder } from "./schemas";

/** PayPal behind the payment domain's provider interface: request bodies out, capture facts in. */
export class PayPalProvider implements PaymentProvider {
  readonly name = "paypal" as const;

  constructor(readonly client: PayPalClient) {}

  async createOrder(order: NewProviderOrder): Promise<ProviderResult<{ providerOrderId: string }>> {
    return this.attempt(async () => {
      const created = await this.client.call({
        operation: "orders.create",
        method: "POST",
        path: "/v2/checkout/orders",
        requestId: order.requestId,
        orderId: order.orderId,
        body: orderRequestBody(order),
        schema: orderSchema,
      });
      return { providerOrderId: created.id };
    });
  }

  async captureOrder(input: { providerOrderId: string; orderId: string; requestId: string }): Promise<ProviderResult<CaptureFacts>> {
    const captured = await this.attempt(() =>
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
    return this.attempt(async () => {
      const order = await this.client.call({
        operation: "orders.get",
        method: "GET",
        path: `/v2/checkout/orders/${encodeURIComponent(input.providerOrderId)}`,
        orderId: input.orderId,
        schema: orderSchema,
      });
      return { providerOrderId: order.id, status: order.status, orderId: order.purchase_units?.[0]?.custom_id ?? null, capture: captureFacts(order) };
    });
  }

  /** PayPal's thrown errors become failure values at this boundary. */
  private async attempt<T>(fn: () => Promise<T>): Promise<ProviderResult<T>> {
    try {
      return { ok: true, value: await fn() };
    } catch (error) {
      if (error instanceof PayPalError) return { ok: false, failure: toFailure(error) };
      throw error;
    }
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
          sku: item.courseId,
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
