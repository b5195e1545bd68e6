import { describe, expect, it } from "vitest";
import { approvedOrder, orderBody, useEmulator } from "./test-support/harness";

const fixture = useEmulator();

const usd = (value: string) => ({ currency_code: "USD", value });

describe("create order", () => {
  it("answers 201 with id, CREATED and links to the emulator (Prefer: return=minimal by default)", async () => {
    const response = await fixture.api.createOrder();
    expect(response.status).toBe(201);
    expect(response.body.id).toMatch(/^[A-Z0-9]{17}$/);
    expect(response.body.status).toBe("CREATED");
    expect(Object.keys(response.body).sort()).toEqual(["id", "links", "status"]);
    const rels = Object.fromEntries(response.body.links.map((link: { rel: string; href: string }) => [link.rel, link.href]));
    expect(rels.approve).toBe(`${fixture.emulator.url}/checkoutnow?token=${response.body.id}`);
    expect(rels.self).toBe(`${fixture.emulator.url}/v2/checkout/orders/${response.body.id}`);
    expect(rels.capture).toBe(`${rels.self}/capture`);
  });

  it("returns the full order with Prefer: return=representation, amounts normalised", async () => {
    const body = orderBody({ value: "12.5", quantity: 2 });
    const response = await fixture.api.createOrder(body, { prefer: "return=representation" });
    const unit = response.body.purchase_units[0];
    expect(unit.amount).toEqual({ ...usd("25.00"), breakdown: { item_total: usd("25.00") } });
    expect(unit.items[0]).toMatchObject({ name: "TypeScript for payments", quantity: "2", unit_amount: usd("12.50"), sku: "COURSE-TS" });
    expect(unit.reference_id).toBe("default");
    expect(unit.custom_id).toBe("checkout-42");
    expect(unit.payee).toEqual({ email_address: "merchant@coursepay.test", merchant_id: fixture.emulator.config.merchantId });
  });

  it("starts as PAYER_ACTION_REQUIRED with a payer-action link when payment_source.paypal is sent", async () => {
    const response = await fixture.api.createOrder({
      ...orderBody(),
      payment_source: { paypal: { experience_context: { return_url: "https://shop.test/return", cancel_url: "https://shop.test/cancel", user_action: "PAY_NOW" } } },
    });
    expect(response.body.status).toBe("PAYER_ACTION_REQUIRED");
    expect(response.body.links.map((link: { rel: string }) => link.rel)).toEqual(["self", "payer-action"]);
  });

  it.each([
    ["missing intent", { purchase_units: orderBody().purchase_units }, 400, "MISSING_REQUIRED_PARAMETER", "/intent"],
    ["unknown intent", { ...orderBody(), intent: "SELL" }, 400, "INVALID_PARAMETER_VALUE", "/intent"],
    ["no purchase units", { intent: "CAPTURE", purchase_units: [] }, 400, "INVALID_ARRAY_MIN_ITEMS", "/purchase_units"],
    ["custom_id too long", orderBody({ customId: "x".repeat(128) }), 400, "INVALID_STRING_LENGTH", "/purchase_units/0/custom_id"],
    ["value not a number", { intent: "CAPTURE", purchase_units: [{ amount: usd("ten") }] }, 400, "INVALID_PARAMETER_SYNTAX", "/purchase_units/0/amount/value"],
    ["unknown currency", { intent: "CAPTURE", purchase_units: [{ amount: { currency_code: "XYZ", value: "1.00" } }] }, 422, "INVALID_CURRENCY_CODE", undefined],
    ["three decimals", { intent: "CAPTURE", purchase_units: [{ amount: usd("1.005") }] }, 422, "DECIMAL_PRECISION", undefined],
    ["decimals on JPY", { intent: "CAPTURE", purchase_units: [{ amount: { currency_code: "JPY", value: "1500.00" } }] }, 422, "DECIMAL_PRECISION", undefined],
    ["zero amount", { intent: "CAPTURE", purchase_units: [{ amount: usd("0.00") }] }, 422, "CANNOT_BE_ZERO_OR_NEGATIVE", undefined],
    ["too large", { intent: "CAPTURE", purchase_units: [{ amount: usd("1000000000000000.00") }] }, 422, "MAX_VALUE_EXCEEDED", undefined],
    ["items without item_total", { intent: "CAPTURE", purchase_units: [{ amount: usd("10.00"), items: [{ name: "A", quantity: "1", unit_amount: usd("10.00") }] }] }, 422, "ITEM_TOTAL_REQUIRED", undefined],
    [
      "item_total ≠ Σ unit × quantity",
      { intent: "CAPTURE", purchase_units: [{ amount: { ...usd("20.00"), breakdown: { item_total: usd("20.00") } }, items: [{ name: "A", quantity: "3", unit_amount: usd("10.00") }] }] },
      422,
      "ITEM_TOTAL_MISMATCH",
      undefined,
    ],
    ["amount ≠ breakdown", { intent: "CAPTURE", purchase_units: [{ amount: { ...usd("11.00"), breakdown: { item_total: usd("10.00") } } }] }, 422, "AMOUNT_MISMATCH", "/purchase_units/@reference_id=='default'/amount/value"],
    [
      "two currencies",
      { intent: "CAPTURE", purchase_units: [{ reference_id: "a", amount: usd("1.00") }, { reference_id: "b", amount: { currency_code: "EUR", value: "1.00" } }] },
      422,
      "MULTI_CURRENCY_ORDER",
      undefined,
    ],
    ["two units without reference ids", { intent: "CAPTURE", purchase_units: [{ amount: usd("1.00") }, { amount: usd("1.00") }] }, 422, "REFERENCE_ID_REQUIRED", undefined],
    ["duplicate reference ids", { intent: "CAPTURE", purchase_units: [{ reference_id: "a", amount: usd("1.00") }, { reference_id: "a", amount: usd("1.00") }] }, 422, "DUPLICATE_REFERENCE_ID", undefined],
    [
      "tax without tax_total",
      { intent: "CAPTURE", purchase_units: [{ amount: { ...usd("11.00"), breakdown: { item_total: usd("10.00") } }, items: [{ name: "A", quantity: "1", unit_amount: usd("10.00"), tax: usd("1.00") }] }] },
      422,
      "TAX_TOTAL_REQUIRED",
      undefined,
    ],
  ])("rejects %s with %i %s", async (_name, body, status, issue, field) => {
    const response = await fixture.api.createOrder(body);
    expect(response.status).toBe(status);
    expect(response.body.name).toBe(status === 400 ? "INVALID_REQUEST" : "UNPROCESSABLE_ENTITY");
    expect(response.body.details[0].issue).toBe(issue);
    if (field) expect(response.body.details[0].field).toBe(field);
    expect(response.body.debug_id).toMatch(/^[0-9a-f]{13}$/);
  });

  it("accepts whole amounts in zero-decimal currencies", async () => {
    const response = await fixture.api.createOrder(orderBody({ currency: "JPY", value: "1500" }), { prefer: "return=representation" });
    expect(response.status).toBe(201);
    expect(response.body.purchase_units[0].amount.value).toBe("1500");
  });

  it("answers malformed JSON with 400 MALFORMED_REQUEST_JSON", async () => {
    const response = await fixture.api.raw("POST", "/v2/checkout/orders", { rawBody: '{"intent": "CAPTURE",', headers: { "content-type": "application/json" } });
    expect(response.status).toBe(400);
    expect(response.body.details[0].issue).toBe("MALFORMED_REQUEST_JSON");
  });
});

