import "server-only";
import Stripe from "stripe";
import { fromStripe, toStripe, type Money } from "@/lib/money";
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
import { log } from "@/lib/log";
import type { StripeClient } from "./client";
import { toFailure } from "./errors";

/** How old a webhook's signed timestamp may be before it counts as a replay (Stripe's own default). */
const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * Stripe Checkout behind the payment domain's provider interface. Our "provider order" is the Checkout Session
 * (`cs_…`, it carries our order id as client_reference_id and metadata); the "capture" is its Payment Intent
 * (`pi_…`: what refunds and disputes name). A session is paid on Stripe's hosted page, so "capturing" means asking
 * Stripe whether it was paid — the same question the return URL, webhooks and reconciliation ask.
 */
export class StripeProvider implements PaymentProvider {
  readonly name = "stripe" as const;

  constructor(readonly client: StripeClient) {}

  async createOrder(order: NewProviderOrder): Promise<ProviderResult<{ providerOrderId: string; approvalUrl?: string }>> {
    if (!order.returnUrls) return { ok: false, failure: { kind: "rejected", issue: "return_urls_missing", detail: "Stripe Checkout needs return URLs" } };
    return this.attempt(async () => {
      const session = await this.client.call("checkout.sessions.create", order.orderId, (sdk) =>
        sdk.checkout.sessions.create(
          {
            mode: "payment",
            line_items: order.items.map((item) => {
              const { amount, currency } = toStripe(item.price);
              return { price_data: { currency, unit_amount: amount, product_data: { name: item.title, metadata: { sku: item.sku } } }, quantity: 1 };
            }),
            client_reference_id: order.orderId,
            metadata: { order_id: order.orderId },
            payment_intent_data: { metadata: { order_id: order.orderId } },
            success_url: order.returnUrls!.success,
            cancel_url: order.returnUrls!.cancel,
          },
          { idempotencyKey: order.requestId },
        ),
      );
      return { providerOrderId: session.id, approvalUrl: session.url ?? undefined };
    });
  }

  /** The buyer came back without paying: the session is expired at Stripe, so it can no longer be paid. */
  async abandonOrder(input: { providerOrderId: string; orderId: string }): Promise<void> {
    // A session that is already complete or expired refuses; getOrder then tells the caller the truth.
    await this.attempt(() => this.client.call("checkout.sessions.expire", input.orderId, (sdk) => sdk.checkout.sessions.expire(input.providerOrderId)));
  }

  /**
   * Nothing to capture at Stripe: the hosted page took the money (or not yet). The session says which. Its refunds
   * are not asked for: the capture's facts do not depend on them, and getOrder (reconciliation) reads them — one
   * Stripe call fewer while the buyer waits on the return page.
   */
  async captureOrder(input: { providerOrderId: string; orderId: string; requestId: string }): Promise<ProviderResult<CaptureFacts>> {
    const state = await this.sessionState(input, { refunds: false });
    if (!state.ok) return state;
    if (state.value.capture) return { ok: true, value: state.value.capture };
    return { ok: false, failure: state.value.status === "VOIDED" ? { kind: "not_found" } : { kind: "not_approved" } };
  }

  async getOrder(input: { providerOrderId: string; orderId?: string }): Promise<ProviderResult<ProviderOrderState>> {
    return this.sessionState(input, { refunds: true });
  }

  /** The session's state at Stripe; its refunds only when asked (a call of their own). */
  private async sessionState(input: { providerOrderId: string; orderId?: string }, read: { refunds: boolean }): Promise<ProviderResult<ProviderOrderState>> {
    return this.attempt(async () => {
      const session = await this.client.call("checkout.sessions.retrieve", input.orderId ?? null, (sdk) =>
        sdk.checkout.sessions.retrieve(input.providerOrderId, { expand: ["payment_intent.latest_charge"] }),
      );
      const intent = typeof session.payment_intent === "object" ? session.payment_intent : null;
      let capture = intent ? captureFacts(session, intent) : null;
      const refunds = read.refunds && intent && capture ? await this.refundsOf(intent.id, input.orderId ?? null) : [];
      // A chargeback is part of the truth: disputes not won count as the reversal that ends the order (last).
      const charge = intent && typeof intent.latest_charge === "object" ? intent.latest_charge : null;
      if (capture && charge?.disputed) {
        const disputes = await this.client.call("disputes.list", input.orderId ?? null, (sdk) => sdk.disputes.list({ payment_intent: intent!.id, limit: 10 }));
        const lost = disputes.data.filter((d) => d.status !== "won").map((d) => disputeFacts(d, intent!.id));
        if (lost.length) {
          capture = { ...capture, reason: "CHARGEBACK" };
          refunds.push(...lost);
        }
      }
      const status = session.status === "expired" ? "VOIDED" : session.status === "complete" ? (capture ? "COMPLETED" : "APPROVED") : "CREATED";
      return { providerOrderId: session.id, status, orderId: session.client_reference_id, capture, refunds };
    });
  }

