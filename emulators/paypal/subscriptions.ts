/**
 * Catalog Products v1 and Subscriptions v1 (reference §8), schema-conformant: products, plans (list, PATCH, new
 * prices), subscriptions from `createSubscription` in the browser SDK to expiry, and the webhooks an app reacts to.
 *
 * Billing runs on the emulator's clock: approval charges the setup fee with the first cycle; every later cycle is
 * charged when the clock (moved with `POST /__emulator/clock`) passes `next_billing_time`. Cycles run in sequence
 * (TRIAL cycles, then REGULAR), each `total_cycles` times (0: for ever); after the last one the subscription
 * EXPIRES. A charge the control API set to fail (`POST /__emulator/subscriptions/{id}/fail-payments`) is declined:
 * its amount becomes the outstanding balance (billed with the next cycle when `auto_bill_outstanding`, or collected
 * with `POST …/capture`), `BILLING.SUBSCRIPTION.PAYMENT.FAILED` is sent, and after `payment_failure_threshold`
 * failures in a row the subscription is SUSPENDED. Failed payments are not retried between cycles (PayPal's retry
 * timing for REST subscriptions is undocumented).
 */
import type { BuyerAccount } from "./buyers";
import { resourceTime, type Clock } from "./clock";
import type { EmulatorConfig } from "./config";
import { badRequest, resourceNotFound, unprocessable } from "./errors";
import { billingAgreementToken, planId, productId, subscriptionId } from "./ids";
import { money } from "./money";
import { prefersRepresentation, type Router } from "./router";
import {
  arrayField,
  booleanField,
  bodyObject,
  isJsonObject,
  moneyField,
  objectField,
  stringField,
  URL_PATTERN,
  type JsonObject,
  type ParsedMoney,
  type StringRule,
} from "./validation";
import type { Sales } from "./sales";
import type { Webhooks } from "./webhooks";

/** Products, plans and subscriptions keep `PayPal-Request-Id`s 72 hours (spec). */
const IDEMPOTENCY_SECONDS = 72 * 3600;
const INTERVALS = ["DAY", "WEEK", "MONTH", "YEAR"] as const;
const PRODUCT_TYPES = ["PHYSICAL", "DIGITAL", "SERVICE"] as const;

interface Product {
  id: string;
  name: string;
  type: string;
  description: string | undefined;
  category: string | undefined;
  imageUrl: string | undefined;
  homeUrl: string | undefined;
  createdAt: number;
}

interface BillingCycle {
  tenureType: "REGULAR" | "TRIAL";
  sequence: number;
  totalCycles: number;
  intervalUnit: (typeof INTERVALS)[number];
  intervalCount: number;
  price: ParsedMoney | undefined;
  pricingVersion: number;
}

interface Plan {
  id: string;
  productId: string;
  name: string;
  description: string | undefined;
  status: "CREATED" | "ACTIVE" | "INACTIVE";
  cycles: BillingCycle[];
  setupFee: ParsedMoney | undefined;
  autoBillOutstanding: boolean;
  failureThreshold: number;
  setupFeeFailureAction: "CONTINUE" | "CANCEL";
  currency: string;
  createdAt: number;
  updatedAt: number;
}

type SubscriptionStatus = "APPROVAL_PENDING" | "ACTIVE" | "SUSPENDED" | "CANCELLED" | "EXPIRED";

export interface SubscriptionRecord {
  id: string;
  baToken: string;
  plan: Plan;
  status: SubscriptionStatus;
  statusNote: string | undefined;
  customId: string | undefined;
  startTime: number;
  subscriber: BuyerAccount | undefined;
  returnUrl: string | undefined;
  cancelUrl: string | undefined;
  brandName: string | undefined;
  lastPayment: { minor: bigint; time: number } | undefined;
  /** Per billing cycle (in sequence order), how many times it has run. */
  cyclesCompleted: number[];
  nextBillingTime: number | undefined;
  outstandingMinor: bigint;
  failedPaymentsCount: number;
  lastFailedPayment: { minor: bigint; time: number } | undefined;
  /** How many of the next charges the control API made fail. */
  failNext: number;
  /** When the last cycle was billed (finite plans). */
  finalPaymentTime: number | undefined;
  createdAt: number;
  updatedAt: number;
  statusUpdatedAt: number;
}

/** The v1 APIs' string checks report split min/max length issues. */
function text(parent: JsonObject, key: string, pointer: string, rule: StringRule & { required: true }): string;
function text(parent: JsonObject, key: string, pointer: string, rule?: StringRule): string | undefined;
function text(parent: JsonObject, key: string, pointer: string, rule: StringRule = {}): string | undefined {
  return stringField(parent, key, pointer, { ...rule, splitLengthIssues: true });
}

