/**
 * PayPal's redirect flow, end to end: "Pay on PayPal's site instead" under the buttons sends the buyer to PayPal's
 * page in the same tab (no popup); PayPal sends them back to the store's return URL, which captures server-side and
 * redirects to the receipt. Reloading the return URL captures nothing twice; reloading the receipt is a plain GET.
 * Someone else's return URL changes nothing.
 */
import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, visit } from "./support/a11y";
import { signUp } from "./support/auth";
import { appUrl } from "./support/env";
import { emulator, logInToPayPal } from "./support/paypal";

const WEBHOOKS = { slug: "webhooks-that-never-lose-an-event", title: "Webhooks That Never Lose an Event" };

async function toPayPalSite(page: Page) {
  await visit(page, `/courses/${WEBHOOKS.slug}`);
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByRole("status").filter({ hasText: "This course is in your cart" })).toBeVisible();
  await visit(page, "/cart");
  await page.getByRole("button", { name: "Pay on PayPal's site instead" }).click();
  await page.waitForURL(/\/checkoutnow\?token=/);
  return new URL(page.url()).searchParams.get("token")!;
}

test.describe.serial("paying on PayPal's site instead of the popup", () => {
  const state = { returnUrl: "" };

  test("the return URL captures once, even reloaded, and lands on the receipt", async ({ page }) => {
    await signUp(page, "Redirect Student");
    const token = await toPayPalSite(page);
    await logInToPayPal(page);
    await page.getByRole("button", { name: "Approve" }).click();
    await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
    await expect(page.getByRole("heading", { level: 1, name: "Payment received — you are enrolled" })).toBeVisible();
    await expectAccessible(page);
    const receipt = page.url();

    // The buyer reloads the return URL (or the browser replays it): the receipt again, no second capture.
    state.returnUrl = `${appUrl}/api/payments/paypal/return?token=${token}&PayerID=RELOADED`;
    await page.goto(state.returnUrl);
    await expect(page).toHaveURL(receipt);
    await page.reload();
    await expect(page.getByRole("heading", { level: 1, name: "Payment received — you are enrolled" })).toBeVisible();
    const { order } = await emulator().order(token);
    const captures = (order.purchase_units as Array<{ payments?: { captures?: unknown[] } }>)[0]?.payments?.captures ?? [];
    expect(captures).toHaveLength(1);
    await visit(page, "/my/courses");
    await expect(page.getByRole("main").getByRole("listitem").filter({ hasText: WEBHOOKS.title })).toHaveCount(1);
  });

  test("someone else's return URL shows them nothing of that order and changes nothing", async ({ page }) => {
    await signUp(page, "Curious Student"); // each test has a browser context of its own: a different person
    await page.goto(state.returnUrl);
    await expect(page).toHaveURL(/\/cart\?payment=unknown$/);
    await expect(page.getByRole("status").filter({ hasText: "We could not confirm that payment" })).toBeVisible();
    await visit(page, "/my/courses");
    await expect(page.getByRole("heading", { name: "You are not enrolled in any course yet" })).toBeVisible();
  });

  test("going back from PayPal's site cancels that checkout and says nothing was charged", async ({ page }) => {
    await signUp(page, "Hesitant Student");
    await toPayPalSite(page);
    await logInToPayPal(page);
    await page.getByRole("button", { name: "Cancel" }).click();
    await expect(page).toHaveURL(/\/cart\?payment=cancelled$/);
    await expect(page.getByRole("status").filter({ hasText: "You went back from the payment page. Nothing was charged" })).toBeVisible();
    await expect(page.getByRole("link", { name: WEBHOOKS.title })).toBeVisible();
    await expectAccessible(page);
  });
});
