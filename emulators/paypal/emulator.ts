/**
 * The emulator's state and routes, wired together; `server.ts` puts HTTP in front of it.
 */
import { setMaxListeners } from "node:events";
import { CallLog } from "./call-log";
import { CheckoutPage } from "./checkout-page";
import { Clock } from "./clock";
import type { EmulatorConfig } from "./config";
import { registerControlApi } from "./control-api";
import { Faults } from "./faults";
import { IdempotencyKeys } from "./idempotency";
import { Ipn } from "./ipn";
import { Tokens } from "./oauth";
import { Orders } from "./orders";
import { Payments } from "./payments";
import { Router } from "./router";
import { Sales } from "./sales";
import { registerSdk } from "./sdk/serve";
import type { SigningKeys } from "./signing";
import { Subscriptions } from "./subscriptions";
import { Webhooks } from "./webhooks";

export class Emulator {
  readonly router = new Router();
  readonly clock = new Clock();
  readonly calls = new CallLog();
  readonly faults = new Faults();
  readonly idempotency: IdempotencyKeys;
  readonly tokens: Tokens;
  readonly webhooks: Webhooks;
  readonly ipn: Ipn;
  readonly payments: Payments;
  readonly orders: Orders;
  readonly sales: Sales;
  readonly subscriptions: Subscriptions;
  readonly checkout: CheckoutPage;
  /** Added to every REST call (`POST /__emulator/latency`). */
  latencyMs = 0;
  /** Aborted on close: ends latency waits and held (`timeout` fault) requests. */
  readonly closing = new AbortController();

  constructor(
    readonly config: EmulatorConfig,
    keys: SigningKeys,
  ) {
    // Every delayed or held request listens to it: many at once is normal load, not a leak.
    setMaxListeners(0, this.closing.signal);
    this.idempotency = new IdempotencyKeys(this.clock);
    this.tokens = new Tokens(config, this.clock);
    this.webhooks = new Webhooks(config, this.clock, keys);
    this.ipn = new Ipn(config);
    this.payments = new Payments(config, this.clock, this.webhooks, this.ipn);
    this.orders = new Orders(config, this.clock, this.payments, this.webhooks);
    this.sales = new Sales(config, this.clock, this.webhooks);
    this.subscriptions = new Subscriptions(config, this.clock, this.webhooks, this.sales);
    this.checkout = new CheckoutPage(config, this.orders, this.subscriptions, this.tokens);

    this.tokens.register(this.router);
    this.orders.register(this.router);
    this.payments.register(this.router);
    this.subscriptions.register(this.router);
    this.sales.register(this.router);
    this.webhooks.register(this.router);
    this.ipn.register(this.router);
    this.checkout.register(this.router);
    registerSdk(this.router, config.publicUrl);
    registerControlApi(this.router, this);
  }

  /** Forgets everything but the configuration and the start-up webhook listener. */
  reset(): void {
    this.clock.reset();
    this.calls.reset();
    this.faults.reset();
    this.idempotency.reset();
    this.tokens.reset();
    this.webhooks.reset();
    this.ipn.reset();
    this.payments.reset();
    this.orders.reset();
    this.sales.reset();
    this.subscriptions.reset();
    this.checkout.reset();
    this.latencyMs = 0;
  }

  close(): void {
    this.closing.abort();
    this.webhooks.queue.close();
    this.ipn.queue.close();
  }
}