function integerField(parent: JsonObject, key: string, pointer: string, fallback: number, min: number, max: number): number {
  const value = parent[key];
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value)) throw badRequest("INVALID_PARAMETER_SYNTAX", { field: `${pointer}/${key}` });
  if (value < min) throw badRequest("INVALID_INTEGER_MIN_VALUE", { field: `${pointer}/${key}`, value: String(value) });
  if (value > max) throw badRequest("INVALID_INTEGER_MAX_VALUE", { field: `${pointer}/${key}`, value: String(value) });
  return value;
}

const addInterval = (ms: number, cycle: BillingCycle): number => {
  const date = new Date(ms);
  const count = cycle.intervalCount;
  if (cycle.intervalUnit === "DAY") date.setUTCDate(date.getUTCDate() + count);
  if (cycle.intervalUnit === "WEEK") date.setUTCDate(date.getUTCDate() + 7 * count);
  if (cycle.intervalUnit === "MONTH") date.setUTCMonth(date.getUTCMonth() + count);
  if (cycle.intervalUnit === "YEAR") date.setUTCFullYear(date.getUTCFullYear() + count);
  return date.getTime();
};

export class Subscriptions {
  private readonly products = new Map<string, Product>();
  private readonly plans = new Map<string, Plan>();
  private readonly subscriptions = new Map<string, SubscriptionRecord>();

  constructor(
    private readonly config: EmulatorConfig,
    private readonly clock: Clock,
    private readonly webhooks: Webhooks,
    private readonly sales: Sales,
  ) {}

  reset(): void {
    this.products.clear();
    this.plans.clear();
    this.subscriptions.clear();
  }

  find(id: string): SubscriptionRecord {
    const subscription = this.subscriptions.get(id);
    if (!subscription) throw resourceNotFound();
    return subscription;
  }

  findByToken(baToken: string): SubscriptionRecord | undefined {
    return [...this.subscriptions.values()].find((subscription) => subscription.baToken === baToken);
  }

  /** The buyer agrees: the subscription starts, the first payment (setup fee + first cycle) is collected. */
  approve(subscription: SubscriptionRecord, buyer: BuyerAccount): void {
    if (subscription.status !== "APPROVAL_PENDING") {
      throw unprocessable("SUBSCRIPTION_STATUS_INVALID", { description: "Subscription is not pending approval." });
    }
    subscription.subscriber = buyer;
    this.changeStatus(subscription, "ACTIVE", undefined);
    const paid = this.bill(subscription, this.clock.now(), subscription.plan.setupFee?.minor ?? 0n);
    // setup_fee_failure_action: CANCEL ends a subscription whose first payment failed; CONTINUE leaves it owed.
    if (!paid && subscription.plan.setupFee && subscription.plan.setupFeeFailureAction === "CANCEL") {
      this.changeStatus(subscription, "CANCELLED", "Setup fee payment failed");
    }
  }

  /** Every ACTIVE subscription whose next billing time the clock has passed is billed, cycle by cycle. */
  billDue(): void {
    const now = this.clock.now();
    for (const subscription of this.subscriptions.values()) {
      while (subscription.status === "ACTIVE" && subscription.nextBillingTime !== undefined && subscription.nextBillingTime <= now) {
        this.bill(subscription, subscription.nextBillingTime, 0n);
      }
    }
  }

  /** The cycle due next (index into plan.cycles), or undefined when every cycle has run its course. */
  private dueCycle(subscription: SubscriptionRecord): number | undefined {
    const index = subscription.plan.cycles.findIndex((cycle, i) => cycle.totalCycles === 0 || subscription.cyclesCompleted[i]! < cycle.totalCycles);
    return index === -1 ? undefined : index;
  }

  /**
   * Runs one billing cycle at `time`: charges its price (plus `extraMinor` and, when auto-billed, what is owed).
   * False when that charge was declined.
   */
  private bill(subscription: SubscriptionRecord, time: number, extraMinor: bigint): boolean {
    const index = this.dueCycle(subscription);
    if (index === undefined) {
      subscription.nextBillingTime = undefined;
      this.changeStatus(subscription, "EXPIRED", undefined);
      return true;
    }
    const cycle = subscription.plan.cycles[index]!;
    subscription.cyclesCompleted[index]! += 1;
    subscription.nextBillingTime = addInterval(time, cycle);
    const owed = subscription.plan.autoBillOutstanding ? subscription.outstandingMinor : 0n;
    const amount = (cycle.price?.minor ?? 0n) + extraMinor + owed;
    const paid = amount === 0n || this.collect(subscription, amount, owed);
    // Nothing left to bill after this cycle: the subscription ends when the period it paid for does.
    if (this.dueCycle(subscription) === undefined) subscription.finalPaymentTime = time;
    return paid;
  }