describe("show order", () => {
  it("404s unknown ids with INVALID_RESOURCE_ID in the path", async () => {
    const response = await fixture.api.get("/v2/checkout/orders/5O190127TN364715T");
    expect(response.status).toBe(404);
    expect(response.body.name).toBe("RESOURCE_NOT_FOUND");
    expect(response.body.details[0]).toMatchObject({ issue: "INVALID_RESOURCE_ID", location: "path" });
  });

  it("expires unfinished orders after 3 hours of emulator time, but not completed ones", async () => {
    const open = (await fixture.api.createOrder()).body.id;
    const done = await approvedOrder(fixture);
    await fixture.api.capture(done);
    await fixture.emulator.control.advanceClock(3 * 3600 - 5);
    expect((await fixture.api.get(`/v2/checkout/orders/${open}`)).status).toBe(200);
    await fixture.emulator.control.advanceClock(10);
    expect((await fixture.api.get(`/v2/checkout/orders/${open}`)).status).toBe(404);
    expect((await fixture.api.capture(open)).status).toBe(404);
    expect((await fixture.api.get(`/v2/checkout/orders/${done}`)).status).toBe(200);
  });
});

describe("capture", () => {
  it("refuses an order the buyer has not approved", async () => {
    const id = (await fixture.api.createOrder()).body.id;
    const response = await fixture.api.capture(id);
    expect(response.status).toBe(422);
    expect(response.body.details[0].issue).toBe("ORDER_NOT_APPROVED");
  });

  it("captures an approved order: COMPLETED, capture with fee breakdown, payer and links", async () => {
    const id = await approvedOrder(fixture);
    const response = await fixture.api.capture(id);
    expect(response.status).toBe(201);
    expect(response.body.status).toBe("COMPLETED");
    const capture = response.body.purchase_units[0].payments.captures[0];
    expect(capture).toMatchObject({
      status: "COMPLETED",
      amount: usd("49.00"),
      custom_id: "checkout-42",
      final_capture: true,
      // 3.49 % of 49.00 = 1.71, plus 0.49.
      seller_receivable_breakdown: { gross_amount: usd("49.00"), paypal_fee: usd("2.20"), net_amount: usd("46.80") },
    });
    expect(capture.id).toMatch(/^[A-Z0-9]{17}$/);
    expect(capture.links.map((link: { rel: string }) => link.rel)).toEqual(["self", "refund", "up"]);
    expect(response.body.payer).toMatchObject({ email_address: "buyer@coursepay.test", payer_id: "7E2QJ5ZKH9W3N" });
    expect(response.body.payment_source.paypal.account_id).toBe("7E2QJ5ZKH9W3N");
    expect(response.body.links.map((link: { rel: string }) => link.rel)).toEqual(["self"]);
  });

  it("refuses a second capture with ORDER_ALREADY_CAPTURED", async () => {
    const id = await approvedOrder(fixture);
    await fixture.api.capture(id);
    const again = await fixture.api.capture(id);
    expect(again.status).toBe(422);
    expect(again.body.details[0].issue).toBe("ORDER_ALREADY_CAPTURED");
  });

  it("declined funding: 422 INSTRUMENT_DECLINED, order stays APPROVED, succeeds after the buyer approves again", async () => {
    const id = await approvedOrder(fixture, "declined");
    const declined = await fixture.api.capture(id, { "paypal-request-id": `capture-${id}` });
    expect(declined.status).toBe(422);
    expect(declined.body.details[0].issue).toBe("INSTRUMENT_DECLINED");
    expect((await fixture.api.get(`/v2/checkout/orders/${id}`)).body.status).toBe("APPROVED");
    await fixture.emulator.control.approveOrder(id, { outcome: "success" });
    // The failed attempt was not stored under its PayPal-Request-Id, so the same key runs the capture again.
    const captured = await fixture.api.capture(id, { "paypal-request-id": `capture-${id}` });
    expect(captured.status).toBe(201);
    expect(captured.body.purchase_units[0].payments.captures[0].status).toBe("COMPLETED");
  });

  it("pending funding: 201, order COMPLETED, capture PENDING/ECHECK without a fee breakdown", async () => {
    const id = await approvedOrder(fixture, "pending");
    const response = await fixture.api.capture(id);
    expect(response.status).toBe(201);
    expect(response.body.status).toBe("COMPLETED");
    const capture = response.body.purchase_units[0].payments.captures[0];
    expect(capture.status).toBe("PENDING");
    expect(capture.status_details).toEqual({ reason: "ECHECK" });
    expect(capture.seller_receivable_breakdown).toBeUndefined();
  });

  it("failed funding: 201 and a COMPLETED order whose capture is DECLINED", async () => {
    const id = await approvedOrder(fixture, "failure");
    const response = await fixture.api.capture(id);
    expect(response.status).toBe(201);
    expect(response.body.status).toBe("COMPLETED");
    expect(response.body.purchase_units[0].payments.captures[0].status).toBe("DECLINED");
  });

  it("returns the whole order with Prefer: return=representation", async () => {
    const id = await approvedOrder(fixture);
    const response = await fixture.api.capture(id, { prefer: "return=representation" });
    expect(response.body.purchase_units[0].items).toHaveLength(1);
    expect(response.body.intent).toBe("CAPTURE");
  });
});

