/**
 * Payments v2: captures and refunds (reference §3.7, §6), plus what happens to a capture on PayPal's side
 * (settlement of a pending capture, merchant refunds in PayPal's UI, chargebacks) and the webhooks and IPN
 * messages each of those produces.
 */
import { DEFAULT_BUYER } from "./buyers";
import { resourceTime, type Clock } from "./clock";
import type { EmulatorConfig } from "./config";
import { resourceNotFound, unprocessable } from "./errors";
import { resourceId } from "./ids";
import type { IpnInput, Ipn } from "./ipn";
import { formatMinor, money, processingFee, refundedFee } from "./money";
import type { OrderRecord } from "./orders";
import type { PurchaseUnit } from "./order-request";
import { prefersRepresentation, type Router } from "./router";
import { bodyObject, moneyField, stringField } from "./validation";
import type { Webhooks } from "./webhooks";

export type CaptureStatus = "COMPLETED" | "PENDING" | "DECLINED" | "PARTIALLY_REFUNDED" | "REFUNDED";

export interface CaptureRecord {
  id: string;
  order: OrderRecord;
  unit: PurchaseUnit;
  status: CaptureStatus;
  reason: string | undefined;
  grossMinor: bigint;
  currency: string;
  feeMinor: bigint;
  refundedMinor: bigint;
  createdAt: number;
  updatedAt: number;
}

export interface RefundRecord {
  id: string;
  capture: CaptureRecord;
  amountMinor: bigint;
  /** The part of the original fee returned to the merchant with this refund. */
  feeMinor: bigint;
  /** Cumulative refunded amount of the capture after this refund. */
  totalRefundedMinor: bigint;
  /** A chargeback rather than a refund (`PAYMENT.CAPTURE.REVERSED`). */
  reversal: boolean;
  invoiceId: string | undefined;
  customId: string | undefined;
  noteToPayer: string | undefined;
  createdAt: number;
}

export type FundingOutcome = "success" | "declined" | "pending" | "failure";

/** Refund requests are idempotent for 45 days (spec). */
const REFUND_IDEMPOTENCY_SECONDS = 45 * 24 * 3600;
const REFUNDABLE: ReadonlySet<CaptureStatus> = new Set(["COMPLETED", "PARTIALLY_REFUNDED"]);

export class Payments {
  private readonly captures = new Map<string, CaptureRecord>();
  private readonly refunds = new Map<string, RefundRecord>();

  constructor(
    private readonly config: EmulatorConfig,
    private readonly clock: Clock,
    private readonly webhooks: Webhooks,
    private readonly ipn: Ipn,
  ) {}

  reset(): void {
    this.captures.clear();
    this.refunds.clear();
  }

  capture(id: string): CaptureRecord {
    const capture = this.captures.get(id);
    if (!capture) throw resourceNotFound();
    return capture;
  }

  /** Executes the buyer's funding for one purchase unit; the outcome chosen at approval decides the result. */
  createCapture(order: OrderRecord, unit: PurchaseUnit, outcome: Exclude<FundingOutcome, "declined">): CaptureRecord {
    const now = this.clock.now();
    const status: CaptureStatus = outcome === "success" ? "COMPLETED" : outcome === "pending" ? "PENDING" : "DECLINED";
    const capture: CaptureRecord = {
      id: resourceId(),
      order,
      unit,
      status,
      reason: outcome === "pending" ? "ECHECK" : undefined,
      grossMinor: unit.totalMinor,
      currency: unit.currency,
      feeMinor: status === "COMPLETED" ? processingFee(unit.totalMinor) : 0n,
      refundedMinor: 0n,
      createdAt: now,
      updatedAt: now,
    };
    this.captures.set(capture.id, capture);
    return capture;
  }