  /** One charge: a sale, or a declined payment that is owed from then on. */
  private collect(subscription: SubscriptionRecord, amount: bigint, owedBefore: bigint): boolean {
    const declined = subscription.failNext > 0;
    if (declined) subscription.failNext -= 1;
    const buyer = subscription.subscriber;
    this.sales.charge({
      subscriptionId: subscription.id,
      customId: subscription.customId,
      minor: amount,
      currency: subscription.plan.currency,
      payer: buyer && { name: `${buyer.givenName} ${buyer.surname}`, email: buyer.email },
      declined,
    });
    const now = this.clock.now();
    if (!declined) {
      subscription.outstandingMinor -= owedBefore;
      subscription.failedPaymentsCount = 0;
      subscription.lastPayment = { minor: amount, time: now };
      subscription.updatedAt = now;
      return true;
    }
    subscription.outstandingMinor += amount - owedBefore;
    subscription.failedPaymentsCount += 1;
    subscription.lastFailedPayment = { minor: amount, time: now };
    subscription.updatedAt = now;
    this.webhooks.emit({
      eventType: "BILLING.SUBSCRIPTION.PAYMENT.FAILED",
      resourceType: "subscription",
      resourceVersion: "2.0",
      summary: "Subscription payment failed",
      resource: this.renderSubscription(subscription),
    });
    const threshold = subscription.plan.failureThreshold;
    if (threshold > 0 && subscription.failedPaymentsCount >= threshold && subscription.status === "ACTIVE") {
      this.changeStatus(subscription, "SUSPENDED", "Payment failure threshold reached");
    }
    return false;
  }

  /**
   * The buyer updated their payment method at PayPal (the autopay page): what is owed is collected now, and a
   * subscription suspended for failed payments runs again. False when the charge is declined again.
   */
  settleOutstanding(subscription: SubscriptionRecord): boolean {
    if (subscription.outstandingMinor === 0n) return true;
    if (!this.collect(subscription, subscription.outstandingMinor, subscription.outstandingMinor)) return false;
    if (subscription.status === "SUSPENDED") {
      if (subscription.nextBillingTime !== undefined) subscription.nextBillingTime = Math.max(subscription.nextBillingTime, this.clock.now());
      this.changeStatus(subscription, "ACTIVE", "Payment method updated");
    }
    return true;
  }

  /** Every subscription that owes money, for the autopay page. */
  owing(): SubscriptionRecord[] {
    return [...this.subscriptions.values()].filter((subscription) => subscription.outstandingMinor > 0n && (subscription.status === "ACTIVE" || subscription.status === "SUSPENDED"));
  }

  /** Control: the next `count` charges of this subscription are declined. */
  failPayments(subscription: SubscriptionRecord, count: number): void {
    subscription.failNext = count;
  }

  private changeStatus(subscription: SubscriptionRecord, status: SubscriptionStatus, note: string | undefined): void {
    const now = this.clock.now();
    subscription.status = status;
    subscription.statusNote = note;
    subscription.updatedAt = now;
    subscription.statusUpdatedAt = now;
    const eventType = {
      APPROVAL_PENDING: "BILLING.SUBSCRIPTION.CREATED",
      ACTIVE: "BILLING.SUBSCRIPTION.ACTIVATED",
      SUSPENDED: "BILLING.SUBSCRIPTION.SUSPENDED",
      CANCELLED: "BILLING.SUBSCRIPTION.CANCELLED",
      EXPIRED: "BILLING.SUBSCRIPTION.EXPIRED",
    }[status];
    this.webhooks.emit({
      eventType,
      resourceType: "subscription",
      resourceVersion: "2.0",
      summary: `Subscription ${status === "APPROVAL_PENDING" ? "created" : status.toLowerCase()}`,
      resource: this.renderSubscription(subscription),
    });
  }

  private renderProduct(product: Product): Record<string, unknown> {
    const self = `${this.config.publicUrl}/v1/catalogs/products/${product.id}`;
    return {
      id: product.id,
      name: product.name,
      ...(product.description ? { description: product.description } : {}),
      type: product.type,
      ...(product.category ? { category: product.category } : {}),
      ...(product.imageUrl ? { image_url: product.imageUrl } : {}),
      ...(product.homeUrl ? { home_url: product.homeUrl } : {}),
      create_time: resourceTime(product.createdAt),
      update_time: resourceTime(product.createdAt),
      links: [
        { href: self, rel: "self", method: "GET" },
        { href: self, rel: "edit", method: "PATCH" },
      ],
    };
  }

