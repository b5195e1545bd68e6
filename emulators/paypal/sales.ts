/**
 * Subscription payments as PayPal's v1 Payments API shows them: each charge of a subscription (setup fee, every
 * billing cycle, a collected outstanding balance) is a `sale`. `GET /v1/payments/sale/{id}`, refunds through
 * `POST /v1/payments/sale/{id}/refund`, and the webhooks `PAYMENT.SALE.COMPLETED / REFUNDED / REVERSED`
 * (reference §7.3: v1 money shape, no resource_version; the subscription is `billing_agreement_id`).
 * Declined charges are kept too: the subscription's transaction list shows them as DECLINED.
 */
import { resourceTime, type Clock } from "./clock";
import type { EmulatorConfig } from "./config";
import { resourceNotFound, unprocessable } from "./errors";
import { resourceId } from "./ids";
import { formatMinor, money, parseValue, processingFee, refundedFee, v1Amount } from "./money";
import type { Router } from "./router";
import { bodyObject, objectField, stringField } from "./validation";
import type { Webhooks } from "./webhooks";

export type SaleState = "completed" | "partially_refunded" | "refunded" | "reversed" | "denied";

export interface SaleRecord {
  id: string;
  subscriptionId: string;
  customId: string | undefined;
  grossMinor: bigint;
  feeMinor: bigint;
  refundedMinor: bigint;
  currency: string;
  state: SaleState;
  time: number;
  updatedAt: number;
  payer: { name: string; email: string } | undefined;
}

export interface SaleRefund {
  id: string;
  saleId: string;
  minor: bigint;
  currency: string;
  time: number;
}

/** The transaction list's status for each sale state (Subscriptions v1 `transaction.status`). */
const TRANSACTION_STATUS: Record<SaleState, string> = {
  completed: "COMPLETED",
  partially_refunded: "PARTIALLY_REFUNDED",
  refunded: "REFUNDED",
  reversed: "REFUNDED",
  denied: "DECLINED",
};

export class Sales {
  private readonly sales = new Map<string, SaleRecord>();
  private readonly refunds = new Map<string, SaleRefund>();

  constructor(
    private readonly config: EmulatorConfig,
    private readonly clock: Clock,
    private readonly webhooks: Webhooks,
  ) {}

  reset(): void {
    this.sales.clear();
    this.refunds.clear();
  }

  find(id: string): SaleRecord {
    const sale = this.sales.get(id);
    if (!sale) throw resourceNotFound();
    return sale;
  }

  /** A charge of a subscription: completed (with its webhook) or declined (kept for the transaction list only). */
  charge(input: { subscriptionId: string; customId: string | undefined; minor: bigint; currency: string; payer: SaleRecord["payer"]; declined: boolean }): SaleRecord {
    const now = this.clock.now();
    const sale: SaleRecord = {
      id: resourceId(),
      subscriptionId: input.subscriptionId,
      customId: input.customId,
      grossMinor: input.minor,
      feeMinor: input.declined ? 0n : processingFee(input.minor),
      refundedMinor: 0n,
      currency: input.currency,
      state: input.declined ? "denied" : "completed",
      time: now,
      updatedAt: now,
      payer: input.payer,
    };
    this.sales.set(sale.id, sale);
    if (!input.declined) this.announce("PAYMENT.SALE.COMPLETED", `Payment completed for ${formatMinor(sale.grossMinor, sale.currency)} ${sale.currency}`, this.render(sale));
    return sale;
  }

  /** Refunds from the API and from PayPal's merchant UI alike; no amount means everything left. */
  refund(sale: SaleRecord, minor?: bigint): SaleRefund {
    if (sale.state !== "completed" && sale.state !== "partially_refunded") throw unprocessable("TRANSACTION_REFUSED", { description: `A ${sale.state} sale cannot be refunded.` });
    const left = sale.grossMinor - sale.refundedMinor;
    const amount = minor ?? left;
    if (amount <= 0n || amount > left) throw unprocessable("TRANSACTION_REFUSED", { description: "The refund amount must be more than zero and no more than what is left of the sale." });
    sale.refundedMinor += amount;
    sale.state = sale.refundedMinor === sale.grossMinor ? "refunded" : "partially_refunded";
    sale.updatedAt = this.clock.now();
    const refund: SaleRefund = { id: resourceId(), saleId: sale.id, minor: amount, currency: sale.currency, time: sale.updatedAt };
    this.refunds.set(refund.id, refund);
    this.announce("PAYMENT.SALE.REFUNDED", `A ${formatMinor(amount, sale.currency)} ${sale.currency} sale payment was refunded`, this.renderRefund(refund));
    return refund;
  }

