import { describe, expect, it } from "vitest";
import { capturedOrder, orderBody, useEmulator } from "./test-support/harness";
import { useListener } from "./test-support/listener";

const hook = useListener();

const fixture = useEmulator({
  get ipnUrl() {
    return hook.url;
  },
});

const messages = () => hook.current.received.map((request) => new URLSearchParams(request.raw));
const validate = async (body: string) => (await fetch(`${fixture.emulator.url}/cgi-bin/webscr`, { method: "POST", body })).text();

describe("IPN", () => {
  it("posts a Completed message with the purchase's variables", async () => {
    const { capture } = await capturedOrder(fixture, "success", orderBody({ invoiceId: "INV-9", quantity: 2 }));
    await fixture.emulator.control.ipn.flush();
    const [message] = messages();
    expect(Object.fromEntries(message ?? [])).toMatchObject({
      txn_id: capture.id,
      txn_type: "cart",
      payment_status: "Completed",
      mc_gross: "98.00",
      mc_fee: "3.91",
      mc_currency: "USD",
      custom: "checkout-42",
      invoice: "INV-9",
      receiver_email: "merchant@coursepay.test",
      receiver_id: fixture.emulator.config.merchantId,
      business: "merchant@coursepay.test",
      payer_email: "buyer@coursepay.test",
      payer_id: "7E2QJ5ZKH9W3N",
      first_name: "Casey",
      last_name: "Buyer",
      num_cart_items: "1",
      item_name1: "TypeScript for payments",
      item_number1: "COURSE-TS",
      quantity1: "2",
      charset: "UTF-8",
      notify_version: "3.9",
      test_ipn: "1",
    });
    expect(message?.get("payment_date")).toMatch(/^\d{2}:\d{2}:\d{2} [A-Z][a-z]{2} \d{2}, \d{4} P[SD]T$/);
    expect(message?.get("verify_sign")).toBeTruthy();
  });

  it("validates the exact bytes sent, with cmd=_notify-validate prefixed or appended", async () => {
    await capturedOrder(fixture);
    await fixture.emulator.control.ipn.flush();
    const raw = hook.current.received[0]?.raw ?? "";
    expect(await validate(`cmd=_notify-validate&${raw}`)).toBe("VERIFIED");
    expect(await validate(`${raw}&cmd=_notify-validate`)).toBe("VERIFIED");
    expect(await validate(`cmd=_notify-validate&${raw.replace("mc_gross=49.00", "mc_gross=0.01")}`)).toBe("INVALID");
    expect(await validate(raw)).toBe("INVALID");
  });

  it("sends Pending (echeck) then Denied for a pending capture that bounces", async () => {
    const { capture } = await capturedOrder(fixture, "pending");
    await fixture.emulator.control.settleCapture(capture.id, "denied");
    await fixture.emulator.control.ipn.flush();
    expect(messages().map((message) => [message.get("payment_status"), message.get("pending_reason")])).toEqual([
      ["Pending", "echeck"],
      ["Denied", null],
    ]);
  });

  it("sends Refunded and Reversed messages with negative amounts and the parent transaction", async () => {
    const { capture } = await capturedOrder(fixture);
    await fixture.api.post(`/v2/payments/captures/${capture.id}/refund`, { amount: { currency_code: "USD", value: "10.00" } });
    await fixture.emulator.control.reverseCapture(capture.id);
    await fixture.emulator.control.ipn.flush();
    const [, refunded, reversed] = messages();
    expect(refunded?.get("payment_status")).toBe("Refunded");
    expect(refunded?.get("mc_gross")).toBe("-10.00");
    expect(refunded?.get("parent_txn_id")).toBe(capture.id);
    expect(refunded?.get("reason_code")).toBe("refund");
    expect(refunded?.has("txn_type")).toBe(false);
    expect(reversed?.get("payment_status")).toBe("Reversed");
    expect(reversed?.get("mc_gross")).toBe("-39.00");
    expect(reversed?.get("reason_code")).toBe("chargeback");
  });

  it("resends on non-2xx until acknowledged", async () => {
    hook.current.respondWith(500);
    await capturedOrder(fixture);
    await fixture.emulator.control.ipn.flush();
    expect(hook.current.received).toHaveLength(2);
    expect(hook.current.received[0]?.raw).toBe(hook.current.received[1]?.raw);
    const [record] = await fixture.emulator.control.notifications({ channel: "ipn" });
    expect(record).toMatchObject({ statuses: [500, 200], state: "delivered" });
  });
});
