import "server-only";
import { z } from "zod";
import { fromPayPal, toPayPal, toPayPalValue, type Money } from "@/lib/money";
import type { ProviderResult } from "@/lib/payments/types";
import type { PlanSpec, SubscriptionPaymentFacts, SubscriptionProvider, SubscriptionState } from "@/lib/subscriptions/types";
import type { PayPalClient } from "./client";
import { attempt } from "./errors";

/**
 * PayPal Catalog Products v1 + Subscriptions v1 behind the subscription domain's provider interface (reference
 * §8). A plan is one price version of a product; the subscription carries our id as `custom_id`; each charge is a
 * v1 sale, read from the subscription's transaction list.
 */
const paypalMoney = z.object({ currency_code: z.string(), value: z.string() });
const linkSchema = z.looseObject({ href: z.string(), rel: z.string() });

const createdSchema = z.looseObject({ id: z.string().min(1), links: z.array(linkSchema).optional() });

const subscriptionSchema = z.looseObject({
  id: z.string().min(1),
  status: z.enum(["APPROVAL_PENDING", "APPROVED", "ACTIVE", "SUSPENDED", "CANCELLED", "EXPIRED"]),
  plan_id: z.string(),
  custom_id: z.string().optional(),
  subscriber: z.looseObject({ email_address: z.string().optional() }).optional(),
  billing_info: z
    .looseObject({
      outstanding_balance: paypalMoney,
      cycle_executions: z.array(z.looseObject({ tenure_type: z.enum(["REGULAR", "TRIAL"]), cycles_completed: z.number().int(), total_cycles: z.number().int().optional() })).optional(),
      next_billing_time: z.string().optional(),
      failed_payments_count: z.number().int(),
    })
    .optional(),
  create_time: z.string().optional(),
  links: z.array(linkSchema).optional(),
});

const transactionsSchema = z.looseObject({
  transactions: z
    .array(
      z.looseObject({
        id: z.string(),
        status: z.enum(["COMPLETED", "DECLINED", "PARTIALLY_REFUNDED", "PENDING", "REFUNDED"]),
        amount_with_breakdown: z.looseObject({ gross_amount: paypalMoney, fee_amount: paypalMoney.optional() }),
        time: z.string(),
      }),
    )
    .optional(),
});

const saleSchema = z.looseObject({ id: z.string(), state: z.string() });
const nothing = z.unknown();

const UNIT = { day: "DAY", week: "WEEK", month: "MONTH", year: "YEAR" } as const;
const PAYMENT_STATUS = { COMPLETED: "completed", PARTIALLY_REFUNDED: "partially_refunded", REFUNDED: "refunded", DECLINED: "declined" } as const;

/** Plans body: an optional free trial (in days), then the regular cycle — infinite, or `instalments` times. */
export function planRequestBody(providerProductId: string, plan: PlanSpec) {
  const regular = {
    frequency: { interval_unit: UNIT[plan.interval], interval_count: plan.intervalCount },
    tenure_type: "REGULAR",
    sequence: plan.trialDays > 0 ? 2 : 1,
    total_cycles: plan.instalments ?? 0,
    pricing_scheme: { fixed_price: toPayPal(plan.amount) },
  };
  const trial = { frequency: { interval_unit: "DAY", interval_count: plan.trialDays }, tenure_type: "TRIAL", sequence: 1, total_cycles: 1 };
  return {
    product_id: providerProductId,
    name: plan.productName.slice(0, 127),
    description: `Price version for ${plan.productName}`.slice(0, 127),
    status: "ACTIVE",
    billing_cycles: plan.trialDays > 0 ? [trial, regular] : [regular],
    payment_preferences: {
      auto_bill_outstanding: true,
      ...(plan.setupFee ? { setup_fee: toPayPal(plan.setupFee) } : {}),
      setup_fee_failure_action: "CANCEL",
      payment_failure_threshold: plan.failureThreshold,
    },
  };
}

export class PayPalSubscriptions implements SubscriptionProvider {
  readonly name = "paypal" as const;

  constructor(private readonly client: PayPalClient) {}

  createProduct(input: { key: string; name: string; description: string }): Promise<ProviderResult<{ providerProductId: string }>> {
    return attempt(async () => {
      const created = await this.client.call({
        operation: "catalogs.products.create",
        method: "POST",
        path: "/v1/catalogs/products",
        requestId: `coursepay-product-${input.key}`,
        body: { name: input.name.slice(0, 127), description: input.description.slice(0, 256) || undefined, type: "DIGITAL", category: "EDUCATIONAL_AND_TEXTBOOKS" },
        schema: createdSchema,
      });
      return { providerProductId: created.id };
    });
  }

  createPlan(input: { providerProductId: string; plan: PlanSpec }): Promise<ProviderResult<{ providerPlanId: string }>> {
    return attempt(async () => {
      const created = await this.client.call({
        operation: "billing.plans.create",
        method: "POST",
        path: "/v1/billing/plans",
        requestId: `coursepay-plan-${input.plan.priceId}`,
        body: planRequestBody(input.providerProductId, input.plan),
        schema: createdSchema,
      });
      return { providerPlanId: created.id };
    });
  }