  private renderPlan(plan: Plan): Record<string, unknown> {
    const self = `${this.config.publicUrl}/v1/billing/plans/${plan.id}`;
    const time = resourceTime(plan.createdAt);
    return {
      id: plan.id,
      product_id: plan.productId,
      name: plan.name,
      status: plan.status,
      ...(plan.description ? { description: plan.description } : {}),
      usage_type: "LICENSED",
      billing_cycles: plan.cycles.map((cycle) => ({
        frequency: { interval_unit: cycle.intervalUnit, interval_count: cycle.intervalCount },
        tenure_type: cycle.tenureType,
        sequence: cycle.sequence,
        total_cycles: cycle.totalCycles,
        ...(cycle.price
          ? { pricing_scheme: { version: cycle.pricingVersion, fixed_price: money(cycle.price.minor, cycle.price.currency), create_time: time, update_time: resourceTime(plan.updatedAt) } }
          : {}),
      })),
      payment_preferences: {
        service_type: "PREPAID",
        auto_bill_outstanding: plan.autoBillOutstanding,
        ...(plan.setupFee ? { setup_fee: money(plan.setupFee.minor, plan.setupFee.currency) } : {}),
        setup_fee_failure_action: plan.setupFeeFailureAction,
        payment_failure_threshold: plan.failureThreshold,
      },
      quantity_supported: false,
      create_time: time,
      update_time: resourceTime(plan.updatedAt),
      links: [
        { href: self, rel: "self", method: "GET" },
        { href: self, rel: "edit", method: "PATCH" },
        plan.status === "ACTIVE"
          ? { href: `${self}/deactivate`, rel: "deactivate", method: "POST" }
          : { href: `${self}/activate`, rel: "activate", method: "POST" },
      ],
    };
  }

  renderSubscription(subscription: SubscriptionRecord): Record<string, unknown> {
    const self = `${this.config.publicUrl}/v1/billing/subscriptions/${subscription.id}`;
    const { plan } = subscription;
    const buyer = subscription.subscriber;
    const started = subscription.status !== "APPROVAL_PENDING";
    const links = [
      ...(started ? [] : [{ href: this.approvalUrl(subscription), rel: "approve", method: "GET" }]),
      { href: self, rel: "edit", method: "PATCH" },
      { href: self, rel: "self", method: "GET" },
      ...(subscription.status === "ACTIVE" ? [{ href: `${self}/suspend`, rel: "suspend", method: "POST" }] : []),
      ...(subscription.status === "SUSPENDED" ? [{ href: `${self}/activate`, rel: "activate", method: "POST" }] : []),
      ...(subscription.status === "ACTIVE" || subscription.status === "SUSPENDED" ? [{ href: `${self}/cancel`, rel: "cancel", method: "POST" }] : []),
      ...(subscription.outstandingMinor > 0n ? [{ href: `${self}/capture`, rel: "capture", method: "POST" }] : []),
    ];
    return {
      id: subscription.id,
      plan_id: plan.id,
      status: subscription.status,
      ...(subscription.statusNote ? { status_change_note: subscription.statusNote } : {}),
      status_update_time: resourceTime(subscription.statusUpdatedAt),
      start_time: resourceTime(subscription.startTime),
      quantity: "1",
      ...(subscription.customId ? { custom_id: subscription.customId } : {}),
      plan_overridden: false,
      ...(buyer
        ? {
            subscriber: {
              name: { given_name: buyer.givenName, surname: buyer.surname },
              email_address: buyer.email,
              payer_id: buyer.payerId,
            },
          }
        : {}),
      ...(started
        ? {
            billing_info: {
              outstanding_balance: money(subscription.outstandingMinor, plan.currency),
              cycle_executions: plan.cycles.map((cycle, index) => ({
                tenure_type: cycle.tenureType,
                sequence: cycle.sequence,
                cycles_completed: subscription.cyclesCompleted[index]!,
                cycles_remaining: cycle.totalCycles === 0 ? 0 : cycle.totalCycles - subscription.cyclesCompleted[index]!,
                current_pricing_scheme_version: cycle.pricingVersion,
                total_cycles: cycle.totalCycles,
              })),
              ...(subscription.lastPayment
                ? { last_payment: { amount: money(subscription.lastPayment.minor, plan.currency), time: resourceTime(subscription.lastPayment.time) } }
                : {}),
              ...(subscription.status === "ACTIVE" && subscription.nextBillingTime !== undefined ? { next_billing_time: resourceTime(subscription.nextBillingTime) } : {}),
              ...(subscription.finalPaymentTime !== undefined ? { final_payment_time: resourceTime(subscription.finalPaymentTime) } : {}),
              failed_payments_count: subscription.failedPaymentsCount,
              ...(subscription.lastFailedPayment
                ? {
                    last_failed_payment: {
                      amount: money(subscription.lastFailedPayment.minor, plan.currency),
                      time: resourceTime(subscription.lastFailedPayment.time),
                      reason_code: "PAYMENT_DENIED",
                    },
                  }
                : {}),
            },
          }
        : {}),
      create_time: resourceTime(subscription.createdAt),
      update_time: resourceTime(subscription.updatedAt),
      links,
    };
  }

