/**
 * A visitor fills a cart before having an account: it survives signing up (and signing in), courses the account
 * already owns are left out with a message, and the cart is paid through the real PayPal buttons.
 */
import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, visit } from "./support/a11y";
import { signOut } from "./support/auth";
import { payWithPayPal } from "./support/paypal";

const WEBHOOKS = { slug: "webhooks-that-never-lose-an-event", title: "Webhooks That Never Lose an Event" };
const IDEMPOTENT = { slug: "idempotent-apis", title: "Designing Idempotent APIs" };

async function addAsVisitor(page: Page, course: { slug: string }) {
  await visit(page, `/courses/${course.slug}`);
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByRole("status").filter({ hasText: "This course is in your cart" })).toBeVisible();
}

test("a visitor's cart is kept through sign-up and paid; an owned course is left out on the next sign-in", async ({ page }) => {
  await addAsVisitor(page, WEBHOOKS);
  await addAsVisitor(page, IDEMPOTENT);
  await visit(page, "/cart");
  await expect(page.getByRole("link", { name: "Cart, 2 items" })).toBeVisible();
  const items = page.getByRole("region", { name: "Items" }).getByRole("listitem");
  await expect(items).toHaveCount(2);
  await expect(page.getByText("Total in USD")).toBeVisible();
  await expect(page.getByRole("button", { name: "PayPal", exact: true })).toHaveCount(0); // paying needs an account

  // Signing up from the cart brings the cart along.
  await page.getByRole("link", { name: "Create an account" }).click();
  const email = `guest-${Date.now()}@example.test`;
  await page.getByLabel("Name").fill("Guest Buyer");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("a-long-e2e-password");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/\/cart$/);
  await expect(page.getByRole("heading", { name: "Pay $78.00" })).toBeVisible();
  await expect(items).toHaveCount(2);
  await payWithPayPal(page);
  await page.waitForURL(/\/orders\//);
  await expect(page.getByRole("heading", { level: 1, name: "Payment received — you are enrolled" })).toBeVisible();

  // Signed out, the same person puts an owned course in a new visitor cart, then signs in: it is left out, said so.
  await signOut(page);
  await addAsVisitor(page, WEBHOOKS);
  await visit(page, `/sign-in?callbackUrl=${encodeURIComponent(`/courses/${WEBHOOKS.slug}`)}`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("a-long-e2e-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/cart\?left_out=/);
  await expect(page.getByRole("status").filter({ hasText: "Left out of your cart" })).toContainText(WEBHOOKS.title);
  await expect(page.getByRole("heading", { name: "Your cart is empty" })).toBeVisible();
  await expectAccessible(page);
});
