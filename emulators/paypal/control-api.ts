/**
 * The emulator's control API under `/__emulator` (a prefix PayPal never uses): state resets, fault injection,
 * clock, buyer actions without a browser, PayPal-side events, and delivery policies. `control.ts` is its client.
 */
import { DEFAULT_BUYER, findBuyer, type BuyerAccount } from "./buyers";
import type { DeliveryQueue, ReleaseOrder } from "./delivery";
import type { Emulator } from "./emulator";
import { badRequest } from "./errors";
import type { FaultKind, FaultPhase } from "./faults";
import type { FundingOutcome } from "./payments";
import type { RequestContext, Router } from "./router";
import { bodyObject, moneyField, stringField, type JsonObject } from "./validation";

const OUTCOMES: readonly FundingOutcome[] = ["success", "declined", "pending", "failure"];
const RELEASE_ORDERS: readonly ReleaseOrder[] = ["fifo", "reverse", "shuffle"];
const DEFAULT_FLUSH_TIMEOUT_MS = 10_000;

function numberField(body: JsonObject, key: string, range: { min: number; max: number }): number | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (typeof value !== "number" || Number.isNaN(value) || value < range.min || value > range.max) {
    throw badRequest("INVALID_PARAMETER_VALUE", { field: `/${key}`, value: String(value) });
  }
  return value;
}

function buyerField(body: JsonObject): BuyerAccount {
  const email = stringField(body, "buyer", "");
  if (email === undefined) return DEFAULT_BUYER;
  const buyer = findBuyer(email);
  if (!buyer) throw badRequest("INVALID_PARAMETER_VALUE", { field: "/buyer", value: email });
  return buyer;
}

const ok = (body: unknown) => ({ status: 200, body });
const bodyOf = (context: RequestContext) => bodyObject(context.json());

/** policy / hold / release / flush for one outgoing channel (`webhooks` or `ipn`). */
function registerDeliveryControls(router: Router, channel: string, queue: DeliveryQueue): void {
  const control = { kind: "control" } as const;
  const base = `/__emulator/${channel}`;
  router.add("GET", `${base}/policy`, control, () => ok(queue.currentPolicy()));
  router.add("POST", `${base}/policy`, control, (context) => {
    const body = bodyOf(context);
    const duplicate = body.duplicate === true ? 1 : body.duplicate === false ? 0 : numberField(body, "duplicate", { min: 0, max: 1 });
    const retries = body.retryDelaysMs;
    if (retries !== undefined && (!Array.isArray(retries) || retries.some((delay) => typeof delay !== "number" || delay < 0))) {
      throw badRequest("INVALID_PARAMETER_VALUE", { field: "/retryDelaysMs" });
    }
    const update = {
      duplicate,
      delayMs: numberField(body, "delayMs", { min: 0, max: 600_000 }),
      drop: numberField(body, "drop", { min: 0, max: 1 }),
      failFirst: numberField(body, "failFirst", { min: 0, max: 1_000 }),
      seed: numberField(body, "seed", { min: 0, max: 2 ** 32 }),
      retryDelaysMs: retries as number[] | undefined,
    };
    return ok(queue.setPolicy(Object.fromEntries(Object.entries(update).filter(([, value]) => value !== undefined))));
  });
  router.add("POST", `${base}/hold`, control, () => {
    queue.hold();
    return ok({ holding: true });
  });
  router.add("POST", `${base}/release`, control, async (context) => {
    const body = bodyOf(context);
    const order = (stringField(body, "order", "", { oneOf: RELEASE_ORDERS }) ?? "fifo") as ReleaseOrder;
    return ok({ released: await queue.release(order, numberField(body, "seed", { min: 0, max: 2 ** 32 })) });
  });
  router.add("POST", `${base}/flush`, control, async (context) => {
    const timeoutMs = numberField(bodyOf(context), "timeoutMs", { min: 0, max: 600_000 }) ?? DEFAULT_FLUSH_TIMEOUT_MS;
    return ok({ idle: await queue.flush(timeoutMs), held: queue.heldCount() });
  });
}