describe("PayPal-Request-Id", () => {
  it("replays a create with 200 and the same order", async () => {
    const headers = { "paypal-request-id": "create-checkout-1" };
    const first = await fixture.api.createOrder(orderBody(), headers);
    const second = await fixture.api.createOrder(orderBody({ value: "1.00" }), headers);
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
  });

  it("replays a capture with 200 and the order as it is now", async () => {
    const id = await approvedOrder(fixture);
    const headers = { "paypal-request-id": `capture-${id}` };
    const first = await fixture.api.capture(id, headers);
    const second = await fixture.api.capture(id, headers);
    expect(second.status).toBe(200);
    expect(second.body.purchase_units[0].payments.captures[0].id).toBe(first.body.purchase_units[0].payments.captures[0].id);
    const calls = await fixture.emulator.control.calls({ path: `/v2/checkout/orders/${id}/capture` });
    expect(calls.map((call) => [call.status, call.requestId])).toEqual([
      [201, `capture-${id}`],
      [200, `capture-${id}`],
    ]);
  });

  it("answers 409 PREVIOUS_REQUEST_IN_PROGRESS to a concurrent request with the same key", async () => {
    const id = await approvedOrder(fixture);
    await fixture.emulator.control.setLatency(150);
    const headers = { "paypal-request-id": `capture-${id}` };
    const [first, second] = await Promise.all([
      fixture.api.capture(id, headers),
      new Promise((resolve) => setTimeout(resolve, 30)).then(() => fixture.api.capture(id, headers)),
    ]);
    expect(first.status).toBe(201);
    expect(second.status).toBe(409);
    expect(second.body.name).toBe("RESOURCE_CONFLICT");
    expect(second.body.details[0].issue).toBe("PREVIOUS_REQUEST_IN_PROGRESS");
  });
});