  /** Webhook + IPN for a capture's current state; called once the order's own state is final. */
  announceCapture(capture: CaptureRecord, settlement: "new" | "settled"): void {
    const amountText = `${formatMinor(capture.grossMinor, capture.currency)} ${capture.currency}`;
    const [eventType, summary, ipnStatus] =
      capture.status === "COMPLETED"
        ? (["PAYMENT.CAPTURE.COMPLETED", `Payment completed for ${amountText}`, "Completed"] as const)
        : capture.status === "PENDING"
          ? (["PAYMENT.CAPTURE.PENDING", `Payment pending for ${amountText}`, "Pending"] as const)
          : settlement === "settled"
            ? (["PAYMENT.CAPTURE.DENIED", `Payment denied for ${amountText}`, "Denied"] as const)
            : (["PAYMENT.CAPTURE.DECLINED", `Payment declined for ${amountText}`, "Failed"] as const);
    this.webhooks.emit({ eventType, resourceType: "capture", resourceVersion: "2.0", summary, resource: this.renderCapture(capture, true) });
    this.ipn.send({
      ...this.ipnBase(capture),
      txnId: capture.id,
      txnType: "cart",
      paymentStatus: ipnStatus,
      pendingReason: capture.status === "PENDING" ? "echeck" : undefined,
      paymentType: capture.reason === "ECHECK" || settlement === "settled" ? "echeck" : "instant",
      grossMinor: capture.grossMinor,
      feeMinor: capture.feeMinor,
    });
  }

  /** A pending (eCheck) capture clears or bounces. */
  settle(capture: CaptureRecord, outcome: "completed" | "denied"): void {
    if (capture.status !== "PENDING") throw unprocessable("CAPTURE_NOT_PENDING", { description: `Capture is ${capture.status}, not PENDING.` });
    capture.status = outcome === "completed" ? "COMPLETED" : "DECLINED";
    capture.reason = undefined;
    capture.feeMinor = outcome === "completed" ? processingFee(capture.grossMinor) : 0n;
    capture.updatedAt = this.clock.now();
    this.announceCapture(capture, "settled");
  }

  /** Refunds from the API and from PayPal's merchant UI alike; `amount` absent means "everything left". */
  refund(capture: CaptureRecord, request: { amount?: { currency: string; minor: bigint }; invoiceId?: string; customId?: string; noteToPayer?: string }): RefundRecord {
    if (capture.status === "PENDING") throw unprocessable("PENDING_CAPTURE");
    if (capture.status === "REFUNDED") throw unprocessable("CAPTURE_FULLY_REFUNDED");
    if (!REFUNDABLE.has(capture.status)) throw unprocessable("REFUND_NOT_ALLOWED");
    const remaining = capture.grossMinor - capture.refundedMinor;
    if (request.amount && request.amount.currency !== capture.currency) {
      throw unprocessable("REFUND_CAPTURE_CURRENCY_MISMATCH", { field: "/amount/currency_code", value: request.amount.currency });
    }
    const amount = request.amount?.minor ?? remaining;
    if (amount > remaining) throw unprocessable("REFUND_AMOUNT_EXCEEDED", { field: "/amount/value", value: formatMinor(amount, capture.currency) });
    const refund = this.recordRefund(capture, amount, false, request);
    capture.status = capture.refundedMinor === capture.grossMinor ? "REFUNDED" : "PARTIALLY_REFUNDED";
    this.announceRefund(refund);
    return refund;
  }

  /** A chargeback: the buyer's bank pulls back whatever was not refunded yet. */
  reverse(capture: CaptureRecord): RefundRecord {
    if (!REFUNDABLE.has(capture.status)) throw unprocessable("REFUND_NOT_ALLOWED", { description: `A ${capture.status} capture cannot be reversed.` });
    const reversal = this.recordRefund(capture, capture.grossMinor - capture.refundedMinor, true, {});
    capture.status = "REFUNDED";
    capture.reason = "CHARGEBACK";
    this.announceRefund(reversal);
    return reversal;
  }

