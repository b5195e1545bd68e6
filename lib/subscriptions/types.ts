/**
 * What a payment provider must do for subscriptions, in provider-neutral terms. PayPal implements it today
 * (lib/paypal/subscriptions.ts); another provider offers subscriptions by implementing the same interface, over the
 * same tables and functions.
 */
import type { BillingInterval } from "@/db/schema";
import type { Money } from "@/lib/money";
import type { ProviderName, ProviderResult } from "@/lib/payments/types";

/** A product's plan as the provider needs it: one price version, with its billing rhythm. */
export type PlanSpec = {
  /** Our price id: the plan's idempotency key. */
  priceId: string;
  productName: string;
  interval: BillingInterval;
  intervalCount: number;
  trialDays: number;
  /** Null: until cancelled; else this many regular payments (a payment plan). */
  instalments: number | null;
  amount: Money;
  setupFee: Money | null;
  /** Failed payments in a row before the provider suspends the subscription. */
  failureThreshold: number;
};

/** The provider's status words, mapped to ours by lib/subscriptions/state.ts. */
export type ProviderSubscriptionStatus = "APPROVAL_PENDING" | "APPROVED" | "ACTIVE" | "SUSPENDED" | "CANCELLED" | "EXPIRED";

/** The provider's whole truth about one subscription. */
export type SubscriptionState = {
  providerSubscriptionId: string;
  status: ProviderSubscriptionStatus;
  /** Our subscription id, as we gave it at creation (PayPal custom_id). */
  subscriptionId: string | null;
  providerPlanId: string;
  payerEmail: string | null;
  nextBillingAt: Date | null;
  outstanding: Money;
  failedPayments: number;
  /** Regular payments made so far, and how many there will be (null: until cancelled). */
  regularCyclesCompleted: number;
  regularCyclesTotal: number | null;
  payments: SubscriptionPaymentFacts[];
  raw: unknown;
};

export type SubscriptionPaymentFacts = {
  providerPaymentId: string;
  status: "completed" | "partially_refunded" | "refunded" | "reversed" | "declined";
  gross: Money;
  fee: Money | null;
  paidAt: Date;
  raw: unknown;
};

export interface SubscriptionProvider {
  readonly name: ProviderName;
  /** The provider's catalog product for ours; `key` is its idempotency key. */
  createProduct(input: { key: string; name: string; description: string }): Promise<ProviderResult<{ providerProductId: string }>>;
  createPlan(input: { providerProductId: string; plan: PlanSpec }): Promise<ProviderResult<{ providerPlanId: string }>>;
  /** The provider's subscription for our pending one; `approvalUrl` is where the buyer approves it. */
  createSubscription(input: {
    subscriptionId: string;
    providerPlanId: string;
    requestId: string;
    returnUrls?: { success: string; cancel: string };
  }): Promise<ProviderResult<{ providerSubscriptionId: string; approvalUrl: string | null }>>;
  getSubscription(input: { providerSubscriptionId: string; subscriptionId?: string }): Promise<ProviderResult<SubscriptionState>>;
  cancelSubscription(input: { providerSubscriptionId: string; subscriptionId: string; reason: string }): Promise<ProviderResult<void>>;
  suspendSubscription(input: { providerSubscriptionId: string; subscriptionId: string; reason: string }): Promise<ProviderResult<void>>;
  /** Refunds one payment of a subscription (null amount: all of it) with an idempotency key. */
  refundPayment(input: { providerPaymentId: string; subscriptionId: string; amount: Money | null; requestId: string }): Promise<ProviderResult<void>>;
}
