/**
 * The external-enrolment gateway in a real browser: the LMS emulator's "Join now" form posts a signed token to the
 * store, the learner (no store account) pays through the real PayPal buttons, the outbox enrols them at the LMS, and
 * the store sends them back to the LMS's course page as an enrolled learner. The admin sees the order with its token
 * claims and the enrolment call. A replayed or expired token gets a clear page and creates nothing.
 */
import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, visit } from "./support/a11y";
import { signIn } from "./support/auth";
import { appUrl, E2E, lmsUrl } from "./support/env";
import { approveInPopup, openPayPal } from "./support/paypal";

const learner = `e2e-learner-${Date.now()}`;
const COURSE = { title: "Marine Ecology Field Course", classId: "class-marine-2027" };

/** Posts a token to the gateway the way the LMS's form does, from a page of this browser. */
async function postToken(page: Page, jwt: string) {
  await page.goto(`${lmsUrl}/?learner=${learner}`);
  await page.evaluate(
    ({ action, jwt }) => {
      const form = document.createElement("form");
      form.method = "POST";
      form.action = action;
      const input = Object.assign(document.createElement("input"), { type: "hidden", name: "jwt", value: jwt });
      form.append(input);
      document.body.append(form);
      form.submit();
    },
    { action: `${appUrl}/gateway/demo-lms/enrol`, jwt },
  );
  await page.waitForURL(new RegExp(`^${appUrl}/join/`));
}

test.describe.serial("selling a class hosted in another LMS", () => {
  test("Join now → the store's payment page → PayPal → back on the LMS as an enrolled learner", async ({ page }) => {
    await page.goto(`${lmsUrl}/?learner=${learner}`);
    await expectAccessible(page);
    await page.getByRole("button", { name: `Join now: ${COURSE.title}` }).click();
    await page.waitForURL(/\/join\/[0-9a-f-]{36}$/);
    await expect(page.getByRole("heading", { level: 1, name: COURSE.title })).toBeVisible();
    await expect(page.getByText("Joining a class at Demo LMS")).toBeVisible();
    await expect(page.getByText("$49.00")).toBeVisible();
    await expect(page.getByText(COURSE.classId)).toBeVisible();
    await expectAccessible(page);

    // A reload is a GET of the same checkout (the POST answered 303), never a second one.
    const joinUrl = page.url();
    await page.reload();
    expect(page.url()).toBe(joinUrl);

    const popup = await openPayPal(page);
    await approveInPopup(popup);
    // "Payment received — enrolling you…" may flash by; the store sends the learner back once the LMS confirms.
    await page.waitForURL(new RegExp(`^${lmsUrl}/courses/marine-ecology`), { timeout: 30_000 });
    await expect(page.getByRole("status")).toHaveText(`You are enrolled in ${COURSE.classId}. Welcome to the class!`);

    // Back to the store's join page: the class is paid, so it shows the order, which sends them to the LMS again.
    await page.goto(joinUrl);
    await page.waitForURL(new RegExp(`^${lmsUrl}/courses/marine-ecology`));
    const enrolments = (await (await page.request.get(`${lmsUrl}/__emulator/enrolments`)).json()) as { enrolments: { user: string }[] };
    expect(enrolments.enrolments.filter((e) => e.user === learner)).toHaveLength(1);
  });

  test("the admin sees the LMS order with the token's claims and the enrolment call", async ({ page }) => {
    await signIn(page, E2E.adminEmail, E2E.adminPassword);
    await visit(page, "/admin/transactions?tab=finished");
    await page.getByRole("row", { name: new RegExp(`LMS user ${learner}`) }).getByRole("link").click();
    await expect(page.getByRole("heading", { name: "LMS learner", exact: true })).toBeVisible();
    const learnerCard = page.getByRole("region", { name: "LMS learner", exact: true });
    await expect(learnerCard.getByText(learner, { exact: true })).toBeVisible();
    await expect(learnerCard.getByText("enrolled", { exact: true })).toBeVisible();
    const records = page.getByRole("region", { name: "LMS handoff and enrolment calls" });
    await expect(records.getByRole("region", { name: "Claims of the handoff token" }).getByText("class-marine-2027")).toBeVisible();
    await expect(records.getByText("201", { exact: true }).first()).toBeVisible();
    await expectAccessible(page);

    await visit(page, "/admin/gateway");
    await expect(page.getByText(`${appUrl}/gateway/demo-lms/enrol`)).toBeVisible();
    await page.getByRole("link", { name: "Demo LMS" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Demo LMS" })).toBeVisible();
    await expect(page.getByLabel("API key")).toHaveValue("");
    await expectAccessible(page);
  });

  test("a replayed token and an expired one get a clear page and create nothing", async ({ page, browser }) => {
    // A class this learner has not paid for (euros this time).
    const dataJournalism = { title: "Data Journalism Basics", course: "data-journalism", class: "class-dj-01", currency: "EUR", price: "39.50", redirect_url: `${lmsUrl}/courses/data-journalism?learner=${learner}` };
    const token = async (body: Record<string, unknown>) =>
      ((await (await page.request.post(`${lmsUrl}/__emulator/token`, { data: { sub: learner, ...dataJournalism, ...body } })).json()) as { jwt: string }).jwt;
    const jwt = await token({});
    await postToken(page, jwt);
    await expect(page.getByRole("heading", { level: 1, name: dataJournalism.title })).toBeVisible();
    await expect(page.getByText("€39.50")).toBeVisible();
    // The same browser resubmitting the form is shown the same checkout.
    const joinUrl = page.url();
    await postToken(page, jwt);
    expect(page.url()).toBe(joinUrl);

    // The same token from another browser (a stolen or replayed form) is refused.
    const other = await browser.newContext();
    const stranger = await other.newPage();
    await postToken(stranger, jwt);
    await expect(stranger.getByRole("heading", { level: 1, name: "This payment link cannot be used" })).toBeVisible();
    await expect(stranger.getByRole("alert").filter({ hasText: "payment page" })).toContainText("already used");
    await expectAccessible(stranger);

    await postToken(stranger, await token({ expiresInSeconds: -120 }));
    await expect(stranger.getByRole("alert").filter({ hasText: "payment page" })).toContainText("has expired");
    await other.close();
  });
});
