import { describe, expect, it } from "vitest";
import { orderBody, useEmulator } from "./test-support/harness";

const fixture = useEmulator();

/** A cookie-keeping browser stand-in for the approval page's redirect flow. */
function browser() {
  let cookie = "";
  return async (path: string, form?: Record<string, string>) => {
    const response = await fetch(`${fixture.emulator.url}${path}`, {
      method: form ? "POST" : "GET",
      headers: { cookie, ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}) },
      body: form ? new URLSearchParams(form).toString() : undefined,
      redirect: "manual",
    });
    const setCookie = response.headers.get("set-cookie");
    if (setCookie) cookie = setCookie.split(";")[0] ?? "";
    return { status: response.status, location: response.headers.get("location"), html: await response.text() };
  };
}

const redirectOrder = () =>
  fixture.api.createOrder({
    ...orderBody(),
    payment_source: { paypal: { experience_context: { brand_name: "Coursepay Academy", return_url: "https://shop.test/paypal/return", cancel_url: "https://shop.test/paypal/cancel" } } },
  });

describe("approval page", () => {
  it("asks the buyer to log in with labelled fields, and refuses a wrong password", async () => {
    const id = (await redirectOrder()).body.id;
    const visit = browser();
    const page = await visit(`/checkoutnow?token=${id}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<html lang="en">');
    expect(page.html).toMatch(/<label for="email">Email<\/label>/);
    expect(page.html).toMatch(/<label for="password">Password<\/label>/);
    expect(page.html).toContain(">Log in</button>");
    const wrong = await visit("/checkoutnow/login", { next: `/checkoutnow?token=${id}`, email: "buyer@coursepay.test", password: "nope" });
    expect(wrong.html).toContain('role="alert"');
  });

  it("shows merchant, items and total, then approves and redirects to return_url with token and PayerID", async () => {
    const id = (await redirectOrder()).body.id;
    const visit = browser();
    const login = await visit("/checkoutnow/login", { next: `/checkoutnow?token=${id}`, email: "second-buyer@coursepay.test", password: "second-password" });
    expect(login.status).toBe(303);
    const review = await visit(login.location ?? "");
    expect(review.html).toContain("Coursepay Academy");
    expect(review.html).toContain("TypeScript for payments");
    expect(review.html).toContain("49.00 USD");
    expect(review.html).toContain("<legend>Funding outcome</legend>");
    expect(review.html).toContain(">Approve</button>");
    expect(review.html).toContain(">Cancel</button>");
    const approved = await visit("/checkoutnow/decision", { token: id, mode: "redirect", outcome: "pending", action: "approve" });
    expect(approved.status).toBe(302);
    expect(approved.location).toBe(`https://shop.test/paypal/return?token=${id}&PayerID=M4T8XPL2V6RQC`);
    const state = await fixture.emulator.control.order(id);
    expect(state).toMatchObject({ status: "APPROVED", outcome: "pending", buyer: "second-buyer@coursepay.test" });
  });

  it("cancels back to cancel_url without changing the order", async () => {
    const id = (await redirectOrder()).body.id;
    const visit = browser();
    await visit("/checkoutnow/login", { next: `/checkoutnow?token=${id}`, email: "buyer@coursepay.test", password: "buyer-password" });
    const cancelled = await visit("/checkoutnow/decision", { token: id, mode: "redirect", action: "cancel" });
    expect(cancelled.location).toBe(`https://shop.test/paypal/cancel?token=${id}`);
    expect((await fixture.emulator.control.order(id)).status).toBe("PAYER_ACTION_REQUIRED");
  });

  it("in popup mode posts the decision to the opener and closes itself", async () => {
    const id = (await fixture.api.createOrder()).body.id;
    const visit = browser();
    await visit("/checkoutnow/login", { next: `/checkoutnow?token=${id}`, email: "buyer@coursepay.test", password: "buyer-password" });
    const page = await visit("/checkoutnow/decision", { token: id, mode: "popup", outcome: "success", action: "approve" });
    expect(page.status).toBe(200);
    expect(page.html).toContain("window.opener.postMessage(message, \"*\")");
    expect(page.html).toContain(`"type":"approve","token":"${id}","payerID":"7E2QJ5ZKH9W3N"`);
    expect(page.html).toContain("window.close()");
  });

  it("tells the buyer when the order is gone", async () => {
    const id = (await fixture.api.createOrder()).body.id;
    await fixture.emulator.control.advanceClock(3 * 3600 + 1);
    expect((await browser()(`/checkoutnow?token=${id}`)).status).toBe(404);
  });
});