  async getCapture(input: { captureId: string; orderId?: string }): Promise<ProviderResult<CaptureFacts>> {
    const sessions = await this.attempt(() =>
      this.client.call("checkout.sessions.list", input.orderId ?? null, (sdk) => sdk.checkout.sessions.list({ payment_intent: input.captureId, limit: 1 })),
    );
    if (!sessions.ok) return sessions;
    const session = sessions.value.data[0];
    if (!session) return { ok: false, failure: { kind: "not_found" } };
    const state = await this.getOrder({ providerOrderId: session.id, orderId: input.orderId });
    if (!state.ok) return state;
    return state.value.capture ? { ok: true, value: state.value.capture } : { ok: false, failure: { kind: "not_found" } };
  }

  async refundCapture(input: { captureId: string; amount: Money | null; refundId: string; orderId: string; requestId: string; note?: string }): Promise<ProviderResult<RefundFacts>> {
    return this.attempt(async () => {
      const refund = await this.client.call("refunds.create", input.orderId, (sdk) =>
        sdk.refunds.create(
          {
            payment_intent: input.captureId,
            ...(input.amount ? { amount: toStripe(input.amount).amount } : {}),
            metadata: { refund_id: input.refundId, order_id: input.orderId },
          },
          { idempotencyKey: input.requestId },
        ),
      );
      return refundFacts(refund, input.captureId);
    });
  }

  /** A webhook: Stripe's signature over the exact bytes with the endpoint secret, replays past the tolerance refused. */
  async receiveNotification(headers: Headers, raw: Buffer): Promise<ReceivedNotification> {
    const secret = this.client.env.webhookSecret;
    const header = headers.get("stripe-signature");
    if (!secret || !header) {
      log.warn({ security: "webhook-rejected", provider: "stripe", reason: secret ? "no signature" : "no webhook secret configured" }, "rejected a Stripe webhook");
      return { ok: false, error: "invalid signature", forged: true };
    }
    let event: Stripe.Event;
    try {
      event = this.client.sdk.webhooks.constructEvent(raw, header, secret, SIGNATURE_TOLERANCE_SECONDS);
    } catch (error) {
      log.warn({ security: "webhook-rejected", provider: "stripe", reason: (error as Error).message }, "rejected a Stripe webhook that did not verify");
      return { ok: false, error: "invalid signature", forged: true };
    }
    return { ok: true, eventId: event.id, type: event.type, raw: event, headers: { "stripe-signature": header }, notification: this.interpretNotification(event) };
  }

  interpretNotification(raw: unknown): Notification {
    return interpretEvent(raw as Stripe.Event);
  }

  private async refundsOf(paymentIntent: string, orderId: string | null): Promise<RefundFacts[]> {
    const list = await this.client.call("refunds.list", orderId, (sdk) => sdk.refunds.list({ payment_intent: paymentIntent, limit: 100 }));
    return list.data.map((refund) => refundFacts(refund, paymentIntent));
  }

  private async attempt<T>(fn: () => Promise<T>): Promise<ProviderResult<T>> {
    try {
      return { ok: true, value: await fn() };
    } catch (error) {
      return { ok: false, failure: toFailure(error) };
    }
  }
}

const REFUND_STATUS: Record<string, RefundFacts["status"]> = { succeeded: "COMPLETED", pending: "PENDING", requires_action: "PENDING", failed: "FAILED", canceled: "CANCELLED" };

function refundFacts(refund: Stripe.Refund, paymentIntent: string): RefundFacts {
  return {
    provider: "stripe",
    refundId: refund.id,
    captureId: paymentIntent,
    status: REFUND_STATUS[refund.status ?? "pending"] ?? "PENDING",
    amount: fromStripe(refund.amount, refund.currency),
    ourRefundId: refund.metadata?.refund_id ?? null,
    raw: refund,
  };
}

