/**
 * What the payment domain knows about a provider, independent of PayPal's shapes. A provider adapter
 * (lib/paypal/provider.ts) translates its API into these facts; checkout, notifications and reconciliation
 * work only with them — which is what lets a second provider slot in behind the same interface.
 */
import type { paymentProvider } from "@/db/schema";
import type { Money } from "@/lib/money";

/** The providers the database knows (its enum is the one list). */
export type ProviderName = (typeof paymentProvider.enumValues)[number];

/** The provider's view of one capture (money moved, or pending, or refused). */
export type CaptureFacts = {
  provider: ProviderName;
  providerOrderId: string;
  /** Our order id as echoed back by the provider (custom_id), when present. */
  orderId: string | null;
  captureId: string;
  status: "COMPLETED" | "PENDING" | "DECLINED" | "FAILED" | "PARTIALLY_REFUNDED" | "REFUNDED";
  /** Why it is pending/declined (ECHECK, PENDING_REVIEW…), or CHARGEBACK on a reversal. */
  reason: string | null;
  gross: Money;
  fee: Money | null;
  net: Money | null;
  raw: unknown;
};

/** One refund (or chargeback reversal) of a capture, as the provider reports it. */
export type RefundFacts = {
  provider: ProviderName;
  refundId: string;
  captureId: string;
  status: "COMPLETED" | "PENDING" | "FAILED" | "CANCELLED";
  amount: Money;
  /** Our refund row id, when we asked for the refund (sent as custom_id). */
  ourRefundId: string | null;
  raw: unknown;
};

/** The provider's whole truth about an order: its status, its capture and every refund of it. */
export type ProviderOrderState = {
  providerOrderId: string;
  status: "CREATED" | "SAVED" | "APPROVED" | "VOIDED" | "COMPLETED" | "PAYER_ACTION_REQUIRED";
  orderId: string | null;
  capture: CaptureFacts | null;
  refunds: RefundFacts[];
};

export type ProviderFailure =
  /** The buyer's funding source was refused; they can choose another one and approve again. */
  | { kind: "declined" }
  | { kind: "not_approved" }
  /** Unknown or expired at the provider. */
  | { kind: "not_found" }
  /** Network trouble or provider errors after all retries: the outcome is unknown, ask again later. */
  | { kind: "unavailable"; detail: string }
  /** Any other refusal, with the provider's machine-readable reason. */
  | { kind: "rejected"; issue: string; detail: string };

export type ProviderResult<T> = { ok: true; value: T } | { ok: false; failure: ProviderFailure };

export type NewProviderOrder = {
  orderId: string;
  total: Money;
  /** `sku`: the course id, or for an LMS class its order item's external reference. */
  items: { sku: string; title: string; price: Money }[];
  /** Idempotency key: the same key never creates a second provider order. */
  requestId: string;
  /** Where the provider's own page sends the buyer back (providers that take the payment on their site). */
  returnUrls?: { success: string; cancel: string };
};

/** What a provider notification means to the payment domain, whatever its shape at the provider. */
export type Notification =
  /** The buyer approved; capture it if nobody did. */
  | { kind: "approved"; providerOrderId: string }
  | { kind: "capture"; facts: CaptureFacts }
  | { kind: "refund"; facts: RefundFacts; reversal: boolean }
  /** Something changed on a capture in a shape we do not apply directly: ask the provider for the order's truth. */
  | { kind: "resync"; captureId: string }
  /** Something changed on a provider order: ask the provider for its whole truth (Stripe's session events). */
  | { kind: "sync"; providerOrderId: string }
  /**
   * Something changed on a subscription or one of its payments (named by the subscription, or by the payment only):
   * ask the provider for the subscription's truth. A refund's amount is kept for the payment it refunds.
   */
  | { kind: "subscription"; providerSubscriptionId: string | null; providerPaymentId: string | null; refunded: Money | null }
  | { kind: "ignored"; reason: string };

/** A raw notification after the provider verified and read it. */
export type ReceivedNotification =
  /** Not genuine (signature, replay) or not readable: refused, nothing stored. `forged` marks a security event. */
  | { ok: false; error: string; forged: boolean }
  | {
      ok: true;
      /** The provider's event id: what deduplicates deliveries. */
      eventId: string;
      type: string;
      /** The payload as the provider sent it, stored before anything acts on it. */
      raw: unknown;
      /** Delivery headers worth keeping (signatures included, never credentials). */
      headers: Record<string, string>;
      notification: Notification;
    };

export interface PaymentProvider {
  readonly name: ProviderName;
  /** `approvalUrl`: the provider's page the buyer is sent to, for providers without in-page buttons. */
  createOrder(order: NewProviderOrder): Promise<ProviderResult<{ providerOrderId: string; approvalUrl?: string }>>;
  /** Makes an unpaid provider order unpayable (the buyer went back), where the provider can; then it is cancelled. */
  abandonOrder?(input: { providerOrderId: string; orderId: string }): Promise<void>;
  /** Captures; an order that was already captured yields its existing capture. */
  captureOrder(input: { providerOrderId: string; orderId: string; requestId: string }): Promise<ProviderResult<CaptureFacts>>;
  getOrder(input: { providerOrderId: string; orderId?: string }): Promise<ProviderResult<ProviderOrderState>>;
  /** A capture on its own, with the provider order it belongs to. */
  getCapture(input: { captureId: string; orderId?: string }): Promise<ProviderResult<CaptureFacts>>;
  /** Refunds `amount` (null = everything left) with an idempotency key; `refundId` is ours, echoed back. */
  refundCapture(input: { captureId: string; amount: Money | null; refundId: string; orderId: string; requestId: string; note?: string }): Promise<ProviderResult<RefundFacts>>;
  /** Verifies a notification over its exact bytes and reads it. */
  receiveNotification(headers: Headers, raw: Buffer): Promise<ReceivedNotification>;
  /** A stored notification read again (reconciliation applies what was stored but never applied). */
  interpretNotification(raw: unknown): Notification;
}