  /** A chargeback: the buyer's bank takes back what was not refunded. */
  reverse(sale: SaleRecord): SaleRecord {
    if (sale.state !== "completed" && sale.state !== "partially_refunded") throw unprocessable("TRANSACTION_REFUSED", { description: `A ${sale.state} sale cannot be reversed.` });
    sale.state = "reversed";
    sale.updatedAt = this.clock.now();
    this.announce("PAYMENT.SALE.REVERSED", `A ${formatMinor(sale.grossMinor, sale.currency)} ${sale.currency} sale payment was reversed`, this.render(sale));
    return sale;
  }

  /** Subscriptions v1 `GET …/transactions`: the subscription's charges between two times, oldest first. */
  transactions(subscriptionId: string, from: number, to: number): Record<string, unknown>[] {
    return [...this.sales.values()]
      .filter((sale) => sale.subscriptionId === subscriptionId && sale.time >= from && sale.time <= to)
      .sort((a, b) => a.time - b.time)
      .map((sale) => ({
        id: sale.id,
        status: TRANSACTION_STATUS[sale.state],
        amount_with_breakdown: {
          gross_amount: money(sale.grossMinor, sale.currency),
          fee_amount: money(sale.feeMinor, sale.currency),
          net_amount: money(sale.grossMinor - sale.feeMinor, sale.currency),
        },
        ...(sale.payer ? { payer_name: { given_name: sale.payer.name.split(" ")[0], surname: sale.payer.name.split(" ").slice(1).join(" ") || undefined }, payer_email: sale.payer.email } : {}),
        time: resourceTime(sale.time),
      }));
  }

  render(sale: SaleRecord): Record<string, unknown> {
    const self = `${this.config.publicUrl}/v1/payments/sale/${sale.id}`;
    return {
      id: sale.id,
      state: sale.state,
      amount: { ...v1Amount(sale.grossMinor, sale.currency), details: { subtotal: formatMinor(sale.grossMinor, sale.currency) } },
      payment_mode: "INSTANT_TRANSFER",
      protection_eligibility: "ELIGIBLE",
      protection_eligibility_type: "ITEM_NOT_RECEIVED_ELIGIBLE,UNAUTHORIZED_PAYMENT_ELIGIBLE",
      transaction_fee: { value: formatMinor(sale.feeMinor, sale.currency), currency: sale.currency },
      billing_agreement_id: sale.subscriptionId,
      ...(sale.customId ? { custom: sale.customId } : {}),
      create_time: resourceTime(sale.time),
      update_time: resourceTime(sale.updatedAt),
      links: [
        { href: self, rel: "self", method: "GET" },
        { href: `${self}/refund`, rel: "refund", method: "POST" },
      ],
    };
  }

  private renderRefund(refund: SaleRefund): Record<string, unknown> {
    const sale = this.find(refund.saleId);
    const self = `${this.config.publicUrl}/v1/payments/refund/${refund.id}`;
    return {
      id: refund.id,
      state: "completed",
      amount: v1Amount(refund.minor, refund.currency),
      refund_from_transaction_fee: { value: formatMinor(refundedFee(sale.feeMinor, refund.minor, sale.grossMinor), refund.currency), currency: refund.currency },
      sale_id: sale.id,
      billing_agreement_id: sale.subscriptionId,
      ...(sale.customId ? { custom: sale.customId } : {}),
      create_time: resourceTime(refund.time),
      update_time: resourceTime(refund.time),
      links: [
        { href: self, rel: "self", method: "GET" },
        { href: `${this.config.publicUrl}/v1/payments/sale/${sale.id}`, rel: "sale", method: "GET" },
      ],
    };
  }

  private announce(eventType: string, summary: string, resource: Record<string, unknown>): void {
    this.webhooks.emit({ eventType, resourceType: eventType === "PAYMENT.SALE.REFUNDED" ? "refund" : "sale", resourceVersion: undefined, summary, resource });
  }

  register(router: Router): void {
    const rest = { kind: "rest" } as const;
    router.add("GET", "/v1/payments/sale/{id}", rest, (context) => ({ status: 200, body: this.render(this.find(context.params.id as string)) }));
    router.add("POST", "/v1/payments/sale/{id}/refund", { kind: "rest", idempotencySeconds: 72 * 3600 }, (context) => {
      const sale = this.find(context.params.id as string);
      const body = bodyObject(context.json());
      const amount = objectField(body, "amount", "");
      let minor: bigint | undefined;
      if (amount) {
        const total = stringField(amount, "total", "/amount", { required: true, min: 1, max: 32 });
        const currency = stringField(amount, "currency", "/amount", { required: true, min: 3, max: 3 });
        const parsed = currency === sale.currency ? parseValue(total, currency) : { ok: false as const };
        if (!parsed.ok) throw unprocessable("TRANSACTION_REFUSED", { description: "The refund amount or currency does not match the sale." });
        minor = parsed.minor;
      }
      const refund = this.refund(sale, minor);
      return { status: 201, body: this.renderRefund(refund) };
    });
  }
}
