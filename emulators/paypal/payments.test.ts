import { describe, expect, it } from "vitest";
import { capturedOrder, orderBody, useEmulator } from "./test-support/harness";

const fixture = useEmulator();

const usd = (value: string) => ({ currency_code: "USD", value });
const refund = (captureId: string, body: unknown = {}, headers: Record<string, string> = {}) =>
  fixture.api.post(`/v2/payments/captures/${captureId}/refund`, body, { headers: { prefer: "return=representation", ...headers } });

describe("captures", () => {
  it("shows a capture with related order id, payee, invoice and custom ids", async () => {
    const { orderId, capture } = await capturedOrder(fixture, "success", orderBody({ invoiceId: "INV-7" }));
    const response = await fixture.api.get(`/v2/payments/captures/${capture.id}`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      id: capture.id,
      status: "COMPLETED",
      custom_id: "checkout-42",
      invoice_id: "INV-7",
      supplementary_data: { related_ids: { order_id: orderId } },
      payee: { email_address: "merchant@coursepay.test" },
    });
    const up = response.body.links.find((link: { rel: string }) => link.rel === "up");
    expect(up.href).toBe(`${fixture.emulator.url}/v2/checkout/orders/${orderId}`);
  });

  it("404s an unknown capture", async () => {
    const response = await fixture.api.get("/v2/payments/captures/27M47624FP291604U");
    expect(response.status).toBe(404);
    expect(response.body.details[0].issue).toBe("INVALID_RESOURCE_ID");
  });
});

describe("refunds", () => {
  it("refunds partially, then the rest with {}, tracking the capture status and cumulative totals", async () => {
    const { capture } = await capturedOrder(fixture);
    const partial = await refund(capture.id, { amount: usd("10.00"), note_to_payer: "Partial refund" });
    expect(partial.status).toBe(201);
    expect(partial.body).toMatchObject({ status: "COMPLETED", amount: usd("10.00"), seller_payable_breakdown: { total_refunded_amount: usd("10.00") } });
    expect((await fixture.api.get(`/v2/payments/captures/${capture.id}`)).body.status).toBe("PARTIALLY_REFUNDED");

    const rest = await refund(capture.id);
    expect(rest.body.amount).toEqual(usd("39.00"));
    expect(rest.body.seller_payable_breakdown.total_refunded_amount).toEqual(usd("49.00"));
    // The returned fees add up exactly to the original 2.20.
    const fees = [partial, rest].map((r) => Number(r.body.seller_payable_breakdown.paypal_fee.value) * 100);
    expect(fees.reduce((a, b) => a + b, 0)).toBe(220);
    expect((await fixture.api.get(`/v2/payments/captures/${capture.id}`)).body.status).toBe("REFUNDED");

    const up = rest.body.links.find((link: { rel: string }) => link.rel === "up");
    expect(up.href).toBe(`${fixture.emulator.url}/v2/payments/captures/${capture.id}`);
    expect((await fixture.api.get(`/v2/payments/refunds/${rest.body.id}`)).body.id).toBe(rest.body.id);
  });

  it("answers minimal refunds with id, status and links by default", async () => {
    const { capture } = await capturedOrder(fixture);
    const response = await fixture.api.post(`/v2/payments/captures/${capture.id}/refund`, {});
    expect(Object.keys(response.body).sort()).toEqual(["id", "links", "status"]);
  });

  it.each([
    ["more than what is left", { amount: usd("49.01") }, 422, "REFUND_AMOUNT_EXCEEDED"],
    ["three decimals", { amount: usd("1.001") }, 422, "DECIMAL_PRECISION"],
    ["zero", { amount: usd("0.00") }, 422, "CANNOT_BE_ZERO_OR_NEGATIVE"],
    ["another currency", { amount: { currency_code: "EUR", value: "1.00" } }, 422, "REFUND_CAPTURE_CURRENCY_MISMATCH"],
    ["a note that is too long", { note_to_payer: "x".repeat(256) }, 400, "INVALID_STRING_LENGTH"],
  ])("rejects a refund of %s", async (_name, body, status, issue) => {
    const { capture } = await capturedOrder(fixture);
    const response = await refund(capture.id, body);
    expect(response.status).toBe(status);
    expect(response.body.details[0].issue).toBe(issue);
  });

  it("uses DECIMALS_NOT_SUPPORTED for decimals in a zero-decimal currency", async () => {
    const { capture } = await capturedOrder(fixture, "success", orderBody({ currency: "JPY", value: "1500" }));
    const response = await refund(capture.id, { amount: { currency_code: "JPY", value: "100.50" } });
    expect(response.status).toBe(422);
    expect(response.body.details[0].issue).toBe("DECIMALS_NOT_SUPPORTED");
    expect((await refund(capture.id, { amount: { currency_code: "JPY", value: "100" } })).body.amount.value).toBe("100");
  });

  it("refuses a fully refunded capture with CAPTURE_FULLY_REFUNDED", async () => {
    const { capture } = await capturedOrder(fixture);
    await refund(capture.id);
    const again = await refund(capture.id);
    expect(again.status).toBe(422);
    expect(again.body.details[0].issue).toBe("CAPTURE_FULLY_REFUNDED");
  });

  it("refuses a pending capture with PENDING_CAPTURE", async () => {
    const { capture } = await capturedOrder(fixture, "pending");
    const response = await refund(capture.id);
    expect(response.status).toBe(422);
    expect(response.body.details[0].issue).toBe("PENDING_CAPTURE");
  });

  it("replays a refund with the same PayPal-Request-Id instead of refunding twice", async () => {
    const { capture } = await capturedOrder(fixture);
    const headers = { "paypal-request-id": "refund-1" };
    const first = await refund(capture.id, { amount: usd("5.00") }, headers);
    const second = await refund(capture.id, { amount: usd("5.00") }, headers);
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    expect((await fixture.api.get(`/v2/payments/captures/${capture.id}`)).body.status).toBe("PARTIALLY_REFUNDED");
    expect((await fixture.emulator.control.capture(capture.id)).refunds).toHaveLength(1);
  });

  it("404s an unknown refund", async () => {
    expect((await fixture.api.get("/v2/payments/refunds/55105082X5896632E")).status).toBe(404);
  });
});