  approvalUrl(subscription: SubscriptionRecord): string {
    return `${this.config.publicUrl}/webapps/billing/subscriptions?ba_token=${subscription.baToken}`;
  }

  private parsePlan(body: JsonObject): Plan {
    const product = text(body, "product_id", "", { required: true, min: 6, max: 50 });
    if (!this.products.has(product)) throw badRequest("INVALID_PARAMETER_VALUE", { field: "/product_id", value: product });
    const cyclesInput = arrayField(body, "billing_cycles", "", { required: true, min: 1, max: 12 }) as unknown[];
    let currency: string | undefined;
    const sameCurrency = (parsed: ParsedMoney, field: string) => {
      currency ??= parsed.currency;
      if (parsed.currency !== currency) throw unprocessable("CURRENCY_MISMATCH", { field });
      return parsed;
    };
    const cycles = cyclesInput.map((entry, index): BillingCycle => {
      const here = `/billing_cycles/${index}`;
      if (!isJsonObject(entry)) throw badRequest("INVALID_PARAMETER_SYNTAX", { field: here });
      const frequency = objectField(entry, "frequency", here, true);
      const scheme = objectField(entry, "pricing_scheme", here);
      const price = scheme?.fixed_price === undefined ? undefined : moneyField(scheme, "fixed_price", `${here}/pricing_scheme`, { positive: false });
      return {
        tenureType: text(entry, "tenure_type", here, { required: true, oneOf: ["REGULAR", "TRIAL"] }) as BillingCycle["tenureType"],
        sequence: integerField(entry, "sequence", here, Number.NaN, 1, 99),
        totalCycles: integerField(entry, "total_cycles", here, 1, 0, 999),
        intervalUnit: text(frequency, "interval_unit", `${here}/frequency`, { required: true, oneOf: INTERVALS }) as BillingCycle["intervalUnit"],
        intervalCount: integerField(frequency, "interval_count", `${here}/frequency`, 1, 1, 365),
        price: price && sameCurrency(price, `${here}/pricing_scheme/fixed_price/currency_code`),
        pricingVersion: 1,
      };
    });
    if (cycles.some((cycle) => Number.isNaN(cycle.sequence))) throw badRequest("MISSING_REQUIRED_PARAMETER", { field: "/billing_cycles/sequence" });
    if (cycles.filter((cycle) => cycle.tenureType === "REGULAR").length !== 1 || cycles.filter((cycle) => cycle.tenureType === "TRIAL").length > 2) {
      throw badRequest("INVALID_PARAMETER_VALUE", { field: "/billing_cycles", description: "A plan needs exactly one REGULAR cycle and at most two TRIAL cycles." });
    }
    cycles.sort((a, b) => a.sequence - b.sequence);
    const preferences = objectField(body, "payment_preferences", "", true);
    const setupFee = preferences.setup_fee === undefined ? undefined : sameCurrency(moneyField(preferences, "setup_fee", "/payment_preferences", { positive: false }), "/payment_preferences/setup_fee/currency_code");
    if (currency === undefined) throw badRequest("MISSING_REQUIRED_PARAMETER", { field: "/billing_cycles/pricing_scheme/fixed_price" });
    const now = this.clock.now();
    return {
      id: planId(),
      productId: product,
      name: text(body, "name", "", { required: true, min: 1, max: 127 }),
      description: text(body, "description", "", { min: 1, max: 127 }),
      status: (text(body, "status", "", { oneOf: ["CREATED", "ACTIVE"] }) ?? "ACTIVE") as Plan["status"],
      cycles,
      setupFee,
      autoBillOutstanding: booleanField(preferences, "auto_bill_outstanding", "/payment_preferences") ?? true,
      failureThreshold: integerField(preferences, "payment_failure_threshold", "/payment_preferences", 0, 0, 999),
      setupFeeFailureAction: (text(preferences, "setup_fee_failure_action", "/payment_preferences", { oneOf: ["CONTINUE", "CANCEL"] }) ?? "CANCEL") as Plan["setupFeeFailureAction"],
      currency,
      createdAt: now,
      updatedAt: now,
    };
  }

  private plan(id: string): Plan {
    const plan = this.plans.get(id);
    if (!plan) throw resourceNotFound();
    return plan;
  }

  private setPlanStatus(plan: Plan, from: ReadonlyArray<Plan["status"]>, to: Plan["status"]) {
    if (!from.includes(plan.status)) throw unprocessable("PLAN_STATUS_INVALID");
    plan.status = to;
    plan.updatedAt = this.clock.now();
    return { status: 204 };
  }