export function registerControlApi(router: Router, emulator: Emulator): void {
  const control = { kind: "control" } as const;
  const { orders, payments, subscriptions, config } = emulator;

  router.add("GET", "/__emulator/info", control, () =>
    ok({
      publicUrl: config.publicUrl,
      clientId: config.clientId,
      webhookId: config.webhookId,
      certUrl: emulator.webhooks.certUrl,
      businessEmail: config.businessEmail,
      merchantId: config.merchantId,
      now: new Date(emulator.clock.now()).toISOString(),
    }),
  );
  router.add("POST", "/__emulator/reset", control, () => {
    emulator.reset();
    return ok({ reset: true });
  });
  router.add("POST", "/__emulator/latency", control, (context) => {
    emulator.latencyMs = numberField(bodyOf(context), "ms", { min: 0, max: 600_000 }) ?? 0;
    return ok({ ms: emulator.latencyMs });
  });
  router.add("GET", "/__emulator/faults", control, () => ok({ faults: emulator.faults.list() }));
  router.add("DELETE", "/__emulator/faults", control, () => {
    emulator.faults.reset();
    return ok({ faults: [] });
  });
  router.add("POST", "/__emulator/faults", control, (context) => {
    const body = bodyOf(context);
    const rule = emulator.faults.add({
      method: stringField(body, "method", ""),
      path: stringField(body, "path", "", { required: true, min: 1 }),
      count: numberField(body, "count", { min: 1, max: 1_000_000 }) ?? 1,
      kind: stringField(body, "kind", "", { required: true }) as FaultKind,
      phase: (stringField(body, "phase", "") ?? "before") as FaultPhase,
      holdMs: numberField(body, "holdMs", { min: 0, max: 600_000 }),
    });
    return { status: 201, body: rule };
  });

  router.add("GET", "/__emulator/orders/{id}", control, (context) => ok(orders.internalState(orders.find(context.params.id as string))));
  router.add("POST", "/__emulator/orders/{id}/approve", control, (context) => {
    const order = orders.find(context.params.id as string);
    const body = bodyOf(context);
    const outcome = (stringField(body, "outcome", "", { oneOf: OUTCOMES }) ?? "success") as FundingOutcome;
    orders.approve(order, buyerField(body), outcome);
    return ok(orders.internalState(order));
  });
  router.add("POST", "/__emulator/orders/{id}/cancel", control, (context) => {
    const order = orders.find(context.params.id as string);
    orders.cancel(order);
    return ok(orders.internalState(order));
  });

  router.add("GET", "/__emulator/captures/{id}", control, (context) => ok(payments.internalState(payments.capture(context.params.id as string))));
  router.add("POST", "/__emulator/captures/{id}/settle", control, (context) => {
    const capture = payments.capture(context.params.id as string);
    const outcome = stringField(bodyOf(context), "outcome", "", { required: true, oneOf: ["completed", "denied"] }) as "completed" | "denied";
    payments.settle(capture, outcome);
    return ok(payments.internalState(capture));
  });
  router.add("POST", "/__emulator/captures/{id}/refund", control, (context) => {
    const capture = payments.capture(context.params.id as string);
    const body = bodyOf(context);
    const amount =
      body.amount === undefined
        ? undefined
        : moneyField({ amount: { currency_code: capture.currency, value: stringField(body, "amount", "", { required: true }) } }, "amount", "", { positive: true });
    return ok(payments.renderRefund(payments.refund(capture, { amount })));
  });
  router.add("POST", "/__emulator/captures/{id}/reverse", control, (context) => ok(payments.renderRefund(payments.reverse(payments.capture(context.params.id as string)))));

  router.add("POST", "/__emulator/subscriptions/{id}/approve", control, (context) => {
    const subscription = subscriptions.find(context.params.id as string);
    subscriptions.approve(subscription, buyerField(bodyOf(context)));
    return ok(subscriptions.renderSubscription(subscription));
  });

  router.add("GET", "/__emulator/subscriptions/{id}", control, (context) => ok(subscriptions.renderSubscription(subscriptions.find(context.params.id as string))));
  router.add("POST", "/__emulator/subscriptions/{id}/fail-payments", control, (context) => {
    const subscription = subscriptions.find(context.params.id as string);
    subscriptions.failPayments(subscription, numberField(bodyOf(context), "count", { min: 0, max: 99 }) ?? 1);
    return ok(subscriptions.renderSubscription(subscription));
  });
  router.add("POST", "/__emulator/sales/{id}/refund", control, (context) => {
    const sale = emulator.sales.find(context.params.id as string);
    const body = bodyOf(context);
    const amount =
      body.amount === undefined
        ? undefined
        : moneyField({ amount: { currency_code: sale.currency, value: stringField(body, "amount", "", { required: true }) } }, "amount", "", { positive: true });
    emulator.sales.refund(sale, amount?.minor);
    return ok(emulator.sales.render(sale));
  });
  router.add("POST", "/__emulator/sales/{id}/reverse", control, (context) => ok(emulator.sales.render(emulator.sales.reverse(emulator.sales.find(context.params.id as string)))));

  registerDeliveryControls(router, "webhooks", emulator.webhooks.queue);
  registerDeliveryControls(router, "ipn", emulator.ipn.queue);

  router.add("GET", "/__emulator/clock", control, () => ok({ now: new Date(emulator.clock.now()).toISOString() }));
  router.add("POST", "/__emulator/clock", control, (context) => {
    emulator.clock.advance(numberField(bodyOf(context), "advanceSeconds", { min: 0, max: 10 * 365 * 24 * 3600 }) ?? 0);
    // Time passing is what bills subscriptions: every renewal now due happens, with its webhooks.
    subscriptions.billDue();
    return ok({ now: new Date(emulator.clock.now()).toISOString() });
  });
  router.add("POST", "/__emulator/tokens/expire", control, () => {
    emulator.tokens.expireAll();
    return ok({ expired: true });
  });
  router.add("GET", "/__emulator/calls", control, (context) =>
    ok({ calls: emulator.calls.list({ path: context.query.get("path"), method: context.query.get("method") }) }),
  );
  router.add("GET", "/__emulator/notifications", control, (context) => {
    const channel = context.query.get("channel");
    const type = context.query.get("type");
    const all = [...emulator.webhooks.queue.list(), ...emulator.ipn.queue.list()];
    return ok({
      notifications: all.filter((record) => (!channel || record.channel === channel) && (!type || record.type === type)),
    });
  });
}
