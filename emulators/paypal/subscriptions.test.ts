import { describe, expect, it } from "vitest";
import { useEmulator } from "./test-support/harness";
import { useListener } from "./test-support/listener";

const hook = useListener();

const fixture = useEmulator({
  get webhookUrl() {
    return hook.url;
  },
});

const usd = (value: string) => ({ currency_code: "USD", value });

async function activePlan() {
  const product = await fixture.api.post("/v1/catalogs/products", { name: "Coursepay membership", type: "SERVICE", category: "EDUCATIONAL_AND_TEXTBOOKS" });
  expect(product.status).toBe(201);
  expect(product.body.id).toMatch(/^PROD-/);
  const plan = await fixture.api.post(
    "/v1/billing/plans",
    {
      product_id: product.body.id,
      name: "Monthly",
      billing_cycles: [{ frequency: { interval_unit: "MONTH", interval_count: 1 }, tenure_type: "REGULAR", sequence: 1, total_cycles: 0, pricing_scheme: { fixed_price: usd("19.00") } }],
      payment_preferences: { setup_fee: usd("5.00") },
    },
    { headers: { prefer: "return=representation" } },
  );
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

  it("404s unknown subscriptions", async () => {
    expect((await fixture.api.get("/v1/billing/subscriptions/I-BW452GLLEP1G")).status).toBe(404);
  });
});