/**
 * What a paid (or paying) session means as a capture: a Payment Intent that succeeded is COMPLETED (or REFUNDED
 * when nothing is left), one still processing (a delayed bank payment) is PENDING, one whose payment failed is
 * FAILED. A session never submitted has no capture.
 */
function captureFacts(session: Stripe.Checkout.Session, intent: Stripe.PaymentIntent): CaptureFacts | null {
  const charge = typeof intent.latest_charge === "object" ? intent.latest_charge : null;
  let status: CaptureFacts["status"];
  if (intent.status === "succeeded") {
    const refunded = charge?.amount_refunded ?? 0;
    status = refunded === 0 ? "COMPLETED" : refunded >= intent.amount ? "REFUNDED" : "PARTIALLY_REFUNDED";
  } else if (intent.status === "processing") {
    status = "PENDING";
  } else if (session.status === "complete" && intent.status === "requires_payment_method") {
    status = "FAILED"; // a delayed payment that failed after the session completed
  } else {
    return null;
  }
  return {
    provider: "stripe",
    providerOrderId: session.id,
    orderId: session.client_reference_id ?? session.metadata?.order_id ?? null,
    captureId: intent.id,
    status,
    reason: status === "PENDING" ? "ASYNC_PAYMENT" : status === "FAILED" ? (intent.last_payment_error?.code ?? "payment_failed") : null,
    gross: fromStripe(intent.amount, intent.currency),
    fee: null,
    net: null,
    raw: intent,
  };
}

/** A dispute as the refund-like reversal it is for the order (the money went back to the buyer's bank). */
function disputeFacts(dispute: Stripe.Dispute, paymentIntent: string): RefundFacts {
  return { provider: "stripe", refundId: dispute.id, captureId: paymentIntent, status: "COMPLETED", amount: fromStripe(dispute.amount, dispute.currency), ourRefundId: null, raw: dispute };
}

const CAPTURE_CHANGES = new Set(["checkout.session.completed", "checkout.session.async_payment_succeeded", "checkout.session.async_payment_failed"]);

/**
 * Stripe's events → what the payment domain applies. Session events carry the session without its Payment Intent
 * expanded, and refund and dispute events carry no session: each of them is a reason to ask Stripe for the order's
 * whole truth (session, intent, refunds), which is what `resync` and `approved` do — never a guess from a partial
 * object. Refunds arrive as refund.* events with the refund itself.
 */
export function interpretEvent(event: Stripe.Event): Notification {
  if (CAPTURE_CHANGES.has(event.type)) {
    const session = event.data.object as Stripe.Checkout.Session;
    return { kind: "sync", providerOrderId: session.id };
  }
  if (event.type === "refund.created" || event.type === "refund.updated") {
    const refund = event.data.object as Stripe.Refund;
    const pi = typeof refund.payment_intent === "string" ? refund.payment_intent : refund.payment_intent?.id;
    return pi ? { kind: "refund", facts: refundFacts(refund, pi), reversal: false } : { kind: "ignored", reason: "refund names no payment" };
  }
  if (event.type === "charge.refunded") {
    const charge = event.data.object as Stripe.Charge;
    const pi = typeof charge.payment_intent === "string" ? charge.payment_intent : charge.payment_intent?.id;
    return pi ? { kind: "resync", captureId: pi } : { kind: "ignored", reason: "charge names no payment" };
  }
  if (event.type === "charge.dispute.created") {
    const dispute = event.data.object as Stripe.Dispute;
    const pi = typeof dispute.payment_intent === "string" ? dispute.payment_intent : dispute.payment_intent?.id;
    if (!pi) return { kind: "ignored", reason: "dispute names no payment" };
    // A chargeback takes the money back like PayPal's reversal: the courses go, the order is flagged.
    return { kind: "refund", reversal: true, facts: disputeFacts(dispute, pi) };
  }
  if (event.type === "charge.dispute.closed") {
    const dispute = event.data.object as Stripe.Dispute;
    return { kind: "ignored", reason: `dispute ${dispute.id} closed: ${dispute.status} (a won dispute returns the money; access stays revoked until an admin decides)` };
  }
  return { kind: "ignored", reason: `unhandled event type ${event.type}` };
}
