/**
 * Orders v2 (reference §3): create, show, capture; buyer approval with a funding outcome that takes effect at
 * capture; 3-hour expiry of unfinished orders.
 */
import type { BuyerAccount } from "./buyers";
import { resourceTime, type Clock } from "./clock";
import type { EmulatorConfig } from "./config";
import { resourceNotFound, unprocessable } from "./errors";
import { resourceId } from "./ids";
import { parseOrderRequest, type OrderRequest } from "./order-request";
import type { CaptureRecord, FundingOutcome, Payments } from "./payments";
import { prefersRepresentation, type Router } from "./router";
import type { Webhooks } from "./webhooks";

export type OrderStatus = "CREATED" | "PAYER_ACTION_REQUIRED" | "APPROVED" | "COMPLETED";

export interface OrderRecord extends OrderRequest {
  id: string;
  status: OrderStatus;
  createdAt: number;
  updatedAt: number;
  payer: BuyerAccount | undefined;
  /** What the buyer's funding will do at capture; chosen on the approval page or via the control API. */
  outcome: FundingOutcome | undefined;
  captures: CaptureRecord[];
  approvals: number;
  cancellations: number;
}

/** Unfinished orders vanish after 3 hours (reference §3.10). */
export const ORDER_LIFETIME_MS = 3 * 3600 * 1000;
/** Create/capture `PayPal-Request-Id`s are kept 6 hours (spec). */
const ORDER_IDEMPOTENCY_SECONDS = 6 * 3600;
const APPROVABLE: ReadonlySet<OrderStatus> = new Set(["CREATED", "PAYER_ACTION_REQUIRED", "APPROVED"]);

export class Orders {
  private readonly orders = new Map<string, OrderRecord>();

  constructor(
    private readonly config: EmulatorConfig,
    private readonly clock: Clock,
    private readonly payments: Payments,
    private readonly webhooks: Webhooks,
  ) {}

  reset(): void {
    this.orders.clear();
  }

  /** The order, or PayPal's 404 when it never existed or expired unfinished. */
  find(id: string): OrderRecord {
    const order = this.orders.get(id);
    if (!order) throw resourceNotFound();
    if (order.status !== "COMPLETED" && this.clock.now() - order.createdAt >= ORDER_LIFETIME_MS) {
      this.orders.delete(id);
      throw resourceNotFound();
    }
    return order;
  }

  /** The buyer approves (again, after a decline and `actions.restart()`). */
  approve(order: OrderRecord, buyer: BuyerAccount, outcome: FundingOutcome): void {
    if (!APPROVABLE.has(order.status)) throw unprocessable("ORDER_ALREADY_CAPTURED");
    order.status = "APPROVED";
    order.payer = buyer;
    order.outcome = outcome;
    order.approvals++;
    order.updatedAt = this.clock.now();
    this.webhooks.emit({
      eventType: "CHECKOUT.ORDER.APPROVED",
      resourceType: "checkout-order",
      resourceVersion: "2.0",
      summary: "An order has been approved by buyer",
      resource: this.render(order),
    });
  }

  /** The buyer cancels on PayPal's page: nothing changes server-side (the order simply expires later). */
  cancel(order: OrderRecord): void {
    if (!APPROVABLE.has(order.status)) throw unprocessable("ORDER_ALREADY_CAPTURED");
    order.cancellations++;
  }

  private capture(order: OrderRecord): void {
    if (order.status === "COMPLETED") throw unprocessable("ORDER_ALREADY_CAPTURED");
    if (order.intent !== "CAPTURE") throw unprocessable("ACTION_DOES_NOT_MATCH_INTENT");
    if (order.status !== "APPROVED") throw unprocessable("ORDER_NOT_APPROVED");
    const outcome = order.outcome ?? "success";
    // The order stays APPROVED: the buyer must pick another funding source (actions.restart()) and approve again.
    if (outcome === "declined") throw unprocessable("INSTRUMENT_DECLINED");
    order.captures = order.purchaseUnits.map((unit) => this.payments.createCapture(order, unit, outcome));
    order.status = "COMPLETED";
    order.updatedAt = this.clock.now();
    for (const capture of order.captures) this.payments.announceCapture(capture, "new");
    this.webhooks.emit({
      eventType: "CHECKOUT.ORDER.COMPLETED",
      resourceType: "checkout-order",
      resourceVersion: "2.0",
      summary: "Checkout Order Completed",
      resource: this.render(order),
    });
  }

  /** PayPal's `payment_collection`: the captures, and every refund (or reversal) made against them. */
  private paymentCollection(captures: CaptureRecord[]) {
    const refunds = captures.flatMap((capture) => this.payments.refundsOf(capture));
    return {
      captures: captures.map((capture) => this.payments.renderCapture(capture, false)),
      ...(refunds.length > 0 ? { refunds } : {}),
    };
  }

  private links(order: OrderRecord) {
    const self = `${this.config.publicUrl}/v2/checkout/orders/${order.id}`;
    const checkout = `${this.config.publicUrl}/checkoutnow?token=${order.id}`;
    const link = (href: string, rel: string, method: string) => ({ href, rel, method });
    const action = order.intent === "CAPTURE" ? "capture" : "authorize";
    switch (order.status) {
      case "CREATED":
        return [link(self, "self", "GET"), link(checkout, "approve", "GET"), link(self, "update", "PATCH"), link(`${self}/${action}`, action, "POST")];
      case "PAYER_ACTION_REQUIRED":
        return [link(self, "self", "GET"), link(checkout, "payer-action", "GET")];
      case "APPROVED":
        return [link(self, "self", "GET"), link(self, "update", "PATCH"), link(`${self}/${action}`, action, "POST")];
      case "COMPLETED":
        return [link(self, "self", "GET")];
    }
  }

