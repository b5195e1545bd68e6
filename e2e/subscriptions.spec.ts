/**
 * Memberships and payment plans, end to end through the real PayPal buttons (`createSubscription`) and the
 * emulator: subscribe with a setup fee and a free trial, see it in My subscriptions, open a course the membership
 * includes, cancel it; a payment plan through the redirect flow (PayPal's page in the same tab).
 */
import { expect, test } from "@playwright/test";
import { expectAccessible, visit } from "./support/a11y";
import { signUp } from "./support/auth";
import { logInToPayPal, waitForApprovalPage } from "./support/paypal";

test.describe("subscriptions", () => {
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
    await expect(card.getByRole("cell", { name: "$5.00" })).toBeVisible(); // the setup fee; the first $19.00 after the trial
    await expect(card.getByText("Next payment")).toBeVisible();
    await expectAccessible(page);

    // A course this member never bought opens with the membership.
    await visit(page, "/courses/webhooks-that-never-lose-an-event");
    await expect(page.getByRole("status").filter({ hasText: "Open with your subscription until" })).toBeVisible();
    await visit(page, "/learn/webhooks-that-never-lose-an-event");
    await expect(page.getByRole("heading", { level: 1, name: "Webhooks That Never Lose an Event" })).toBeVisible();

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
    await expect(card.getByRole("cell", { name: "$27.00" })).toBeVisible();
    await visit(page, "/learn/postgresql-for-app-developers");
    await expect(page.getByRole("heading", { level: 1, name: "PostgreSQL for Application Developers" })).toBeVisible();
  });
});