  private recordRefund(capture: CaptureRecord, amount: bigint, reversal: boolean, request: { invoiceId?: string; customId?: string; noteToPayer?: string }): RefundRecord {
    const feeBefore = refundedFee(capture.feeMinor, capture.refundedMinor, capture.grossMinor);
    capture.refundedMinor += amount;
    const feeAfter = refundedFee(capture.feeMinor, capture.refundedMinor, capture.grossMinor);
    const now = this.clock.now();
    capture.updatedAt = now;
    const refund: RefundRecord = {
      id: resourceId(),
      capture,
      amountMinor: amount,
      feeMinor: feeAfter - feeBefore,
      totalRefundedMinor: capture.refundedMinor,
      reversal,
      invoiceId: request.invoiceId,
      customId: request.customId,
      noteToPayer: request.noteToPayer,
      createdAt: now,
    };
    this.refunds.set(refund.id, refund);
    return refund;
  }

  private announceRefund(refund: RefundRecord): void {
    const { capture } = refund;
    const amountText = `${formatMinor(refund.amountMinor, capture.currency)} ${capture.currency}`;
    this.webhooks.emit({
      eventType: refund.reversal ? "PAYMENT.CAPTURE.REVERSED" : "PAYMENT.CAPTURE.REFUNDED",
      resourceType: "refund",
      resourceVersion: "2.0",
      summary: refund.reversal ? `A ${amountText} capture payment was reversed` : `A ${amountText} capture payment was refunded`,
      resource: this.renderRefund(refund),
    });
    this.ipn.send({
      ...this.ipnBase(capture),
      txnId: refund.id,
      txnType: undefined,
      paymentStatus: refund.reversal ? "Reversed" : "Refunded",
      parentTxnId: capture.id,
      reasonCode: refund.reversal ? "chargeback" : "refund",
      paymentType: "instant",
      grossMinor: -refund.amountMinor,
      feeMinor: -refund.feeMinor,
    });
  }

  private ipnBase(capture: CaptureRecord): Pick<IpnInput, "currency" | "custom" | "invoice" | "payer" | "items" | "time"> {
    const { unit } = capture;
    return {
      currency: capture.currency,
      custom: unit.customId,
      invoice: unit.invoiceId,
      payer: capture.order.payer ?? DEFAULT_BUYER,
      items:
        unit.items.length > 0
          ? unit.items.map((item) => ({ name: item.name, sku: item.sku, quantity: item.quantity, grossMinor: item.unitAmountMinor * BigInt(item.quantity) }))
          : [{ name: unit.description ?? "Purchase", sku: undefined, quantity: "1", grossMinor: unit.totalMinor }],
      time: this.clock.now(),
    };
  }

  renderCapture(capture: CaptureRecord, standalone: boolean): Record<string, unknown> {
    const base = this.config.publicUrl;
    const amount = (minor: bigint) => money(minor, capture.currency);
    const settled = capture.status !== "PENDING" && capture.status !== "DECLINED";
    return {
      id: capture.id,
      status: capture.status,
      ...(capture.reason ? { status_details: { reason: capture.reason } } : {}),
      amount: amount(capture.grossMinor),
      final_capture: true,
      seller_protection: { status: "ELIGIBLE", dispute_categories: ["ITEM_NOT_RECEIVED", "UNAUTHORIZED_TRANSACTION"] },
      ...(settled
        ? {
            seller_receivable_breakdown: {
              gross_amount: amount(capture.grossMinor),
              paypal_fee: amount(capture.feeMinor),
              net_amount: amount(capture.grossMinor - capture.feeMinor),
            },
          }
        : {}),
      ...(capture.unit.invoiceId ? { invoice_id: capture.unit.invoiceId } : {}),
      ...(capture.unit.customId ? { custom_id: capture.unit.customId } : {}),
      ...(standalone
        ? {
            supplementary_data: { related_ids: { order_id: capture.order.id } },
            payee: { email_address: this.config.businessEmail, merchant_id: this.config.merchantId },
          }
        : {}),
      links: [
        { href: `${base}/v2/payments/captures/${capture.id}`, rel: "self", method: "GET" },
        { href: `${base}/v2/payments/captures/${capture.id}/refund`, rel: "refund", method: "POST" },
        { href: `${base}/v2/checkout/orders/${capture.order.id}`, rel: "up", method: "GET" },
      ],
      create_time: resourceTime(capture.createdAt),
      update_time: resourceTime(capture.updatedAt),
    };
  }

