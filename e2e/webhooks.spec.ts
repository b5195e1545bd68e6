/**
 * Outgoing webhooks from the admin's side: an endpoint is created, its signing secret is shown once, a test event is
 * delivered to the LMS emulator's listener (which verifies it with the Standard Webhooks library) and logged.
 */
import { expect, test } from "@playwright/test";
import { visit } from "./support/a11y";
import { signIn } from "./support/auth";
import { E2E, lmsUrl } from "./support/env";

test("an admin adds an endpoint, copies its secret once, and a signed test event is delivered and logged", async ({ page }) => {
  await signIn(page, E2E.adminEmail, E2E.adminPassword);
  await visit(page, "/admin/webhooks");
  await expect(page.getByText("Demo: the LMS emulator's event listener (see its /events page)")).toBeVisible();
  await page.getByRole("link", { name: "New endpoint" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "New endpoint" })).toBeVisible();

  // Nothing chosen: a clear error, nothing created.
  await page.getByLabel("Endpoint URL").fill(`http://127.0.0.1:${E2E.lmsPort}/hooks/coursepay`);
  for (const box of await page.getByRole("checkbox", { name: /^(order|enrollment|subscription)\./ }).all()) await box.uncheck();
  await page.getByRole("button", { name: "Create endpoint" }).click();
  await expect(page.getByText("Choose at least one event.")).toBeVisible();

  await page.getByRole("checkbox", { name: /^order\.completed/ }).check();
  await page.getByLabel("Description").fill("Test listener");
  await page.getByRole("button", { name: "Create endpoint" }).click();
  const secret = (await page.locator("code").filter({ hasText: /^whsec_/ }).textContent())!;
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
  await page.request.post(`${lmsUrl}/__emulator/webhook`, { data: { secret } });

  await page.getByRole("link", { name: "Open the endpoint" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`http://127.0.0.1:${E2E.lmsPort}/hooks/coursepay`);
  await expect(page.getByText(/^whsec_/)).toHaveCount(0); // never shown again
  await page.getByRole("button", { name: "Send test event" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Delivered" })).toContainText(/Delivered: the endpoint answered 204 in \d+ ms\./);
  await page.reload();
  await expect(page.getByRole("region", { name: "Delivery attempts" }).getByRole("row").filter({ hasText: "webhook.test" })).toContainText("204");
  await visit(page, page.url());

  const events = (await (await page.request.get(`${lmsUrl}/__emulator/events`)).json()) as { rejected: number; events: { type: string }[] };
  expect(events.events.map((e) => e.type)).toContain("webhook.test");
});
