/**
 * Typed client for the emulator's control API (`/__emulator/...`), usable from any process that can reach the
 * emulator: test suites, Playwright specs, benchmarks, dev scripts.
 */
import type { CallRecord } from "./call-log";
import type { DeliveryPolicy, DeliveryRecord, ReleaseOrder } from "./delivery";
import type { FaultRule, FaultSpec } from "./faults";
import type { FundingOutcome } from "./payments";

export type { CallRecord, DeliveryPolicy, DeliveryRecord, FaultRule, FaultSpec, FundingOutcome, ReleaseOrder };

export interface EmulatorInfo {
  publicUrl: string;
  clientId: string;
  webhookId: string;
  certUrl: string;
  businessEmail: string;
  merchantId: string;
  now: string;
}

/** Internal view of an order (`GET /__emulator/orders/{id}`). */
export interface OrderState {
  id: string;
  status: string;
  outcome: FundingOutcome | null;
  buyer: string | null;
  approvals: number;
  cancellations: number;
  returnUrl: string | null;
  cancelUrl: string | null;
  expiresAt: string | null;
  /** The order exactly as `GET /v2/checkout/orders/{id}` renders it. */
  order: Record<string, unknown>;
}

export interface CaptureState {
  capture: Record<string, unknown>;
  refunds: Array<Record<string, unknown>>;
}

export type DeliveryPolicyUpdate = Partial<Omit<DeliveryPolicy, "duplicate">> & { duplicate?: number | boolean };

export class EmulatorControlError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`emulator control call failed with HTTP ${status}: ${JSON.stringify(body)}`);
  }
}

type ControlCall = <T>(method: "GET" | "POST", path: string, body?: unknown) => Promise<T>;

/** Delivery controls of one outgoing channel: `control.webhooks` or `control.ipn`. */
export class DeliveryChannelControl {
  constructor(
    private readonly call: ControlCall,
    private readonly prefix: string,
  ) {}

  setPolicy(policy: DeliveryPolicyUpdate): Promise<DeliveryPolicy> {
    return this.call("POST", `${this.prefix}/policy`, policy);
  }

  policy(): Promise<DeliveryPolicy> {
    return this.call("GET", `${this.prefix}/policy`);
  }

  /** Queue new messages instead of delivering them. */
  async hold(): Promise<void> {
    await this.call("POST", `${this.prefix}/hold`);
  }

  /** Delivers the held messages one after the other in the given order; resolves with how many. */
  async release(options: { order?: ReleaseOrder; seed?: number } = {}): Promise<number> {
    return (await this.call<{ released: number }>("POST", `${this.prefix}/release`, options)).released;
  }

  /** Waits until nothing is in flight or waiting for a retry; `idle: false` if the timeout hit first. */
  flush(options: { timeoutMs?: number } = {}): Promise<{ idle: boolean; held: number }> {
    return this.call("POST", `${this.prefix}/flush`, options);
  }
}

