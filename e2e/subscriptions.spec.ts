/**
 * Memberships and payment plans, end to end through the real PayPal buttons (`createSubscription`) and the
 * emulator: subscribe with a setup fee and a free trial, see it in My subscriptions, open a course the membership
 * includes, cancel it; a payment plan through the redirect flow (PayPal's page in the same tab).
 */
import { expect, test } from "@playwright/test";
import { expectAccessible, visit } from "./support/a11y";
import { signIn, signUp } from "./support/auth";
import { E2E } from "./support/env";
import { emulator, logInToPayPal, waitForApprovalPage } from "./support/paypal";

test.describe.serial("subscriptions", () => {
  test("a member subscribes with a setup fee and a free trial, opens a course the membership includes, then cancels", async ({ page }) => {
    await signUp(page, "Member Student");
    await visit(page, "/");
    await page.getByRole("region", { name: "Memberships" }).getByRole("link", { name: "All-access membership" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "All-access membership" })).toBeVisible();
    await expect(page.getByText("$19.00 a month")).toBeVisible();
    await expect(page.getByText("A one-off setup fee of $5.00 is charged when you subscribe.")).toBeVisible();
    await expectAccessible(page);

    const popupPromise = page.waitForEvent("popup");
    await page.getByRole("button", { name: "PayPal", exact: true }).click();
    const popup = await popupPromise;
    await waitForApprovalPage(popup);
    await logInToPayPal(popup);
    await Promise.all([popup.waitForEvent("close"), popup.getByRole("button", { name: "Approve" }).click()]);
    await page.waitForURL(/\/my\/subscriptions\?subscription=started$/);
    const card = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "All-access membership" }) });
    await expect(card.getByText("Active")).toBeVisible();
    await expect(card.getByRole("cell", { name: "$5.00", exact: true })).toBeVisible(); // the setup fee; the first $19.00 after the trial
    await expect(card.getByText("Next payment")).toBeVisible();
    await expectAccessible(page);
    await card.getByRole("link", { name: "Receipt for the payment of $5.00" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Receipt" })).toBeVisible();
    await expect(page.getByText("All-access membership")).toBeVisible();
    await expectAccessible(page);

    // A course this member never bought opens with the membership.
    await visit(page, "/courses/webhooks-that-never-lose-an-event");
    await expect(page.getByRole("status").filter({ hasText: "Open with your subscription until" })).toBeVisible();
    await visit(page, "/learn/webhooks-that-never-lose-an-event");
    await expect(page).toHaveURL(/\/learn\/webhooks-that-never-lose-an-event\/welcome$/);
    await expect(page.getByRole("heading", { level: 1, name: "Welcome" })).toBeVisible();

    await visit(page, "/my/subscriptions");
    await card.getByRole("button", { name: "Cancel subscription" }).click();
    const dialog = page.getByRole("dialog", { name: "Cancel All-access membership?" });
    await expect(dialog).toContainText("You keep access until the end of the period you paid for");
    await dialog.getByRole("button", { name: "Yes, cancel" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Cancelled. No more payments will be taken" })).toBeVisible();
    await expect(card.getByText("Cancelled", { exact: true })).toBeVisible();
    await expect(card.getByText("Access until")).toBeVisible();
    await expect(card.getByRole("button", { name: "Cancel subscription" })).toHaveCount(0);
  });

  test("a failed payment is explained with a link to PayPal; paying there restores the membership", async ({ page, context }) => {
    await signUp(page, "Lapsing Member");
    await visit(page, "/memberships/all-access");
    const popupPromise = page.waitForEvent("popup");
    await page.getByRole("button", { name: "PayPal", exact: true }).click();
    const popup = await popupPromise;
    await waitForApprovalPage(popup);
    await logInToPayPal(popup);
    await Promise.all([popup.waitForEvent("close"), popup.getByRole("button", { name: "Approve" }).click()]);
    await page.waitForURL(/subscription=started$/);
    const card = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "All-access membership" }) });
    const providerId = (await card.getByText(/^PayPal subscription I-/).textContent())!.replace("PayPal subscription ", "");

    // The first payment after the 7-day trial is declined at PayPal.
    await emulator().failSubscriptionPayments(providerId, 1);
    await emulator().advanceClock(8 * 24 * 3600);
    await expect(async () => {
      await page.reload();
      await expect(card.getByRole("status").filter({ hasText: "Your last payment did not go through" })).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 20_000 });
    await expect(card).toContainText("Owed: $19.00");
    await expectAccessible(page);

    const paypalTab = context.waitForEvent("page");
    await card.getByRole("link", { name: "Update your payment method at PayPal" }).click();
    const autopay = await paypalTab;
    await autopay.getByRole("listitem").filter({ hasText: providerId }).getByRole("button", { name: "Update payment method and pay 19.00 USD" }).click();
    await expect(autopay.getByRole("status")).toHaveText("Paid. Your automatic payments are up to date.");
    await autopay.close();
    await expect(async () => {
      await page.reload();
      await expect(card.getByRole("status").filter({ hasText: "Your last payment did not go through" })).toHaveCount(0, { timeout: 1000 });
      await expect(card.getByRole("cell", { name: "$19.00" }).first()).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 20_000 });
    await expect(card.getByText("Active", { exact: true })).toBeVisible();
  });

  test("a payment plan through PayPal's own page: the first payment opens the course", async ({ page }) => {
    await signUp(page, "Plan Student");
    await visit(page, "/courses/postgresql-for-app-developers");
    await page.getByRole("link", { name: "3 payments of $27.00, monthly" }).click();
    await expect(page.getByRole("heading", { level: 1, name: /in 3 payments/ })).toBeVisible();
    await page.getByRole("button", { name: "Subscribe on PayPal's site instead" }).click();
    await page.waitForURL(/\/checkoutnow\?|\/webapps\/billing\/subscriptions\?/);
    await logInToPayPal(page);
    await page.getByRole("button", { name: "Approve" }).click();
    await page.waitForURL(/\/my\/subscriptions\?subscription=started$/);
    const card = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: /in 3 payments/ }) });
    await expect(card.getByText("1 of 3")).toBeVisible();
    await expect(card.getByRole("cell", { name: "$27.00", exact: true })).toBeVisible();
    await visit(page, "/learn/postgresql-for-app-developers/core-ideas");
    await expect(page.getByRole("heading", { level: 1, name: "The core ideas" })).toBeVisible();
  });

  test("the admin finds the plan in Subscriptions, reads its raw PayPal variables and refunds its last payment; edits a membership's price", async ({ page }) => {
    await signIn(page, E2E.adminEmail, E2E.adminPassword);
    await visit(page, "/admin/transactions");
    await page.getByRole("navigation", { name: "Transaction status" }).getByRole("link", { name: "Subscriptions" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Subscriptions" })).toBeVisible();
    await expectAccessible(page);
    const row = page.getByRole("row").filter({ hasText: "Plan Student" });
    await row.getByRole("link", { name: "Plan Student" }).click();
    await expect(page.getByRole("heading", { level: 1, name: /in 3 payments/ })).toBeVisible();
    await expect(page.getByRole("heading", { name: /Raw PayPal variables/ })).toBeVisible();
    await expect(page.getByText("billing.subscriptions.create", { exact: true })).toBeVisible();
    await expectAccessible(page);
    await page.getByRole("button", { name: "Refund last payment…" }).click();
    await page.getByRole("dialog", { name: "Refund the last payment?" }).getByRole("button", { name: "Refund it" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Refunded the last payment at PayPal" })).toBeVisible();
    await expect(page.getByRole("cell", { name: /^refunded/ })).toBeVisible();

    await visit(page, "/admin/memberships");
    await page.getByRole("link", { name: "All-access membership" }).click();
    await expect(page.getByLabel("Bills every")).toBeDisabled(); // members exist: the rhythm is fixed
    await page.getByLabel("Each period").fill("nineteen");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByText("Enter the price as a plain number such as 19.00.")).toBeVisible();
    await page.getByLabel("Each period").fill("21.00");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Saved, with price version 2 for new buyers." })).toBeVisible();
    await expect(page.getByRole("region", { name: "Price versions" }).getByRole("cell", { name: "$21.00" })).toBeVisible();
    await expectAccessible(page);
  });
});