  register(router: Router): void {
    const create = { kind: "rest", idempotencySeconds: IDEMPOTENCY_SECONDS } as const;
    const rest = { kind: "rest" } as const;
    const created = (full: boolean, render: () => Record<string, unknown>, minimal: (keys: Record<string, unknown>) => Record<string, unknown>) => {
      const answer = () => (full ? render() : minimal(render()));
      return { status: 201, body: answer(), replay: () => ({ status: 200, body: answer() }) };
    };

    router.add("POST", "/v1/catalogs/products", create, (context) => {
      const body = bodyObject(context.json());
      const id = text(body, "id", "", { min: 6, max: 50, pattern: /^[A-Za-z0-9-_]+$/ });
      if (id?.startsWith("PROD-")) throw badRequest("INVALID_PARAMETER_SYNTAX", { field: "/id", value: id, description: "Input identifier must not use system prefix(PROD-)." });
      if (id !== undefined && this.products.has(id)) throw unprocessable("DUPLICATE_RESOURCE_IDENTIFIER", { field: "/id", value: id });
      const product: Product = {
        id: id ?? productId(),
        name: text(body, "name", "", { required: true, min: 1, max: 127 }),
        type: text(body, "type", "", { oneOf: PRODUCT_TYPES }) ?? "PHYSICAL",
        description: text(body, "description", "", { min: 1, max: 256 }),
        category: text(body, "category", "", { min: 4, max: 256, pattern: /^[A-Z_]+$/ }),
        imageUrl: text(body, "image_url", "", { min: 1, max: 2000, pattern: URL_PATTERN }),
        homeUrl: text(body, "home_url", "", { min: 1, max: 2000, pattern: URL_PATTERN }),
        createdAt: this.clock.now(),
      };
      this.products.set(product.id, product);
      return created(prefersRepresentation(context), () => this.renderProduct(product), ({ id: productKey, name, description, create_time, links }) => ({
        id: productKey, name, ...(description ? { description } : {}), create_time, links,
      }));
    });
    router.add("GET", "/v1/catalogs/products/{product_id}", rest, (context) => {
      const product = this.products.get(context.params.product_id as string);
      if (!product) throw resourceNotFound();
      return { status: 200, body: this.renderProduct(product) };
    });

    router.add("POST", "/v1/billing/plans", create, (context) => {
      const plan = this.parsePlan(bodyObject(context.json()));
      this.plans.set(plan.id, plan);
      return created(prefersRepresentation(context), () => this.renderPlan(plan), ({ id, product_id, name, status, description, usage_type, create_time, links }) => ({
        id, product_id, name, status, ...(description ? { description } : {}), usage_type, create_time, links,
      }));
    });
    router.add("GET", "/v1/billing/plans/{id}", rest, (context) => ({ status: 200, body: this.renderPlan(this.plan(context.params.id as string)) }));
    router.add("POST", "/v1/billing/plans/{id}/activate", rest, (context) => this.setPlanStatus(this.plan(context.params.id as string), ["CREATED", "INACTIVE"], "ACTIVE"));
    router.add("POST", "/v1/billing/plans/{id}/deactivate", rest, (context) => this.setPlanStatus(this.plan(context.params.id as string), ["ACTIVE"], "INACTIVE"));

    router.add("POST", "/v1/billing/subscriptions", create, (context) => {
      const subscription = this.parseSubscription(bodyObject(context.json()));
      this.subscriptions.set(subscription.id, subscription);
      this.changeStatus(subscription, "APPROVAL_PENDING", undefined);
      return created(prefersRepresentation(context), () => this.renderSubscription(subscription), (full) => full);
    });
    router.add("GET", "/v1/billing/subscriptions/{id}", rest, (context) => ({ status: 200, body: this.renderSubscription(this.find(context.params.id as string)) }));
    const transition = (action: string, from: readonly SubscriptionStatus[], to: SubscriptionStatus) =>
      router.add("POST", `/v1/billing/subscriptions/{id}/${action}`, rest, (context) => {
        const subscription = this.find(context.params.id as string);
        const reason = text(bodyObject(context.json()), "reason", "", { required: true, min: 1, max: 128 });
        if (!from.includes(subscription.status)) throw unprocessable("SUBSCRIPTION_STATUS_INVALID");
        // Money is owed after failed payments: it is collected (POST …/capture) before the subscription runs again.
        if (to === "ACTIVE" && subscription.outstandingMinor > 0n) {
          throw unprocessable("SUBSCRIPTION_CANNOT_BE_ACTIVATED", { description: "Subscription cannot be activated after payment failure threshold has reached." });
        }
        // A reactivated subscription is not billed for the time it was suspended.
        if (to === "ACTIVE" && subscription.nextBillingTime !== undefined) subscription.nextBillingTime = Math.max(subscription.nextBillingTime, this.clock.now());
        this.changeStatus(subscription, to, reason);
        return { status: 204 };
      });
    transition("suspend", ["ACTIVE"], "SUSPENDED");
    transition("cancel", ["ACTIVE", "SUSPENDED"], "CANCELLED");
    transition("activate", ["SUSPENDED"], "ACTIVE");

    router.add("POST", "/v1/billing/subscriptions/{id}/capture", create, (context) => {
      const subscription = this.find(context.params.id as string);
      const body = bodyObject(context.json());
      text(body, "note", "", { required: true, min: 1, max: 128 });
      text(body, "capture_type", "", { required: true, oneOf: ["OUTSTANDING_BALANCE"] });
      const amount = moneyField(body, "amount", "", { positive: true });
      if (!["ACTIVE", "SUSPENDED", "EXPIRED"].includes(subscription.status)) throw unprocessable("SUBSCRIPTION_STATUS_INVALID");
      if (subscription.outstandingMinor === 0n) throw unprocessable("ZERO_OUTSTANDING_BALANCE");
      if (amount.currency !== subscription.plan.currency) throw unprocessable("CURRENCY_MISMATCH", { field: "/amount/currency_code" });
      if (amount.minor > subscription.outstandingMinor) throw unprocessable("AMOUNT_GREATER_THAN_OUTSTANDING_BALANCE", { field: "/amount/value" });
      // A declined collection answers 200 with a DECLINED transaction; the balance stays owed.
      // The sale is stamped when it is made; time may pass before the answer (a busy machine), so the window starts
      // before the charge — a window of [now, now] taken after it answered an empty 200 (a CI failure).
      const charged = this.clock.now();
      this.collect(subscription, amount.minor, amount.minor);
      const transaction = this.sales.transactions(subscription.id, charged, this.clock.now()).at(-1);
      return { status: 200, body: transaction };
    });
    router.add("GET", "/v1/billing/subscriptions/{id}/transactions", rest, (context) => {
      const subscription = this.find(context.params.id as string);
      const bound = (name: string) => {
        const value = context.query.get(name);
        if (!value) throw badRequest("MISSING_REQUIRED_PARAMETER", { field: name, location: "query" });
        const time = Date.parse(value);
        if (Number.isNaN(time)) throw badRequest("INVALID_PARAMETER_SYNTAX", { field: name, value, location: "query" });
        return time;
      };
      const transactions = this.sales.transactions(subscription.id, bound("start_time"), bound("end_time"));
      return { status: 200, body: { transactions, total_items: transactions.length, total_pages: 1, links: [{ href: `${this.config.publicUrl}/v1/billing/subscriptions/${subscription.id}/transactions`, rel: "self", method: "GET" }] } };
    });

    router.add("GET", "/v1/billing/plans", rest, (context) => {
      const product = context.query.get("product_id");
      const pageSize = Math.min(20, Math.max(1, Number(context.query.get("page_size") ?? 10) || 10));
      const page = Math.max(1, Number(context.query.get("page") ?? 1) || 1);
      const all = [...this.plans.values()].filter((plan) => !product || plan.productId === product).sort((a, b) => a.createdAt - b.createdAt);
      const plans = all.slice((page - 1) * pageSize, page * pageSize).map((plan) => {
        const { id, product_id, name, status, description, usage_type, create_time, links } = this.renderPlan(plan);
        return { id, product_id, name, status, ...(description ? { description } : {}), usage_type, create_time, links };
      });
      return { status: 200, body: { plans, total_items: all.length, total_pages: Math.max(1, Math.ceil(all.length / pageSize)), links: [{ href: `${this.config.publicUrl}/v1/billing/plans?page=${page}&page_size=${pageSize}`, rel: "self", method: "GET" }] } };
    });
    router.add("PATCH", "/v1/billing/plans/{id}", rest, (context) => {
      const plan = this.plan(context.params.id as string);
      if (plan.status === "INACTIVE") throw unprocessable("PLAN_STATUS_INACTIVE");
      const operations = context.json();
      if (!Array.isArray(operations) || operations.length === 0) throw badRequest("INVALID_PARAMETER_SYNTAX", { field: "/", description: "A JSON Patch array is expected." });
      operations.forEach((operation, index) => this.patchPlan(plan, operation, `/${index}`));
      plan.updatedAt = this.clock.now();
      return { status: 204 };
    });
    router.add("POST", "/v1/billing/plans/{id}/update-pricing-schemes", rest, (context) => {
      const plan = this.plan(context.params.id as string);
      const schemes = arrayField(bodyObject(context.json()), "pricing_schemes", "", { required: true, min: 1, max: 99 }) as unknown[];
      schemes.forEach((entry, index) => {
        const here = `/pricing_schemes/${index}`;
        if (!isJsonObject(entry)) throw badRequest("INVALID_PARAMETER_SYNTAX", { field: here });
        const sequence = integerField(entry, "billing_cycle_sequence", here, Number.NaN, 1, 99);
        const cycle = plan.cycles.find((c) => c.sequence === sequence);
        if (!cycle) throw unprocessable("INVALID_BILLING_CYCLE_SEQUENCE", { field: `${here}/billing_cycle_sequence` });
        const price = moneyField(objectField(entry, "pricing_scheme", here, true), "fixed_price", `${here}/pricing_scheme`, { positive: false });
        if (price.currency !== plan.currency) throw unprocessable("CURRENCY_MISMATCH", { field: `${here}/pricing_scheme/fixed_price/currency_code` });
        cycle.price = price;
        cycle.pricingVersion += 1;
      });
      plan.updatedAt = this.clock.now();
      return { status: 204 };
    });
  }

