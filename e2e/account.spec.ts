/** The account page: name, an email change confirmed from the new inbox (the SMTP catcher), deleting the account. */
import { expect, test } from "@playwright/test";
import { expectAccessible, visit } from "./support/a11y";
import { signIn, signOut, signUp } from "./support/auth";
import { mailUrl } from "./support/env";

test("a student renames themself, moves to a new email by its confirmation link, then deletes the account", async ({ page }) => {
  const student = await signUp(page, "Rena Mover");
  await visit(page, "/account");
  await page.getByRole("textbox", { name: "Name", exact: true }).fill("Rena M. Mover");
  await page.getByRole("button", { name: "Save name" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Your name is saved." })).toBeVisible();
  await expect(page.getByRole("button", { name: /account menu/ })).toContainText("Rena M. Mover");

  const newEmail = `moved-${Date.now()}@example.test`;
  const emailCard = page.getByRole("region", { name: "Email" });
  await emailCard.getByLabel("New email address").fill(newEmail);
  await emailCard.getByLabel("Current password").fill(student.password);
  await emailCard.getByRole("button", { name: "Send confirmation link" }).click();
  await expect(emailCard.getByRole("status")).toContainText(`We sent a confirmation link to ${newEmail}`);
  await expectAccessible(page);

  // The link arrives at the new address; opening it moves the account there.
  let link = "";
  await expect
    .poll(async () => {
      const mails = (await (await page.request.get(`${mailUrl}/api/messages`)).json()) as { to: string[]; text: string }[];
      link = mails.find((m) => m.to.includes(newEmail))?.text.match(/https?:\/\/\S+confirm-email\?token=[^\s\]]+/)?.[0] ?? "";
      return link;
    }, { timeout: 15_000 })
    .not.toBe("");
  await page.goto(link);
  await expect(page.getByRole("heading", { level: 1, name: "Email changed" })).toBeVisible();
  await signOut(page);
  await signIn(page, newEmail, student.password);

  await visit(page, "/account");
  const danger = page.getByRole("region", { name: "Delete your account" });
  await danger.getByLabel("Type DELETE to confirm").fill("delete");
  await danger.getByLabel("Current password").fill(student.password);
  await danger.getByRole("button", { name: "Delete my account" }).click();
  await expect(danger.getByText("Type DELETE to confirm.")).toBeVisible();
  await danger.getByLabel("Type DELETE to confirm").fill("DELETE");
  await danger.getByLabel("Current password").fill(student.password);
  await danger.getByRole("button", { name: "Delete my account" }).click();
  await page.waitForURL(/\/\?account=deleted$/);
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
  await visit(page, "/sign-in");
  await page.getByLabel("Email").fill(newEmail);
  await page.getByLabel("Password").fill(student.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "The email or password is incorrect." })).toBeVisible();
});
