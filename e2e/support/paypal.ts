/**
 * The buyer's side of PayPal in the store's end-to-end tests: the real @paypal/react-paypal-js buttons open the
 * emulator's approval page in a popup, exactly as PayPal's SDK opens www.paypal.com.
 */
import { expect, type Locator, type Page } from "@playwright/test";
import { EmulatorControl } from "../../emulators/paypal/control";
import { emulatorUrl } from "./env";

/** The choices of the approval page's "Funding outcome" radio group (they take effect at capture). */
export type FundingOutcome = "Pay successfully" | "Declined at capture" | "Pending eCheck" | "Capture fails";

export const BUYER = { email: "buyer@coursepay.test", password: "buyer-password" } as const;

export const emulator = () => new EmulatorControl(emulatorUrl);

/**
 * Clicks the PayPal button (inside `within` when the page has more than one checkout) and returns the approval
 * popup once it shows the PayPal order, whose id is `paypalOrderIdOf(popup)`.
 */
export async function openPayPal(page: Page, within: Page | Locator = page) {
  const popupPromise = page.waitForEvent("popup");
  await within.getByRole("button", { name: "PayPal", exact: true }).click();
  const popup = await popupPromise;
  await waitForApprovalPage(popup);
  return popup;
}

/** The popup `actions.restart()` opens after a declined capture: the same order, approved again. */
export async function waitForApprovalPage(popup: Page) {
  await popup.waitForURL(/\/checkoutnow\?token=/);
}

export function paypalOrderIdOf(popup: Page): string {
  const token = new URL(popup.url()).searchParams.get("token");
  expect(token, "the approval page names the PayPal order").toMatch(/^[A-Z0-9]{17}$/);
  return token!;
}

/** The emulator keeps the buyer's session in the popup, so a restarted approval skips the login form. */
export async function logInToPayPal(popup: Page) {
  if (await popup.getByLabel("Email").isVisible()) {
    await popup.getByLabel("Email").fill(BUYER.email);
    await popup.getByLabel("Password").fill(BUYER.password);
    await popup.getByRole("button", { name: "Log in" }).click();
  }
  await expect(popup.getByRole("button", { name: "Approve" })).toBeVisible();
}

export async function approveInPopup(popup: Page, outcome: FundingOutcome = "Pay successfully") {
  await logInToPayPal(popup);
  await popup.getByRole("group", { name: "Funding outcome" }).getByLabel(outcome).check();
  await Promise.all([popup.waitForEvent("close"), popup.getByRole("button", { name: "Approve" }).click()]);
}

export async function cancelInPopup(popup: Page) {
  await logInToPayPal(popup);
  await Promise.all([popup.waitForEvent("close"), popup.getByRole("button", { name: "Cancel" }).click()]);
}

/** Pays through the popup and returns the PayPal order id the buyer approved. */
export async function payWithPayPal(page: Page, outcome: FundingOutcome = "Pay successfully", within: Page | Locator = page) {
  const popup = await openPayPal(page, within);
  const paypalOrderId = paypalOrderIdOf(popup);
  await approveInPopup(popup, outcome);
  return paypalOrderId;
}

/** The capture PayPal made for an order, as PayPal itself reports it: what the receipt must match. */
export async function captureOf(paypalOrderId: string): Promise<{ id: string; status: string }> {
  const { order } = await emulator().order(paypalOrderId);
  const units = order.purchase_units as Array<{ payments?: { captures?: Array<{ id: string; status: string }> } }>;
  const capture = units[0]?.payments?.captures?.[0];
  expect(capture, `PayPal order ${paypalOrderId} has a capture`).toBeDefined();
  return capture!;
}