  private payerViews(order: OrderRecord) {
    const buyer = order.payer;
    if (!buyer) return order.paymentSourceSent ? { payment_source: { paypal: {} } } : {};
    const name = { given_name: buyer.givenName, surname: buyer.surname };
    return {
      payment_source: {
        paypal: {
          email_address: buyer.email,
          account_id: buyer.payerId,
          account_status: "VERIFIED",
          name,
          address: { country_code: buyer.countryCode },
        },
      },
      payer: { name, email_address: buyer.email, payer_id: buyer.payerId, address: { country_code: buyer.countryCode } },
    };
  }

  /** The full `order` resource (`Prefer: return=representation`, GET, webhook resources). */
  render(order: OrderRecord): Record<string, unknown> {
    const { payment_source, payer } = this.payerViews(order) as { payment_source?: unknown; payer?: unknown };
    return {
      id: order.id,
      intent: order.intent,
      status: order.status,
      ...(payment_source ? { payment_source } : {}),
      purchase_units: order.purchaseUnits.map((unit) => {
        const captures = order.captures.filter((capture) => capture.unit === unit);
        return {
          reference_id: unit.referenceId,
          amount: unit.amount,
          payee: { email_address: this.config.businessEmail, merchant_id: this.config.merchantId },
          ...(unit.description !== undefined ? { description: unit.description } : {}),
          ...(unit.customId !== undefined ? { custom_id: unit.customId } : {}),
          ...(unit.invoiceId !== undefined ? { invoice_id: unit.invoiceId } : {}),
          ...(unit.softDescriptor !== undefined ? { soft_descriptor: unit.softDescriptor } : {}),
          ...(unit.items.length > 0 ? { items: unit.items.map((item) => item.view) } : {}),
          ...(captures.length > 0 ? { payments: this.paymentCollection(captures) } : {}),
        };
      }),
      ...(payer ? { payer } : {}),
      create_time: resourceTime(order.createdAt),
      update_time: resourceTime(order.updatedAt),
      links: this.links(order),
    };
  }

  /** `Prefer: return=minimal` after create: id, status, links (and the payment source echo when one was sent). */
  private renderCreated(order: OrderRecord) {
    const { payment_source } = this.payerViews(order) as { payment_source?: unknown };
    return { id: order.id, status: order.status, ...(payment_source ? { payment_source } : {}), links: this.links(order) };
  }

  /** `Prefer: return=minimal` after capture: what PayPal's samples read (captures, payer, payment source). */
  private renderCaptured(order: OrderRecord) {
    const full = this.render(order);
    return {
      id: full.id,
      status: full.status,
      payment_source: full.payment_source,
      purchase_units: order.purchaseUnits.map((unit, index) => ({
        reference_id: unit.referenceId,
        payments: (full.purchase_units as Array<{ payments?: unknown }>)[index]?.payments,
      })),
      payer: full.payer,
      links: full.links,
    };
  }

  internalState(order: OrderRecord) {
    return {
      id: order.id,
      status: order.status,
      outcome: order.outcome ?? null,
      buyer: order.payer?.email ?? null,
      approvals: order.approvals,
      cancellations: order.cancellations,
      returnUrl: order.experience.returnUrl ?? null,
      cancelUrl: order.experience.cancelUrl ?? null,
      expiresAt: order.status === "COMPLETED" ? null : new Date(order.createdAt + ORDER_LIFETIME_MS).toISOString(),
      order: this.render(order),
    };
  }

  register(router: Router): void {
    const idempotent = { kind: "rest", idempotencySeconds: ORDER_IDEMPOTENCY_SECONDS } as const;
    router.add("POST", "/v2/checkout/orders", idempotent, (context) => {
      const request = parseOrderRequest(context.json());
      const now = this.clock.now();
      const order: OrderRecord = {
        ...request,
        id: resourceId(),
        status: request.paymentSourceSent ? "PAYER_ACTION_REQUIRED" : "CREATED",
        createdAt: now,
        updatedAt: now,
        payer: undefined,
        outcome: undefined,
        captures: [],
        approvals: 0,
        cancellations: 0,
      };
      this.orders.set(order.id, order);
      const full = prefersRepresentation(context);
      const render = () => (full ? this.render(order) : this.renderCreated(order));
      return { status: 201, body: render(), replay: () => ({ status: 200, body: render() }) };
    });
    router.add("GET", "/v2/checkout/orders/{id}", { kind: "rest" }, (context) => ({
      status: 200,
      body: this.render(this.find(context.params.id as string)),
    }));
    router.add("POST", "/v2/checkout/orders/{id}/capture", idempotent, (context) => {
      const order = this.find(context.params.id as string);
      context.json();
      this.capture(order);
      const full = prefersRepresentation(context);
      const render = () => (full ? this.render(order) : this.renderCaptured(order));
      return { status: 201, body: render(), replay: () => ({ status: 200, body: render() }) };
    });
  }
}
