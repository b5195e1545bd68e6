/**
 * A small, schema-conformant slice of Catalog Products v1 and Subscriptions v1 (reference §8): enough for
 * `createSubscription` in the browser SDK, buyer approval, and the webhooks an app reacts to.
 * Billing cycles after the first are not simulated.
 */
import type { BuyerAccount } from "./buyers";
import { resourceTime, type Clock } from "./clock";
import type { EmulatorConfig } from "./config";
import { badRequest, resourceNotFound, unprocessable } from "./errors";
import { billingAgreementToken, planId, productId, resourceId, subscriptionId } from "./ids";
import { formatMinor, money, processingFee, v1Amount } from "./money";
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
  currency: string;
  createdAt: number;
  updatedAt: number;
}

type SubscriptionStatus = "APPROVAL_PENDING" | "ACTIVE" | "SUSPENDED" | "CANCELLED";

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
    const now = this.clock.now();
    subscription.subscriber = buyer;
    this.changeStatus(subscription, "ACTIVE", undefined);
    const firstCycle = subscription.plan.cycles[0];
    const chargeMinor = (subscription.plan.setupFee?.minor ?? 0n) + (firstCycle?.price?.minor ?? 0n);
    if (chargeMinor > 0n) {
      subscription.lastPayment = { minor: chargeMinor, time: now };
      this.emitSale(subscription, chargeMinor);
    }
  }

  private changeStatus(subscription: SubscriptionRecord, status: SubscriptionStatus, note: string | undefined): void {
    const now = this.clock.now();
    subscription.status = status;
    subscription.statusNote = note;
    subscription.updatedAt = now;
    subscription.statusUpdatedAt = now;
    const eventType = { APPROVAL_PENDING: "BILLING.SUBSCRIPTION.CREATED", ACTIVE: "BILLING.SUBSCRIPTION.ACTIVATED", SUSPENDED: "BILLING.SUBSCRIPTION.SUSPENDED", CANCELLED: "BILLING.SUBSCRIPTION.CANCELLED" }[status];
    this.webhooks.emit({
      eventType,
      resourceType: "subscription",
      resourceVersion: "2.0",
      summary: `Subscription ${status === "APPROVAL_PENDING" ? "created" : status.toLowerCase()}`,
      resource: this.renderSubscription(subscription),
    });
  }

  /** `PAYMENT.SALE.COMPLETED` carries a v1 `sale` (v1 money shape, no resource_version). */
  private emitSale(subscription: SubscriptionRecord, grossMinor: bigint): void {
    const { currency } = subscription.plan;
    const id = resourceId();
    const time = resourceTime(this.clock.now());
    const saleUrl = `${this.config.publicUrl}/v1/payments/sale/${id}`;
    this.webhooks.emit({
      eventType: "PAYMENT.SALE.COMPLETED",
      resourceType: "sale",
      resourceVersion: undefined,
      summary: `Payment completed for ${formatMinor(grossMinor, currency)} ${currency}`,
      resource: {
        id,
        state: "completed",
        amount: { ...v1Amount(grossMinor, currency), details: { subtotal: formatMinor(grossMinor, currency) } },
        payment_mode: "INSTANT_TRANSFER",
        protection_eligibility: "ELIGIBLE",
        protection_eligibility_type: "ITEM_NOT_RECEIVED_ELIGIBLE,UNAUTHORIZED_PAYMENT_ELIGIBLE",
        transaction_fee: { value: formatMinor(processingFee(grossMinor), currency), currency },
        billing_agreement_id: subscription.id,
        ...(subscription.customId ? { custom: subscription.customId } : {}),
        create_time: time,
        update_time: time,
        links: [
          { href: saleUrl, rel: "self", method: "GET" },
          { href: `${saleUrl}/refund`, rel: "refund", method: "POST" },
        ],
      },
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
          ? { pricing_scheme: { version: 1, fixed_price: money(cycle.price.minor, cycle.price.currency), create_time: time, update_time: time } }
          : {}),
      })),
      payment_preferences: {
        service_type: "PREPAID",
        auto_bill_outstanding: plan.autoBillOutstanding,
        ...(plan.setupFee ? { setup_fee: money(plan.setupFee.minor, plan.setupFee.currency) } : {}),
        setup_fee_failure_action: "CANCEL",
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
    const firstCycle = plan.cycles[0];
    const links = [
      ...(started ? [] : [{ href: this.approvalUrl(subscription), rel: "approve", method: "GET" }]),
      { href: self, rel: "edit", method: "PATCH" },
      { href: self, rel: "self", method: "GET" },
      ...(subscription.status === "ACTIVE" ? [{ href: `${self}/suspend`, rel: "suspend", method: "POST" }] : []),
      ...(subscription.status === "SUSPENDED" ? [{ href: `${self}/activate`, rel: "activate", method: "POST" }] : []),
      ...(started && subscription.status !== "CANCELLED" ? [{ href: `${self}/cancel`, rel: "cancel", method: "POST" }] : []),
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
      ...(started && firstCycle
        ? {
            billing_info: {
              outstanding_balance: money(0n, plan.currency),
              cycle_executions: plan.cycles.map((cycle, index) => ({
                tenure_type: cycle.tenureType,
                sequence: cycle.sequence,
                cycles_completed: index === 0 ? 1 : 0,
                cycles_remaining: cycle.totalCycles === 0 ? 0 : cycle.totalCycles - (index === 0 ? 1 : 0),
                current_pricing_scheme_version: 1,
                total_cycles: cycle.totalCycles,
              })),
              ...(subscription.lastPayment
                ? { last_payment: { amount: money(subscription.lastPayment.minor, plan.currency), time: resourceTime(subscription.lastPayment.time) } }
                : {}),
              ...(subscription.status === "ACTIVE" ? { next_billing_time: resourceTime(addInterval(subscription.statusUpdatedAt, firstCycle)) } : {}),
              failed_payments_count: 0,
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
        this.changeStatus(subscription, to, reason);
        return { status: 204 };
      });
    transition("suspend", ["ACTIVE"], "SUSPENDED");
    transition("cancel", ["ACTIVE", "SUSPENDED"], "CANCELLED");
    transition("activate", ["SUSPENDED"], "ACTIVE");
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
      createdAt: now,
      updatedAt: now,
      statusUpdatedAt: now,
    };
  }
}