describe("PayPal-Mock-Response (negative testing)", () => {
  const mock = (code: string) => ({ "paypal-mock-response": JSON.stringify({ mock_application_codes: code }) });

  it("fails a capture with the requested issue and PayPal's status for it", async () => {
    const id = await approvedOrder(fixture);
    const response = await fixture.api.capture(id, mock("INSTRUMENT_DECLINED"));
    expect(response.status).toBe(422);
    expect(response.body.details[0].issue).toBe("INSTRUMENT_DECLINED");
    expect((await fixture.api.capture(id)).status).toBe(201);
  });

  it("uses the documented status per code (403 PERMISSION_DENIED, 500 INTERNAL_SERVER_ERROR, 400 MISSING_REQUIRED_PARAMETER)", async () => {
    expect((await fixture.api.createOrder(orderBody(), mock("PERMISSION_DENIED"))).status).toBe(403);
    const internal = await fixture.api.createOrder(orderBody(), mock("INTERNAL_SERVER_ERROR"));
    expect(internal.status).toBe(500);
    expect(internal.body.name).toBe("INTERNAL_SERVER_ERROR");
    expect((await fixture.api.createOrder(orderBody(), mock("MISSING_REQUIRED_PARAMETER"))).status).toBe(400);
  });

  it("ignores a bare code, and codes the endpoint cannot produce", async () => {
    expect((await fixture.api.createOrder(orderBody(), { "paypal-mock-response": "DUPLICATE_INVOICE_ID" })).status).toBe(201);
    expect((await fixture.api.createOrder(orderBody(), mock("CAPTURE_FULLY_REFUNDED"))).status).toBe(201);
  });

  it("is ignored on the token call", async () => {
    const response = await fixture.api.raw("POST", "/v1/oauth2/token", {
      rawBody: "grant_type=client_credentials",
      token: null,
      headers: { authorization: fixture.api.basicAuth(), "content-type": "application/x-www-form-urlencoded", ...mock("INTERNAL_SERVER_ERROR") },
    });
    expect(response.status).toBe(200);
  });
});
