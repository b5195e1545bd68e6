import { describe, expect, it, vi } from "vitest";
import { useEmulator } from "./test-support/harness";
import { useListener } from "./test-support/listener";

const hook = useListener();

const fixture = useEmulator({
  get webhookUrl() {
    return hook.url;
  },
});

const usd = (value: string) => ({ currency_code: "USD", value });

const MONTHLY = [{ frequency: { interval_unit: "MONTH", interval_count: 1 }, tenure_type: "REGULAR", sequence: 1, total_cycles: 0, pricing_scheme: { fixed_price: usd("19.00") } }];

async function activePlan(billing_cycles: unknown[] = MONTHLY, payment_preferences: Record<string, unknown> = { setup_fee: usd("5.00") }) {
  const product = await fixture.api.post("/v1/catalogs/products", { name: "Coursepay membership", type: "SERVICE", category: "EDUCATIONAL_AND_TEXTBOOKS" });
  expect(product.status).toBe(201);
  expect(product.body.id).toMatch(/^PROD-/);
  const plan = await fixture.api.post("/v1/billing/plans", { product_id: product.body.id, name: "Monthly", billing_cycles, payment_preferences }, { headers: { prefer: "return=representation" } });
  expect(plan.status).toBe(201);
  expect(plan.body.id).toMatch(/^P-[A-Z0-9]{24}$/);
  expect(plan.body.status).toBe("ACTIVE");
  return plan.body.id as string;
}

