import { expect, type Page } from "@playwright/test";
import { visit } from "./a11y";

let counter = 0;

/** Signs up a brand-new student through the form and returns their credentials. */
export async function signUp(page: Page, name = "Jamie Student") {
  const email = `e2e-${Date.now()}-${counter++}@example.test`;
  const password = "a-long-e2e-password";
  await visit(page, "/sign-up");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("button", { name: "account menu" })).toContainText(name);
  return { email, password, name };
}

export async function signIn(page: Page, email: string, password: string) {
  await visit(page, "/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "account menu" })).toBeVisible();
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "account menu" }).click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
}