  /** The JSON Patch operations PayPal allows on a plan (`replace` of these paths). */
  private patchPlan(plan: Plan, operation: unknown, pointer: string): void {
    if (!isJsonObject(operation)) throw badRequest("INVALID_PARAMETER_SYNTAX", { field: pointer });
    const op = text(operation, "op", pointer, { required: true, oneOf: ["add", "replace", "remove"] });
    const path = text(operation, "path", pointer, { required: true, min: 1, max: 256 });
    if (op !== "replace") throw badRequest("UNSUPPORTED_PATCH_OPERATION", { field: `${pointer}/op`, value: op });
    const value = operation.value;
    const holder = { value } as JsonObject;
    switch (path) {
      case "/name":
        plan.name = text(holder, "value", pointer, { required: true, min: 1, max: 127 });
        return;
      case "/description":
        plan.description = text(holder, "value", pointer, { required: true, min: 1, max: 127 });
        return;
      case "/payment_preferences/payment_failure_threshold":
        plan.failureThreshold = integerField(holder, "value", pointer, 0, 0, 999);
        return;
      case "/payment_preferences/auto_bill_outstanding":
        plan.autoBillOutstanding = booleanField(holder, "value", pointer) ?? plan.autoBillOutstanding;
        return;
      case "/payment_preferences/setup_fee_failure_action":
        plan.setupFeeFailureAction = text(holder, "value", pointer, { required: true, oneOf: ["CONTINUE", "CANCEL"] }) as Plan["setupFeeFailureAction"];
        return;
      case "/payment_preferences/setup_fee": {
        const fee = moneyField(holder, "value", pointer, { positive: false });
        if (fee.currency !== plan.currency) throw unprocessable("CURRENCY_MISMATCH", { field: `${pointer}/value/currency_code` });
        plan.setupFee = fee;
        return;
      }
      default:
        throw badRequest("INVALID_PATCH_PATH", { field: `${pointer}/path`, value: path });
    }
  }