describe("subscriptions", () => {
  it("creates APPROVAL_PENDING with an approve link; approval activates it and charges setup fee + first cycle", async () => {
    hook.current.clear();
    const planId = await activePlan();
    const created = await fixture.api.post("/v1/billing/subscriptions", {
      plan_id: planId,
      custom_id: "member-7",
      application_context: { return_url: "https://shop.test/sub/return", cancel_url: "https://shop.test/sub/cancel" },
    });
    expect(created.status).toBe(201);
    expect(created.body.id).toMatch(/^I-[A-Z0-9]{12}$/);
    expect(created.body.status).toBe("APPROVAL_PENDING");
    const approve = created.body.links.find((link: { rel: string }) => link.rel === "approve");
    expect(approve.href).toMatch(new RegExp(`^${fixture.emulator.url}/webapps/billing/subscriptions\\?ba_token=BA-`));

    await fixture.emulator.control.approveSubscription(created.body.id);
    const shown = await fixture.api.get(`/v1/billing/subscriptions/${created.body.id}`);
    expect(shown.body).toMatchObject({ status: "ACTIVE", custom_id: "member-7", subscriber: { payer_id: "7E2QJ5ZKH9W3N" } });
    expect(shown.body.billing_info.last_payment.amount).toEqual(usd("24.00"));

    await fixture.emulator.control.webhooks.flush();
    const events = hook.current.received.map((request) => JSON.parse(request.raw));
    // Deliveries run concurrently: arrival order is not guaranteed.
    expect(events.map((event) => event.event_type).sort()).toEqual(["BILLING.SUBSCRIPTION.ACTIVATED", "BILLING.SUBSCRIPTION.CREATED", "PAYMENT.SALE.COMPLETED"]);
    const sale = events.find((event) => event.event_type === "PAYMENT.SALE.COMPLETED");
    expect(sale.resource_type).toBe("sale");
    expect(sale.resource_version).toBeUndefined();
    expect(sale.resource).toMatchObject({ state: "completed", amount: { total: "24.00", currency: "USD" }, billing_agreement_id: created.body.id });
  });

  it("suspends, reactivates and cancels; refuses transitions from the wrong status", async () => {
    const created = await fixture.api.post("/v1/billing/subscriptions", { plan_id: await activePlan() });
    const id = created.body.id as string;
    const action = (name: string, reason = "Member asked") => fixture.api.post(`/v1/billing/subscriptions/${id}/${name}`, { reason });
    const early = await action("suspend");
    expect(early.status).toBe(422);
    expect(early.body.details[0].issue).toBe("SUBSCRIPTION_STATUS_INVALID");
    await fixture.emulator.control.approveSubscription(id);
    expect((await action("suspend")).status).toBe(204);
    expect((await action("activate")).status).toBe(204);
    expect((await action("cancel")).status).toBe(204);
    const shown = await fixture.api.get(`/v1/billing/subscriptions/${id}`);
    expect(shown.body).toMatchObject({ status: "CANCELLED", status_change_note: "Member asked" });
    const tooLong = await action("cancel", "x".repeat(129));
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.details[0].issue).toBe("INVALID_STRING_MAX_LENGTH");
  });

  it("refuses plans that are not ACTIVE", async () => {
    const planId = await activePlan();
    expect((await fixture.api.post(`/v1/billing/plans/${planId}/deactivate`)).status).toBe(204);
    const refused = await fixture.api.post("/v1/billing/subscriptions", { plan_id: planId });
    expect(refused.status).toBe(422);
    expect(refused.body.details[0].issue).toBe("PLAN_STATUS_INVALID");
    const reactivated = await fixture.api.post(`/v1/billing/plans/${planId}/activate`);
    expect(reactivated.status).toBe(204);
    expect((await fixture.api.post(`/v1/billing/plans/${planId}/activate`)).status).toBe(422);
  });

  const DAY = 24 * 3600;
  /** Time passes at PayPal: due renewals happen; access tokens issued before have expired by then. */
  async function advance(seconds: number) {
    await fixture.emulator.control.advanceClock(seconds);
    fixture.api.forgetToken();
  }
  /** A subscription to a fresh plan, approved by the default buyer; the listener's earlier deliveries cleared. */
  async function subscribed(billingCycles?: unknown[], preferences?: Record<string, unknown>) {
    const planId = await activePlan(billingCycles, preferences);
    const created = await fixture.api.post("/v1/billing/subscriptions", { plan_id: planId, custom_id: "sub-42" });
    await fixture.emulator.control.approveSubscription(created.body.id);
    await fixture.emulator.control.webhooks.flush();
    hook.current.clear();
    return created.body.id as string;
  }
  const show = async (id: string) => (await fixture.api.get(`/v1/billing/subscriptions/${id}`)).body;
  async function eventsSince() {
    await fixture.emulator.control.webhooks.flush();
    const events = hook.current.received.map((request) => JSON.parse(request.raw));
    hook.current.clear();
    return events;
  }
  const transactions = async (id: string) =>
    (await fixture.api.get(`/v1/billing/subscriptions/${id}/transactions?start_time=2000-01-01T00:00:00Z&end_time=2100-01-01T00:00:00Z`)).body.transactions;

  it("bills a free trial, then every month on the emulator's clock: a sale and PAYMENT.SALE.COMPLETED per payment", async () => {
    const id = await subscribed([
      { frequency: { interval_unit: "DAY", interval_count: 7 }, tenure_type: "TRIAL", sequence: 1, total_cycles: 1 },
      ...MONTHLY.map((cycle) => ({ ...cycle, sequence: 2 })),
    ], {});
    let shown = await show(id);
    expect(shown.billing_info).toMatchObject({ outstanding_balance: usd("0.00"), failed_payments_count: 0, cycle_executions: [{ tenure_type: "TRIAL", cycles_completed: 1 }, { tenure_type: "REGULAR", cycles_completed: 0 }] });
    expect(shown.billing_info.last_payment).toBeUndefined(); // a free trial charges nothing
    const trialEnds = Date.parse(shown.billing_info.next_billing_time);

    await advance(7 * DAY);
    shown = await show(id);
    expect(shown.billing_info.last_payment).toMatchObject({ amount: usd("19.00") });
    expect(Date.parse(shown.billing_info.next_billing_time)).toBeGreaterThan(trialEnds + 27 * DAY * 1000);
    await advance(31 * DAY);
    await advance(31 * DAY);
    const events = await eventsSince();
    const sales = events.filter((event) => event.event_type === "PAYMENT.SALE.COMPLETED");
    expect(sales.map((event) => event.resource.amount.total)).toEqual(["19.00", "19.00", "19.00"]);
    expect(sales.every((event) => event.resource.billing_agreement_id === id)).toBe(true);
    expect((await show(id)).billing_info.cycle_executions[1].cycles_completed).toBe(3);

    const listed = await transactions(id);
    expect(listed.map((t: { status: string }) => t.status)).toEqual(["COMPLETED", "COMPLETED", "COMPLETED"]);
    const sale = await fixture.api.get(`/v1/payments/sale/${listed[0].id}`);
    expect(sale.body).toMatchObject({ id: listed[0].id, state: "completed", billing_agreement_id: id, amount: { total: "19.00", currency: "USD" } });
  });

  it("a declined renewal is owed and announced; at the threshold it suspends; the balance collected, it bills again", async () => {
    const id = await subscribed(MONTHLY, { payment_failure_threshold: 2, auto_bill_outstanding: true });
    await fixture.emulator.control.failSubscriptionPayments(id, 2);
    await advance(31 * DAY);
    let shown = await show(id);
    expect(shown).toMatchObject({ status: "ACTIVE", billing_info: { outstanding_balance: usd("19.00"), failed_payments_count: 1, last_failed_payment: { amount: usd("19.00"), reason_code: "PAYMENT_DENIED" } } });
    await advance(31 * DAY); // the owed 19.00 and the new 19.00: declined again
    shown = await show(id);
    expect(shown).toMatchObject({ status: "SUSPENDED", status_change_note: "Payment failure threshold reached", billing_info: { outstanding_balance: usd("38.00"), failed_payments_count: 2 } });
    const events = await eventsSince();
    expect(events.map((event) => event.event_type).sort()).toEqual(["BILLING.SUBSCRIPTION.PAYMENT.FAILED", "BILLING.SUBSCRIPTION.PAYMENT.FAILED", "BILLING.SUBSCRIPTION.SUSPENDED"]);
    expect((await transactions(id)).map((t: { status: string }) => t.status)).toEqual(["COMPLETED", "DECLINED", "DECLINED"]);
    await advance(31 * DAY); // suspended: not billed

    const refused = await fixture.api.post(`/v1/billing/subscriptions/${id}/activate`, { reason: "Card updated" });
    expect(refused.body.details[0].issue).toBe("SUBSCRIPTION_CANNOT_BE_ACTIVATED");
    const tooMuch = await fixture.api.post(`/v1/billing/subscriptions/${id}/capture`, { note: "Outstanding", capture_type: "OUTSTANDING_BALANCE", amount: usd("40.00") });
    expect(tooMuch.body.details[0].issue).toBe("AMOUNT_GREATER_THAN_OUTSTANDING_BALANCE");
    const captured = await fixture.api.post(`/v1/billing/subscriptions/${id}/capture`, { note: "Outstanding", capture_type: "OUTSTANDING_BALANCE", amount: usd("38.00") });
    expect(captured.status).toBe(200);
    expect(captured.body).toMatchObject({ status: "COMPLETED", amount_with_breakdown: { gross_amount: usd("38.00") } });
    const activatedAfter = Date.parse(await fixture.emulator.control.now());
    expect((await fixture.api.post(`/v1/billing/subscriptions/${id}/activate`, { reason: "Card updated" })).status).toBe(204);
    shown = await show(id);
    expect(shown).toMatchObject({ status: "ACTIVE", billing_info: { outstanding_balance: usd("0.00"), failed_payments_count: 0 } });
    // Billing resumes from the activation, not from the cycles missed while suspended. PayPal's times are whole
    // seconds, so the bound is the second the activation started in, however slowly the machine runs.
    expect(Date.parse(shown.billing_info.next_billing_time)).toBeGreaterThanOrEqual(Math.floor(activatedAfter / 1000) * 1000);
  });

  it("collecting the balance answers the transaction it made, however much time passes while it is made", async () => {
    const id = await subscribed(MONTHLY, { payment_failure_threshold: 3 });
    await fixture.emulator.control.failSubscriptionPayments(id, 1);
    await advance(31 * DAY);
    // Every reading of the clock a millisecond later than the last, as on a busy machine.
    const realNow = Date.now.bind(Date);
    let drift = 0;
    const clock = vi.spyOn(Date, "now").mockImplementation(() => realNow() + ++drift);
    try {
      const captured = await fixture.api.post(`/v1/billing/subscriptions/${id}/capture`, { note: "Outstanding", capture_type: "OUTSTANDING_BALANCE", amount: usd("19.00") });
      expect(captured.status).toBe(200);
      expect(captured.body).toMatchObject({ status: "COMPLETED", amount_with_breakdown: { gross_amount: usd("19.00") } });
    } finally {
      clock.mockRestore();
    }
  });

  it("the buyer pays what is owed on the Automatic payments page, and a suspended subscription runs again", async () => {
    const id = await subscribed(MONTHLY, { payment_failure_threshold: 1 });
    await fixture.emulator.control.failSubscriptionPayments(id, 1);
    await advance(31 * DAY);
    expect(await show(id)).toMatchObject({ status: "SUSPENDED", billing_info: { outstanding_balance: usd("19.00") } });
    const page = await (await fetch(`${fixture.emulator.url}/myaccount/autopay/`)).text();
    expect(page).toContain(`<code>${id}</code>`);
    expect(page).toContain("Update payment method and pay 19.00 USD");
    const paid = await fetch(`${fixture.emulator.url}/myaccount/autopay/pay`, { method: "POST", body: new URLSearchParams({ id }), headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(await paid.text()).toContain("Paid. Your automatic payments are up to date.");
    expect(await show(id)).toMatchObject({ status: "ACTIVE", billing_info: { outstanding_balance: usd("0.00"), failed_payments_count: 0 } });
    const types = (await eventsSince()).map((event) => event.event_type as string);
    expect(types.filter((t) => t.startsWith("PAYMENT.SALE") || t.endsWith("ACTIVATED")).sort()).toEqual(["BILLING.SUBSCRIPTION.ACTIVATED", "PAYMENT.SALE.COMPLETED"]);
  });

  it("a declined first payment cancels a subscription whose setup fee must be paid (setup_fee_failure_action CANCEL), and is owed with CONTINUE", async () => {
    for (const action of ["CANCEL", "CONTINUE"]) {
      const planId = await activePlan(MONTHLY, { setup_fee: usd("5.00"), setup_fee_failure_action: action });
      const created = await fixture.api.post("/v1/billing/subscriptions", { plan_id: planId });
      await fixture.emulator.control.failSubscriptionPayments(created.body.id, 1);
      await fixture.emulator.control.approveSubscription(created.body.id);
      const shown = await show(created.body.id);
      if (action === "CANCEL") expect(shown).toMatchObject({ status: "CANCELLED", status_change_note: "Setup fee payment failed" });
      else expect(shown).toMatchObject({ status: "ACTIVE", billing_info: { outstanding_balance: usd("24.00"), failed_payments_count: 1 } });
    }
  });

  it("a payment plan of three instalments expires after the last one", async () => {
    const id = await subscribed([{ ...MONTHLY[0], total_cycles: 3, pricing_scheme: { fixed_price: usd("33.00") } }], {});
    await advance(31 * DAY);
    await advance(31 * DAY);
    let shown = await show(id);
    expect(shown.billing_info).toMatchObject({ cycle_executions: [{ cycles_completed: 3, cycles_remaining: 0, total_cycles: 3 }], final_payment_time: expect.any(String) });
    expect(shown.status).toBe("ACTIVE");
    await advance(31 * DAY);
    shown = await show(id);
    expect(shown.status).toBe("EXPIRED");
    expect(shown.billing_info.next_billing_time).toBeUndefined();
    const events = await eventsSince();
    // Deliveries run concurrently: compared without their arrival order.
    expect(events.map((event) => event.event_type).sort()).toEqual(["BILLING.SUBSCRIPTION.EXPIRED", "PAYMENT.SALE.COMPLETED", "PAYMENT.SALE.COMPLETED"]);
    expect((await transactions(id))).toHaveLength(3);
  });

  it("refunds a sale in part and then in full through the v1 API; a dashboard refund and a chargeback are announced", async () => {
    const id = await subscribed();
    const [first] = await transactions(id);
    const part = await fixture.api.post(`/v1/payments/sale/${first.id}/refund`, { amount: { total: "4.00", currency: "USD" } });
    expect(part.status).toBe(201);
    expect(part.body).toMatchObject({ state: "completed", sale_id: first.id, amount: { total: "4.00", currency: "USD" } });
    expect((await fixture.api.post(`/v1/payments/sale/${first.id}/refund`, { amount: { total: "99.00", currency: "USD" } })).status).toBe(422);
    await fixture.api.post(`/v1/payments/sale/${first.id}/refund`, {});
    expect((await fixture.api.get(`/v1/payments/sale/${first.id}`)).body.state).toBe("refunded");
    await advance(31 * DAY);
    const [, renewal] = await transactions(id);
    await fixture.emulator.control.reverseSale(renewal.id);
    const events = await eventsSince();
    expect(events.map((event) => `${event.event_type} ${event.resource_type}`).sort()).toEqual([
      "PAYMENT.SALE.COMPLETED sale",
      "PAYMENT.SALE.REFUNDED refund",
      "PAYMENT.SALE.REFUNDED refund",
      "PAYMENT.SALE.REVERSED sale",
    ]);
    expect(events.find((event) => event.event_type === "PAYMENT.SALE.REVERSED").resource).toMatchObject({ id: renewal.id, state: "reversed", billing_agreement_id: id });
    expect((await transactions(id)).map((t: { status: string }) => t.status)).toEqual(["REFUNDED", "REFUNDED"]);
  });

  it("lists plans by product, PATCHes their preferences and changes a cycle's price as a new pricing version", async () => {
    const planId = await activePlan();
    const plan = (await fixture.api.get(`/v1/billing/plans/${planId}`)).body;
    const listed = await fixture.api.get(`/v1/billing/plans?product_id=${plan.product_id}`);
    expect(listed.body).toMatchObject({ total_items: 1, plans: [{ id: planId, status: "ACTIVE" }] });
    const patched = await fixture.api.raw("PATCH", `/v1/billing/plans/${planId}`, {
      body: [
        { op: "replace", path: "/payment_preferences/setup_fee", value: usd("9.00") },
        { op: "replace", path: "/payment_preferences/payment_failure_threshold", value: 3 },
      ],
    });
    expect(patched.status).toBe(204);
    const refused = await fixture.api.raw("PATCH", `/v1/billing/plans/${planId}`, { body: [{ op: "replace", path: "/billing_cycles", value: [] }] });
    expect(refused.body.details[0].issue).toBe("INVALID_PATCH_PATH");
    expect((await fixture.api.post(`/v1/billing/plans/${planId}/update-pricing-schemes`, { pricing_schemes: [{ billing_cycle_sequence: 1, pricing_scheme: { fixed_price: usd("24.00") } }] })).status).toBe(204);
    const after = (await fixture.api.get(`/v1/billing/plans/${planId}`)).body;
    expect(after.payment_preferences).toMatchObject({ setup_fee: usd("9.00"), payment_failure_threshold: 3 });
    expect(after.billing_cycles[0].pricing_scheme).toMatchObject({ version: 2, fixed_price: usd("24.00") });
  });

  it("404s unknown subscriptions", async () => {
    expect((await fixture.api.get("/v1/billing/subscriptions/I-BW452GLLEP1G")).status).toBe(404);
  });
});
