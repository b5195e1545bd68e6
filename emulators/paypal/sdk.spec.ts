import { expect, test, type Page } from "@playwright/test";
import { EmulatorControl } from "./control";

const events = (page: Page) => page.getByRole("list", { name: "Events" });

/** Clicks the PayPal button and returns the approval popup. */
async function openCheckout(page: Page) {
  const popupPromise = page.waitForEvent("popup");
  await page.getByRole("button", { name: "PayPal" }).click();
  const popup = await popupPromise;
  await popup.waitForURL(/\/checkoutnow\?token=/);
  return popup;
}

async function logIn(popup: Page) {
  if (await popup.getByLabel("Email").isVisible()) {
    await popup.getByLabel("Email").fill("buyer@coursepay.test");
    await popup.getByLabel("Password").fill("buyer-password");
    await popup.getByRole("button", { name: "Log in" }).click();
  }
}

async function approve(popup: Page, outcome: string) {
  await logIn(popup);
  await popup.getByRole("group", { name: "Funding outcome" }).getByLabel(outcome).check();
  await Promise.all([popup.waitForEvent("close"), popup.getByRole("button", { name: "Approve" }).click()]);
}

test.beforeEach(async ({ page, request }) => {
  const { emulatorUrl } = (await (await request.get("/api/config")).json()) as { emulatorUrl: string };
  await new EmulatorControl(emulatorUrl).reset();
  await page.goto("/");
});

test("renders one accessible PayPal button under React StrictMode", async ({ page }) => {
  await expect(page.getByRole("button", { name: "PayPal" })).toHaveCount(1);
  expect(await page.evaluate(() => (window as unknown as { paypal: { version: string } }).paypal.version)).toBe("5.x");
  expect(await page.locator('script[src*="/sdk/js"]').count()).toBeGreaterThanOrEqual(1);
});

test("approve: popup, buyer login, approval, server-side capture", async ({ page }) => {
  const popup = await openCheckout(page);
  await logIn(popup);
  await expect(popup.getByTestId("order-total")).toHaveText("49.00 USD");
  await approve(popup, "Pay successfully");
  await expect(events(page)).toContainText(/approved [A-Z0-9]{17} by 7E2QJ5ZKH9W3N/);
  await expect(events(page)).toContainText(/captured COMPLETED [A-Z0-9]{17}/);
});

test("cancel: closing the popup calls onCancel with the order id", async ({ page }) => {
  const popup = await openCheckout(page);
  const orderId = new URL(popup.url()).searchParams.get("token");
  await popup.close();
  await expect(events(page)).toContainText(`cancelled ${orderId}`);
  await expect(page.getByRole("dialog")).toHaveCount(0);
});

test("cancel button on the approval page calls onCancel", async ({ page }) => {
  const popup = await openCheckout(page);
  await logIn(popup);
  await Promise.all([popup.waitForEvent("close"), popup.getByRole("button", { name: "Cancel" }).click()]);
  await expect(events(page)).toContainText(/cancelled [A-Z0-9]{17}/);
});

test("declined funding: capture answers INSTRUMENT_DECLINED, actions.restart() reopens the same order, then it is captured", async ({ page }) => {
  const popup = await openCheckout(page);
  const orderId = new URL(popup.url()).searchParams.get("token");
  const restarted = page.waitForEvent("popup");
  await approve(popup, "Declined at capture");
  await expect(events(page)).toContainText("declined, restarting");
  const second = await restarted;
  await second.waitForURL(new RegExp(`token=${orderId}`));
  await approve(second, "Pay successfully");
  await expect(events(page)).toContainText(/captured COMPLETED [A-Z0-9]{17}/);
  await expect(events(page).getByText(`created ${orderId}`)).toHaveCount(1);
});