  createSubscription(input: { subscriptionId: string; providerPlanId: string; requestId: string; returnUrls?: { success: string; cancel: string } }) {
    return attempt(async () => {
      const created = await this.client.call({
        operation: "billing.subscriptions.create",
        method: "POST",
        path: "/v1/billing/subscriptions",
        requestId: input.requestId,
        subscriptionId: input.subscriptionId,
        body: {
          plan_id: input.providerPlanId,
          custom_id: input.subscriptionId,
          application_context: {
            brand_name: "Coursepay",
            shipping_preference: "NO_SHIPPING",
            user_action: "SUBSCRIBE_NOW",
            // PayPal requires both URLs whenever application_context is sent; the buttons flow never follows them.
            return_url: input.returnUrls?.success ?? "https://coursepay.invalid/subscriptions/return",
            cancel_url: input.returnUrls?.cancel ?? "https://coursepay.invalid/subscriptions/cancel",
          },
        },
        schema: createdSchema,
      });
      return { providerSubscriptionId: created.id, approvalUrl: created.links?.find((l) => l.rel === "approve")?.href ?? null };
    });
  }

  getSubscription(input: { providerSubscriptionId: string; subscriptionId?: string }): Promise<ProviderResult<SubscriptionState>> {
    return attempt(async () => {
      const id = encodeURIComponent(input.providerSubscriptionId);
      const subscription = await this.client.call({
        operation: "billing.subscriptions.get",
        method: "GET",
        path: `/v1/billing/subscriptions/${id}`,
        subscriptionId: input.subscriptionId,
        schema: subscriptionSchema,
      });
      // The transaction list needs a window: from a day before the subscription existed until tomorrow.
      const from = new Date(Date.parse(subscription.create_time ?? new Date().toISOString()) - 86_400_000).toISOString();
      const to = new Date(Date.now() + 86_400_000 * 3650).toISOString();
      const listed = subscription.status === "APPROVAL_PENDING"
        ? { transactions: [] }
        : await this.client.call({
            operation: "billing.subscriptions.transactions",
            method: "GET",
            path: `/v1/billing/subscriptions/${id}/transactions?start_time=${encodeURIComponent(from)}&end_time=${encodeURIComponent(to)}`,
            subscriptionId: input.subscriptionId,
            schema: transactionsSchema,
          });
      const billing = subscription.billing_info;
      const regular = billing?.cycle_executions?.find((c) => c.tenure_type === "REGULAR");
      const payments: SubscriptionPaymentFacts[] = (listed.transactions ?? []).flatMap((t) =>
        t.status === "PENDING"
          ? []
          : [
              {
                providerPaymentId: t.id,
                status: PAYMENT_STATUS[t.status],
                gross: fromPayPal(t.amount_with_breakdown.gross_amount),
                fee: t.amount_with_breakdown.fee_amount ? fromPayPal(t.amount_with_breakdown.fee_amount) : null,
                paidAt: new Date(t.time),
                raw: t,
              },
            ],
      );
      return {
        providerSubscriptionId: subscription.id,
        status: subscription.status,
        subscriptionId: subscription.custom_id ?? null,
        providerPlanId: subscription.plan_id,
        payerEmail: subscription.subscriber?.email_address ?? null,
        nextBillingAt: billing?.next_billing_time ? new Date(billing.next_billing_time) : null,
        outstanding: billing ? fromPayPal(billing.outstanding_balance) : { minor: 0, currency: "USD" },
        failedPayments: billing?.failed_payments_count ?? 0,
        regularCyclesCompleted: regular?.cycles_completed ?? 0,
        regularCyclesTotal: regular?.total_cycles ? regular.total_cycles : null,
        payments,
        raw: subscription,
      } satisfies SubscriptionState;
    });
  }

  cancelSubscription(input: { providerSubscriptionId: string; subscriptionId: string; reason: string }): Promise<ProviderResult<void>> {
    return this.transition("cancel", input);
  }

  suspendSubscription(input: { providerSubscriptionId: string; subscriptionId: string; reason: string }): Promise<ProviderResult<void>> {
    return this.transition("suspend", input);
  }

  refundPayment(input: { providerPaymentId: string; subscriptionId: string; amount: Money | null; requestId: string }): Promise<ProviderResult<void>> {
    return attempt(async () => {
      await this.client.call({
        operation: "payments.sale.refund",
        method: "POST",
        path: `/v1/payments/sale/${encodeURIComponent(input.providerPaymentId)}/refund`,
        requestId: input.requestId,
        subscriptionId: input.subscriptionId,
        body: input.amount ? { amount: { total: toPayPalValue(input.amount), currency: input.amount.currency } } : {},
        schema: z.looseObject({ id: z.string(), state: z.string() }),
      });
    });
  }

  /** A sale as PayPal shows it (the link its webhooks carry). */
  getSale(input: { providerPaymentId: string; subscriptionId?: string }) {
    return attempt(() =>
      this.client.call({ operation: "payments.sale.get", method: "GET", path: `/v1/payments/sale/${encodeURIComponent(input.providerPaymentId)}`, subscriptionId: input.subscriptionId, schema: saleSchema }),
    );
  }

  private transition(action: "cancel" | "suspend", input: { providerSubscriptionId: string; subscriptionId: string; reason: string }): Promise<ProviderResult<void>> {
    return attempt(async () => {
      await this.client.call({
        operation: `billing.subscriptions.${action}`,
        method: "POST",
        path: `/v1/billing/subscriptions/${encodeURIComponent(input.providerSubscriptionId)}/${action}`,
        subscriptionId: input.subscriptionId,
        body: { reason: input.reason.slice(0, 128) },
        schema: nothing,
      });
    });
  }
}