  private parseSubscription(body: JsonObject): SubscriptionRecord {
    const plan = this.plans.get(text(body, "plan_id", "", { required: true, min: 3, max: 50 }));
    if (!plan) throw resourceNotFound();
    if (plan.status !== "ACTIVE") throw unprocessable("PLAN_STATUS_INVALID");
    const now = this.clock.now();
    const startText = text(body, "start_time", "", { max: 64 });
    const start = startText === undefined ? now : Date.parse(startText);
    if (Number.isNaN(start) || start < now - 60_000) throw badRequest("INVALID_PARAMETER_VALUE", { field: "/start_time", value: startText });
    const context = objectField(body, "application_context", "");
    const required = context !== undefined;
    return {
      id: subscriptionId(),
      baToken: billingAgreementToken(),
      plan,
      status: "APPROVAL_PENDING",
      statusNote: undefined,
      customId: text(body, "custom_id", "", { min: 1, max: 127, pattern: /^[\x20-\x7E]+$/ }),
      startTime: start,
      subscriber: undefined,
      returnUrl: context && text(context, "return_url", "/application_context", { required, min: 10, max: 4000, pattern: URL_PATTERN }),
      cancelUrl: context && text(context, "cancel_url", "/application_context", { required, min: 10, max: 4000, pattern: URL_PATTERN }),
      brandName: context && text(context, "brand_name", "/application_context", { min: 1, max: 127 }),
      lastPayment: undefined,
      cyclesCompleted: plan.cycles.map(() => 0),
      nextBillingTime: undefined,
      outstandingMinor: 0n,
      failedPaymentsCount: 0,
      lastFailedPayment: undefined,
      failNext: 0,
      finalPaymentTime: undefined,
      createdAt: now,
      updatedAt: now,
      statusUpdatedAt: now,
    };
  }
}