  renderRefund(refund: RefundRecord): Record<string, unknown> {
    const base = this.config.publicUrl;
    const currency = refund.capture.currency;
    return {
      id: refund.id,
      amount: money(refund.amountMinor, currency),
      status: "COMPLETED",
      ...(refund.invoiceId ? { invoice_id: refund.invoiceId } : {}),
      ...(refund.customId ? { custom_id: refund.customId } : {}),
      ...(refund.noteToPayer ? { note_to_payer: refund.noteToPayer } : {}),
      seller_payable_breakdown: {
        gross_amount: money(refund.amountMinor, currency),
        paypal_fee: money(refund.feeMinor, currency),
        net_amount: money(refund.amountMinor - refund.feeMinor, currency),
        total_refunded_amount: money(refund.totalRefundedMinor, currency),
      },
      payer: { email_address: this.config.businessEmail, merchant_id: this.config.merchantId },
      create_time: resourceTime(refund.createdAt),
      update_time: resourceTime(refund.createdAt),
      links: [
        { href: `${base}/v2/payments/refunds/${refund.id}`, rel: "self", method: "GET" },
        { href: `${base}/v2/payments/captures/${refund.capture.id}`, rel: "up", method: "GET" },
      ],
    };
  }

  /** The refunds (and reversals) of a capture, as PayPal renders them. */
  refundsOf(capture: CaptureRecord): Record<string, unknown>[] {
    return [...this.refunds.values()].filter((refund) => refund.capture === capture).map((refund) => this.renderRefund(refund));
  }

  /** What the emulator knows about a capture beyond PayPal's representation, for the control API. */
  internalState(capture: CaptureRecord) {
    return { capture: this.renderCapture(capture, true), refunds: this.refundsOf(capture) };
  }

  register(router: Router): void {
    router.add("GET", "/v2/payments/captures/{capture_id}", { kind: "rest" }, (context) => ({
      status: 200,
      body: this.renderCapture(this.capture(context.params.capture_id as string), true),
    }));
    router.add("POST", "/v2/payments/captures/{capture_id}/refund", { kind: "rest", idempotencySeconds: REFUND_IDEMPOTENCY_SECONDS }, (context) => {
      const capture = this.capture(context.params.capture_id as string);
      const body = bodyObject(context.json());
      const request = {
        amount: body.amount === undefined ? undefined : moneyField(body, "amount", "", { positive: true, zeroDecimalIssue: "DECIMALS_NOT_SUPPORTED" }),
        invoiceId: stringField(body, "invoice_id", "", { min: 1, max: 127 }),
        customId: stringField(body, "custom_id", "", { min: 1, max: 127 }),
        noteToPayer: stringField(body, "note_to_payer", "", { min: 1, max: 255 }),
      };
      const refund = this.refund(capture, request);
      const full = prefersRepresentation(context);
      const render = () => (full ? this.renderRefund(refund) : this.minimalRefund(refund));
      return { status: 201, body: render(), replay: () => ({ status: 200, body: render() }) };
    });
    router.add("GET", "/v2/payments/refunds/{refund_id}", { kind: "rest" }, (context) => {
      const refund = this.refunds.get(context.params.refund_id as string);
      if (!refund) throw resourceNotFound();
      return { status: 200, body: this.renderRefund(refund) };
    });
  }

  private minimalRefund(refund: RefundRecord) {
    const { id, status, links } = this.renderRefund(refund);
    return { id, status, links };
  }
}