export class EmulatorControl {
  readonly baseUrl: string;
  readonly webhooks: DeliveryChannelControl;
  readonly ipn: DeliveryChannelControl;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
    this.webhooks = new DeliveryChannelControl((method, path, body) => this.call(method, path, body), "/webhooks");
    this.ipn = new DeliveryChannelControl((method, path, body) => this.call(method, path, body), "/ipn");
  }

  private async call<T>(method: "GET" | "POST" | "DELETE", path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}/__emulator${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed: unknown = text.length > 0 ? JSON.parse(text) : undefined;
    if (!response.ok) throw new EmulatorControlError(response.status, parsed);
    return parsed as T;
  }

  info(): Promise<EmulatorInfo> {
    return this.call("GET", "/info");
  }

  /** Clears all state, faults, policies, latency and clock offset; keeps the start-up webhook listener. */
  async reset(): Promise<void> {
    await this.call("POST", "/reset");
  }

  async setLatency(ms: number): Promise<void> {
    await this.call("POST", "/latency", { ms });
  }

  /** Fails the next `count` matching REST calls; with `phase: "after"` the operation happens first. */
  addFault(spec: FaultSpec): Promise<FaultRule> {
    return this.call("POST", "/faults", spec);
  }

  /** Drops every fault not yet used up; orders, payments and everything else stay. */
  async clearFaults(): Promise<void> {
    await this.call("DELETE", "/faults");
  }

  async faults(): Promise<FaultRule[]> {
    return (await this.call<{ faults: FaultRule[] }>("GET", "/faults")).faults;
  }

  order(id: string): Promise<OrderState> {
    return this.call("GET", `/orders/${encodeURIComponent(id)}`);
  }

  /** The buyer approves without a browser (same effects as the approval page, including the webhook). */
  approveOrder(id: string, options: { buyer?: string; outcome?: FundingOutcome } = {}): Promise<OrderState> {
    return this.call("POST", `/orders/${encodeURIComponent(id)}/approve`, options);
  }

  cancelOrder(id: string): Promise<OrderState> {
    return this.call("POST", `/orders/${encodeURIComponent(id)}/cancel`, {});
  }

  capture(id: string): Promise<CaptureState> {
    return this.call("GET", `/captures/${encodeURIComponent(id)}`);
  }

  /** A PENDING capture clears (`PAYMENT.CAPTURE.COMPLETED`) or is denied (`PAYMENT.CAPTURE.DENIED`). */
  settleCapture(id: string, outcome: "completed" | "denied"): Promise<CaptureState> {
    return this.call("POST", `/captures/${encodeURIComponent(id)}/settle`, { outcome });
  }

  /** The merchant refunds in PayPal's own UI; `amount` (in the capture's currency) defaults to what is left. */
  refundCapture(id: string, amount?: string): Promise<Record<string, unknown>> {
    return this.call("POST", `/captures/${encodeURIComponent(id)}/refund`, amount === undefined ? {} : { amount });
  }

  /** A chargeback: `PAYMENT.CAPTURE.REVERSED`, capture REFUNDED with reason CHARGEBACK. */
  reverseCapture(id: string): Promise<Record<string, unknown>> {
    return this.call("POST", `/captures/${encodeURIComponent(id)}/reverse`, {});
  }

  approveSubscription(id: string, options: { buyer?: string } = {}): Promise<Record<string, unknown>> {
    return this.call("POST", `/subscriptions/${encodeURIComponent(id)}/approve`, options);
  }

  /** The subscription as PayPal's API shows it now. */
  subscription(id: string): Promise<Record<string, unknown>> {
    return this.call("GET", `/subscriptions/${encodeURIComponent(id)}`);
  }

  /** The next `count` charges of this subscription are declined (renewals, outstanding-balance captures). */
  failSubscriptionPayments(id: string, count = 1): Promise<Record<string, unknown>> {
    return this.call("POST", `/subscriptions/${encodeURIComponent(id)}/fail-payments`, { count });
  }

  /** A refund of a subscription payment made in PayPal's interface; `amount` (decimal string) absent means all. */
  refundSale(id: string, amount?: string): Promise<Record<string, unknown>> {
    return this.call("POST", `/sales/${encodeURIComponent(id)}/refund`, amount === undefined ? {} : { amount });
  }

  /** A chargeback on a subscription payment. */
  reverseSale(id: string): Promise<Record<string, unknown>> {
    return this.call("POST", `/sales/${encodeURIComponent(id)}/reverse`, {});
  }

  /**
   * Moves the emulator's clock forward (order expiry, token expiry, idempotency retention); subscriptions whose
   * next billing time it passes are billed, cycle by cycle, with their webhooks.
   */
  async advanceClock(seconds: number): Promise<string> {
    return (await this.call<{ now: string }>("POST", "/clock", { advanceSeconds: seconds })).now;
  }

  async now(): Promise<string> {
    return (await this.call<{ now: string }>("GET", "/clock")).now;
  }

  /** Every access token issued so far stops working (401 `invalid_token`). */
  async expireTokens(): Promise<void> {
    await this.call("POST", "/tokens/expire");
  }

  /** REST calls received, oldest first; `path` filters by prefix. */
  async calls(filter: { path?: string; method?: string } = {}): Promise<CallRecord[]> {
    const query = new URLSearchParams(Object.entries(filter).filter((entry): entry is [string, string] => entry[1] !== undefined));
    return (await this.call<{ calls: CallRecord[] }>("GET", `/calls?${query}`)).calls;
  }

  /** Webhook and IPN deliveries with their attempts; `channel` is "webhook" or "ipn". */
  async notifications(filter: { channel?: "webhook" | "ipn"; type?: string } = {}): Promise<DeliveryRecord[]> {
    const query = new URLSearchParams(Object.entries(filter).filter((entry): entry is [string, string] => entry[1] !== undefined));
    return (await this.call<{ notifications: DeliveryRecord[] }>("GET", `/notifications?${query}`)).notifications;
  }
}
