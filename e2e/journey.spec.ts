/**
 * A student's whole way through the store, in one browser: a visitor searches the catalog and fills a cart, signs up
 * (the cart comes along), pays through the real PayPal buttons, reads every lesson, downloads the certificate and opens
 * its verification address. An admin then refunds the order: the lessons close at once and the verification page says
 * the certificate was revoked.
 */
import { expect, test } from "@playwright/test";
import { expectAccessible, visit } from "./support/a11y";
import { signIn } from "./support/auth";
import { E2E } from "./support/env";
import { payWithPayPal } from "./support/paypal";

const COURSE = { slug: "accessible-checkout-design", title: "Accessible Checkout Design" };
const LESSONS = ["welcome", "core-ideas", "practice", "wrap-up"];

test("search, cart, sign-up, PayPal, lessons, certificate — and a refund that revokes it", async ({ page, browser }) => {
  test.setTimeout(120_000);
  await visit(page, "/?q=accessible");
  await page.getByRole("list", { name: "Courses" }).getByRole("link", { name: COURSE.title }).click();
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByRole("status").filter({ hasText: "This course is in your cart" })).toBeVisible();
  await page.getByRole("link", { name: "View cart" }).click();
  await page.getByRole("link", { name: "Create an account" }).click();
  const email = `journey-${Date.now()}@example.test`;
  await page.getByLabel("Name").fill("Jo Journey");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("a-long-e2e-password");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/\/cart$/);
  await expect(page.getByRole("heading", { name: "Pay €39.00" })).toBeVisible();
  await payWithPayPal(page);
  await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1, name: "Payment received — you are enrolled" })).toBeVisible();
  const orderId = page.url().split("/").pop()!;

  for (const lesson of LESSONS) {
    await page.goto(`/learn/${COURSE.slug}/${lesson}`);
    const done = page.getByText("You completed this lesson.");
    if (!(await done.isVisible())) await page.getByRole("button", { name: "Mark complete" }).click().catch(() => undefined);
    await expect(done).toBeVisible();
  }
  await page.getByRole("link", { name: "View your certificate" }).click();
  await expect(page.getByRole("region", { name: "Certificate of completion" })).toContainText("Jo Journey");
  const [pdf] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download PDF" }).click()]);
  expect(pdf.suggestedFilename()).toBe("certificate-accessible-checkout-design.pdf");
  await page.getByRole("region", { name: "Certificate of completion" }).getByRole("link").click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("This certificate is genuine");
  const verification = page.url();

  // The admin refunds the order, in another browser.
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signIn(admin, E2E.adminEmail, E2E.adminPassword);
  await admin.goto(`/admin/transactions/${orderId}`);
  const refund = admin.getByRole("region", { name: "Refund" });
  await refund.getByRole("button", { name: "Refund everything left…" }).click();
  await admin.getByRole("dialog", { name: "Refund €39.00?" }).getByRole("button", { name: "Confirm refund" }).click();
  await expect(refund.getByText("Every course of this order has been refunded.")).toBeVisible();
  await adminContext.close();

  expect((await page.goto(`/learn/${COURSE.slug}/core-ideas`))?.status()).toBe(403);
  await visit(page, verification);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("This certificate was revoked");
  await expect(page.getByText("the enrollment it certified was refunded or reversed")).toBeVisible();
  await expectAccessible(page);
});
