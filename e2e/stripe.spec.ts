/**
 * Paying by card through Stripe Checkout, end to end: the store's "Pay by card" button, the local Stripe emulator's
 * hosted page (Stripe's test cards), the return to the store's receipt; a declined card; a currency only PayPal
 * takes; an admin refunding one course of a Stripe order.
 */
import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, visit } from "./support/a11y";
import { signIn, signOut, signUp } from "./support/auth";
import { E2E, stripeUrl } from "./support/env";

const COURSES = {
  idempotent: { slug: "idempotent-apis", title: "Designing Idempotent APIs" },
  postgres: { slug: "postgresql-for-app-developers", title: "PostgreSQL for Application Developers" },
  webhooks: { slug: "webhooks-that-never-lose-an-event", title: "Webhooks That Never Lose an Event" },
  money: { slug: "typed-money", title: "Typed Money in TypeScript" },
};

async function addToCart(page: Page, slug: string) {
  await visit(page, `/courses/${slug}`);
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByRole("status").filter({ hasText: "This course is in your cart" })).toBeVisible();
}

/** From the cart to Stripe's hosted page. */
async function openStripe(page: Page, total: string) {
  await visit(page, "/cart");
  await page.getByRole("button", { name: "Pay by card" }).click();
  await page.waitForURL(`${stripeUrl}/c/pay/**`);
  await expect(page.getByRole("heading", { name: `Pay ${total}` })).toBeVisible();
}

async function payOnStripe(page: Page, card: string, total: string) {
  await page.getByLabel("Card number").fill(card);
  await page.getByRole("button", { name: `Pay ${total}` }).click();
}

const state = { buyer: { email: "", password: "" }, receipt: "" };

test.describe.serial("checkout by card with Stripe", () => {
  test("a buyer pays a two-course cart on Stripe's page and lands on the receipt, enrolled", async ({ page }) => {
    state.buyer = await signUp(page, "Card Student");
    await addToCart(page, COURSES.idempotent.slug);
    await addToCart(page, COURSES.postgres.slug);
    await visit(page, "/cart");
    // Both providers take USD: PayPal's buttons and "Pay by card".
    await expect(page.getByRole("heading", { name: "Pay $128.00" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Pay by card" })).toBeVisible();
    await openStripe(page, "$128.00");
    await expectAccessible(page);
    await page.getByLabel("Email").fill(state.buyer.email);
    await payOnStripe(page, "4242 4242 4242 4242", "$128.00");

    await expect(page).toHaveURL(/\/orders\/[0-9a-f-]{36}$/);
    state.receipt = new URL(page.url()).pathname;
    await expect(page.getByRole("heading", { level: 1, name: "Payment received — you are enrolled" })).toBeVisible();
    await expect(page.getByRole("term").filter({ hasText: "Stripe session ID" })).toBeVisible();
    await expectAccessible(page);
    // A reload of the receipt is a plain page; the return URL already did its work once.
    await page.reload();
    await expect(page.getByRole("heading", { level: 1, name: "Payment received — you are enrolled" })).toBeVisible();
    await visit(page, "/my/courses");
    const mine = page.getByRole("main").getByRole("listitem");
    await expect(mine).toHaveCount(2);
  });

  test("a declined card is refused on Stripe's page; going back charges nothing", async ({ page }) => {
    await signUp(page, "Declined Card Student");
    await addToCart(page, COURSES.webhooks.slug);
    await openStripe(page, "$29.00");
    await page.getByLabel("Email").fill("declined@example.test");
    await payOnStripe(page, "4000 0000 0000 0002", "$29.00");
    await expect(page.getByRole("alert")).toHaveText("Your card was declined.");
    await page.getByRole("link", { name: "← Back to the store" }).click();
    await expect(page).toHaveURL(/\/cart\?payment=cancelled$/);
    await expect(page.getByRole("status").filter({ hasText: "You went back from the payment page. Nothing was charged" })).toBeVisible();
    await expect(page.getByRole("link", { name: COURSES.webhooks.title })).toBeVisible();
    await visit(page, "/my/courses");
    await expect(page.getByRole("heading", { name: "You are not enrolled in any course yet" })).toBeVisible();
  });

  test("a cart in a currency only PayPal takes offers only PayPal", async ({ page }) => {
    await signUp(page, "Yen Student");
    await addToCart(page, COURSES.money.slug);
    await visit(page, "/cart");
    await expect(page.getByRole("heading", { name: "Pay ¥4,800 with PayPal" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Pay by card" })).toHaveCount(0);
  });

  test("the admin refunds one course of a Stripe order; the buyer loses that course only", async ({ page }) => {
    await signIn(page, E2E.adminEmail, E2E.adminPassword);
    const orderId = state.receipt.split("/").pop()!;
    await visit(page, `/admin/transactions/${orderId}`);
    await expect(page.getByRole("term").filter({ hasText: "Stripe payment intent id" })).toBeVisible();
    await expect(page.getByRole("heading", { name: /Raw Stripe variables/ })).toBeVisible();
    const refund = page.getByRole("region", { name: "Refund" });
    await refund.getByRole("checkbox", { name: COURSES.postgres.title }).check();
    await refund.getByRole("button", { name: "Refund selected courses…" }).click();
    await page.getByRole("dialog", { name: "Refund $79.00?" }).getByRole("button", { name: "Confirm refund" }).click();
    await expect(refund.getByRole("status").filter({ hasText: "Refunded." })).toBeVisible();
    await visit(page, `/admin/transactions?tab=finished&provider=stripe&q=${encodeURIComponent(state.buyer.email)}`);
    await expect(page.getByRole("table", { name: /transactions$/ }).locator("tbody tr")).toHaveCount(1);
    await signOut(page);

    await signIn(page, state.buyer.email, state.buyer.password);
    await visit(page, "/my/courses");
    const mine = page.getByRole("main").getByRole("listitem");
    await expect(mine).toHaveCount(1);
    await expect(mine).toContainText(COURSES.idempotent.title);
  });
});
