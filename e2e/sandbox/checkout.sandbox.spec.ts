/**
 * One real purchase through PayPal's sandbox popup. NEEDS INTERNET and sandbox accounts (see ./env.ts and
 * ./playwright.config.ts); it was written on an offline machine and has not been run there.
 */
import { expect, test, type Page } from "@playwright/test";
import { visit } from "../support/a11y";
import { signUp } from "../support/auth";
import { missingSandboxEnv } from "./env";

test.skip(missingSandboxEnv.length > 0, `PayPal sandbox run not configured: set ${missingSandboxEnv.join(", ")} (and have internet access)`);

const buyer = () => ({ email: process.env.PAYPAL_SANDBOX_BUYER_EMAIL!, password: process.env.PAYPAL_SANDBOX_BUYER_PASSWORD! });

/** PayPal's login sometimes asks for the email first ("Next"), sometimes for both on one page. */
async function logInAtPayPal(popup: Page) {
  const { email, password } = buyer();
  await popup.getByRole("textbox", { name: /email/i }).fill(email);
  const next = popup.getByRole("button", { name: "Next", exact: true });
  if (await next.isVisible()) await next.click();
  await popup.getByLabel(/password/i).fill(password);
  await popup.getByRole("button", { name: /^log ?in$/i }).click();
}

test("a student pays for a course with a PayPal sandbox buyer account", async ({ page }) => {
  await signUp(page, "Sandbox Student");
  await visit(page, "/courses/webhooks-that-never-lose-an-event");
  await page.getByRole("button", { name: "Add to cart" }).click();
  await visit(page, "/cart");

  // PayPal's real buttons live in an iframe; the popup opens from a click inside it.
  const buttons = page.frameLocator('iframe[title^="PayPal"]').first();
  const popupPromise = page.waitForEvent("popup");
  await buttons.getByRole("link", { name: /PayPal/ }).or(buttons.getByRole("button", { name: /PayPal/ })).first().click();
  const popup = await popupPromise;
  await popup.waitForURL(/sandbox\.paypal\.com/);

  await logInAtPayPal(popup);
  await Promise.all([
    popup.waitForEvent("close", { timeout: 90_000 }),
    popup.getByRole("button", { name: /complete purchase|pay now|continue to review/i }).click(),
  ]);

  await expect(page).toHaveURL(/\/orders\/[0-9a-f-]{36}$/, { timeout: 60_000 });
  await expect(page.getByRole("heading", { level: 1, name: "Payment received — you are enrolled" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Webhooks That Never Lose an Event" })).toBeVisible();
  await visit(page, "/my/courses");
  await expect(page.getByRole("main").getByRole("listitem").filter({ hasText: "Webhooks That Never Lose an Event" })).toContainText("Enrolled");
});
