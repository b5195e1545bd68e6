import { readFileSync } from "node:fs";
import sharp from "sharp";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { expectAccessible, visit } from "./support/a11y";
import { signIn, signOut, signUp } from "./support/auth";
import { E2E } from "./support/env";
import { cancelInPopup, captureOf, openPayPal, payWithPayPal } from "./support/paypal";

const IDEMPOTENT = { slug: "idempotent-apis", title: "Designing Idempotent APIs" };
const POSTGRES = { slug: "postgresql-for-app-developers", title: "PostgreSQL for Application Developers" };
const WEBHOOKS = { slug: "webhooks-that-never-lose-an-event", title: "Webhooks That Never Lose an Event" };

/** Shared by the serial tests below: one student's history, as the admin will find it. */
const state = { student: { email: "", password: "" }, paypalOrderId: "", orderUrl: "" };

async function addToCart(page: Page, slug: string) {
  await visit(page, `/courses/${slug}`);
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByRole("status").filter({ hasText: "This course is in your cart" })).toBeVisible();
}

async function asAdmin(page: Page) {
  await signIn(page, E2E.adminEmail, E2E.adminPassword);
}

/**
 * Opens a raw PayPal message on the detail page (the newest is open already) and returns it: the first of that
 * type with that HTTP status (a capture may be asked twice — the browser and a webhook racing — and the second
 * answer is PayPal's refusal).
 */
async function rawMessage(page: Page, type: string, httpStatus: number | RegExp) {
  const status = typeof httpStatus === "number" ? `HTTP ${httpStatus}` : httpStatus;
  const message = page
    .locator("details")
    .filter({ has: page.locator("summary").getByText(type, { exact: true }) })
    .filter({ has: page.locator("summary").getByText(status, { exact: true }) })
    .first();
  // A missing message fails in the expect timeout, naming the messages the page does show.
  await expect(message).toBeAttached().catch(async (error: Error) => {
    throw new Error(`${error.message}\nmessages on ${page.url()}: ${(await page.locator("details > summary").allInnerTexts()).join(" | ")}`);
  });
  if ((await message.getAttribute("open")) === null) await message.locator("summary").click();
  return message;
}

/** The value of one variable in a message's key/value table. */
const rawVariable = (message: Locator, path: string) => message.getByRole("rowheader", { name: path, exact: true }).locator("xpath=following-sibling::td[1]");

const tab = (page: Page, name: "Finished" | "Unfinished") => page.getByRole("navigation", { name: "Transaction status" }).getByRole("link", { name: new RegExp(`^${name}`) });
const rows = (page: Page) => page.getByRole("table", { name: /transactions$/ }).locator("tbody tr");

test.describe.serial("admin dashboard", () => {
  test("a paid and a cancelled checkout land in Finished and Unfinished, with every raw PayPal variable", async ({ page }) => {
    const student = await signUp(page, "Audited Student");
    state.student = student;
    await addToCart(page, IDEMPOTENT.slug);
    await addToCart(page, POSTGRES.slug);
    await visit(page, "/cart");
    state.paypalOrderId = await payWithPayPal(page);
    await expect(page.getByRole("heading", { level: 1, name: "Payment received — you are enrolled" })).toBeVisible();

    // A second checkout, abandoned at PayPal.
    await visit(page, `/courses/${WEBHOOKS.slug}`);
    await cancelInPopup(await openPayPal(page, page.getByRole("region", { name: "Buy now" })));
    await expect(page.getByRole("status").filter({ hasText: "Nothing was charged" })).toBeVisible();
    await signOut(page);

    await asAdmin(page);
    await visit(page, "/admin/transactions");
    await expect(tab(page, "Finished")).toHaveAttribute("aria-current", "page");
    await page.getByRole("searchbox", { name: "Search" }).fill(student.email);
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(rows(page)).toHaveCount(1);
    await expect(rows(page).first()).toContainText(`${IDEMPOTENT.title}, ${POSTGRES.title}`);
    await expect(rows(page).first()).toContainText("$128.00");
    await expect(rows(page).first()).toContainText("completed");
    await expect(rows(page).first()).toContainText(state.paypalOrderId);
    await expect(tab(page, "Finished")).toContainText("1");
    await expect(tab(page, "Unfinished")).toContainText("1");
    await expectAccessible(page);

    await tab(page, "Unfinished").click();
    await expect(tab(page, "Unfinished")).toHaveAttribute("aria-current", "page");
    await expect(rows(page)).toHaveCount(1);
    await expect(rows(page).first()).toContainText(WEBHOOKS.title);
    await expect(rows(page).first()).toContainText("cancelled");
    await expectAccessible(page);

    // Back on Finished before opening a row: the click alone does not wait for the tab, and the first row of the
    // Unfinished table still on screen would be the cancelled order.
    await tab(page, "Finished").click();
    await expect(tab(page, "Finished")).toHaveAttribute("aria-current", "page");
    await expect(rows(page)).toHaveCount(1);
    await expect(rows(page).first()).toContainText(state.paypalOrderId);
    await rows(page).first().getByRole("link").first().click();
    await expect(page).toHaveURL(/\/admin\/transactions\/[0-9a-f-]{36}$/);
    state.orderUrl = new URL(page.url()).pathname;
    const capture = await captureOf(state.paypalOrderId);
    // 201 for the capture itself; 200 when a slow first request was retried and PayPal replayed its answer.
    const captured = await rawMessage(page, "orders.capture", /^HTTP 20[01]$/);
    await expect(rawVariable(captured, "purchase_units[0].payments.captures[0].status")).toHaveText("COMPLETED");
    await expect(rawVariable(captured, "purchase_units[0].payments.captures[0].id")).toHaveText(capture.id);
    await expect(page.getByRole("list").filter({ hasText: "Payment completed" })).toBeVisible();
    await expectAccessible(page);
  });

  test("refunding one course of a two-course order takes away that course only", async ({ page }) => {
    await asAdmin(page);
    await visit(page, state.orderUrl);
    const refund = page.getByRole("region", { name: "Refund" });
    await refund.getByRole("checkbox", { name: POSTGRES.title }).check();
    await refund.getByRole("button", { name: "Refund selected courses…" }).click();
    const dialog = page.getByRole("dialog", { name: "Refund $79.00?" });
    await expect(dialog).toBeVisible();
    await expectAccessible(page);
    await dialog.getByRole("button", { name: "Confirm refund" }).click();
    await expect(refund.getByRole("status").filter({ hasText: "Refunded." })).toBeVisible();

    const courses = page.getByRole("table", { name: "Courses in this order" });
    await expect(courses.getByRole("row", { name: new RegExp(POSTGRES.title) })).toContainText("refund completed");
    await expect(courses.getByRole("row", { name: new RegExp(POSTGRES.title) })).toContainText("full · revoked");
    await expect(courses.getByRole("row", { name: new RegExp(IDEMPOTENT.title) })).toContainText("full · active");
    // A second attempt has nothing left to refund for that course.
    await expect(refund.getByRole("checkbox", { name: POSTGRES.title })).toHaveCount(0);
    await expect(page.getByRole("main").getByText("partially refunded", { exact: true }).first()).toBeVisible();
    await signOut(page);

    await signIn(page, state.student.email, state.student.password);
    await visit(page, "/my/courses");
    const mine = page.getByRole("main").getByRole("listitem");
    await expect(mine).toHaveCount(1);
    await expect(mine.first()).toContainText(IDEMPOTENT.title);
    expect((await page.goto(`/learn/${POSTGRES.slug}`))?.status()).toBe(403);
    expect((await page.goto(`/learn/${IDEMPOTENT.slug}`))?.status()).toBe(200);

    // The student's order history says what was refunded, for which course, and what the order cost in the end.
    await visit(page, "/my/orders");
    const order = page.getByRole("article").filter({ hasText: "$128.00" });
    await expect(order).toContainText("partially refunded");
    await expect(order.getByRole("list", { name: "Refunds" })).toContainText(`Refunded: $79.00 for ${POSTGRES.title}`);
    await expect(order.getByRole("list", { name: "Refunds" })).toContainText("Paid in the end: $49.00");
    await order.getByRole("link", { name: /View receipt/ }).click();
    await expect(page.getByRole("list", { name: "Refunds" })).toContainText(POSTGRES.title);
    await expect(page.getByRole("term").filter({ hasText: "Paid in the end" }).locator("xpath=following-sibling::dd[1]")).toHaveText("$49.00");
    await expectAccessible(page);
  });

  test("the CSV export downloads exactly the filtered rows", async ({ page }) => {
    await asAdmin(page);
    await visit(page, `/admin/transactions?tab=finished&q=${encodeURIComponent(state.student.email)}`);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^coursepay-transactions-finished-.*\.csv$/);
    const lines = readFileSync((await download.path())!, "utf8").trim().split("\n");
    expect(lines[0]).toBe("created_at,order_id,status,buyer_email,buyer_name,courses,amount,amount_minor,currency,provider,provider_order_id,provider_capture_id");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`,partially_refunded,${state.student.email},Audited Student,`);
    expect(lines[1]).toContain(`,128.00,12800,USD,paypal,${state.paypalOrderId},`);
  });

  test("the overview and the audit log show the business and who did what", async ({ page }) => {
    await asAdmin(page);
    await visit(page, "/admin");
    await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
    await expect(page.getByRole("img", { name: /^USD revenue over 30 days/ })).toBeVisible();
    await visit(page, "/admin/audit");
    await expect(page.getByRole("main")).toContainText(E2E.adminEmail);
    await expect(page.getByRole("main")).toContainText(/refund/i);
  });

  test("the IPN inbox shows messages PayPal verified, with their variables and order", async ({ page }) => {
    await asAdmin(page);
    await visit(page, "/admin/notifications?state=verified");
    const row = page.getByRole("row").filter({ hasText: "Verified by PayPal" }).first();
    await expect(row).toBeVisible();
    await row.getByText(/\d+ variables/).click();
    await expect(row.getByText("receiver_email:")).toBeVisible();
    await expectAccessible(page);
    await visit(page, "/admin/notifications?state=invalid");
    await expect(page.getByText("No messages in this state")).toBeVisible();
  });

  test("payment settings: a padded secret is refused, a saved secret is never shown again, and the connection test talks to PayPal", async ({ page }) => {
    await asAdmin(page);
    await visit(page, "/admin/settings/payments");
    const paypal = page.getByRole("form", { name: "PayPal" });
    const sandbox = paypal.getByRole("group", { name: "Sandbox credentials" });
    await sandbox.getByLabel("Client id").fill("AZsandboxClientId0001");
    await sandbox.getByLabel("Client secret").fill(" EKsandbox-secret-4f2a ");
    await paypal.getByRole("button", { name: "Save settings" }).click();
    await expect(sandbox.getByText("The secret starts or ends with a space or line break.")).toBeVisible();
    await expect(paypal.getByRole("alert").filter({ hasText: "Please correct the highlighted fields" })).toBeVisible();
    await expectAccessible(page);

    await sandbox.getByLabel("Client id").fill("AZsandboxClientId0001");
    await sandbox.getByLabel("Client secret").fill("EKsandbox-secret-4f2a");
    await paypal.getByRole("button", { name: "Save settings" }).click();
    await expect(paypal.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();

    const reloaded = await page.reload();
    const html = (await reloaded?.text()) ?? "";
    expect(html).not.toContain("EKsandbox-secret-4f2a");
    await expect(sandbox.getByLabel("Client secret")).toHaveValue("");
    await expect(sandbox.getByText("Set, ends with …4f2a")).toBeVisible();
    await expect(sandbox.getByLabel("Client id")).toHaveValue("AZsandboxClientId0001");
    await expect(paypal.getByRole("radio", { name: /Local emulator/ })).toBeChecked();

    // The store still pays through the local emulator: the connection test asks it for a token.
    await paypal.getByRole("button", { name: "Test connection" }).click();
    await expect(paypal.getByRole("status").filter({ hasText: "Connected" })).toBeVisible();
    await expectAccessible(page);
  });

  test("Stripe settings: keys are checked and kept secret, the connection test reaches Stripe, and turning cards off takes “Pay by card” off the cart", async ({ page }) => {
    await asAdmin(page);
    await visit(page, "/admin/settings/payments");
    const stripe = page.getByRole("form", { name: "Stripe (cards)" });
    // Set from the environment (playwright.config.ts): the key shows its last four characters only.
    await expect(stripe.getByRole("radio", { name: /Local emulator/ })).toBeChecked();
    await expect(stripe.getByRole("checkbox", { name: "USD" })).toBeChecked();
    await expect(stripe.getByRole("checkbox", { name: "JPY" })).not.toBeChecked();
    await stripe.getByRole("button", { name: "Test connection" }).click();
    await expect(stripe.getByRole("status")).toHaveText("Connected: the local Stripe emulator accepted this secret key. (Testing does not save it.)");

    const live = stripe.getByRole("group", { name: "Live keys" });
    await stripe.getByRole("radio", { name: /Live/ }).check();
    await live.getByLabel("Secret key").fill("pk_live_publishable_key");
    await stripe.getByRole("button", { name: "Save settings" }).click();
    await expect(live.getByText("A live secret key starts with sk_live_")).toBeVisible();
    await expect(live.getByLabel("Secret key")).toHaveValue(""); // never sent back, even refused
    await expectAccessible(page);

    // Turn card payments off: the cart no longer offers them; on again, it does.
    await visit(page, "/admin/settings/payments");
    await stripe.getByRole("checkbox", { name: "Accept card payments with Stripe" }).uncheck();
    await stripe.getByRole("button", { name: "Save settings" }).click();
    await expect(stripe.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
    await expect(page.getByText(/Stripe settings last saved/)).toBeVisible();
    await addToCart(page, WEBHOOKS.slug);
    await visit(page, "/cart");
    await expect(page.getByRole("group", { name: WEBHOOKS.title })).toBeVisible();
    await expect(page.getByRole("button", { name: /Pay by card/ })).toHaveCount(0);
    await visit(page, "/admin/settings/payments");
    await stripe.getByRole("checkbox", { name: "Accept card payments with Stripe" }).check();
    await stripe.getByRole("button", { name: "Save settings" }).click();
    await expect(stripe.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
    await visit(page, "/cart");
    await expect(page.getByRole("button", { name: /Pay by card/ })).toBeVisible();
    await page.getByRole("button", { name: /^Remove/ }).click();
    await expect(page.getByText("Your cart is empty")).toBeVisible();
  });

  test("an admin creates a course: a taken slug is refused, then it is on sale in the store", async ({ page }) => {
    await asAdmin(page);
    await visit(page, "/admin/courses/new");
    const title = `Ledger Design ${Date.now()}`;
    await page.getByLabel("Title", { exact: true }).fill(title);
    await page.getByLabel("Slug").fill(IDEMPOTENT.slug);
    await page.getByLabel("Summary").fill("Double-entry bookkeeping for developers.");
    await page.getByLabel("Description").fill("Debits.\n\nCredits.");
    await page.getByLabel("Price", { exact: true }).fill("19.5");
    await page.getByLabel("Currency").selectOption("EUR");
    await page.getByLabel("Published").check();
    // A file that is not an image is refused on its field, by its bytes.
    await page.getByLabel("Cover image").setInputFiles({ name: "cover.png", mimeType: "image/png", buffer: Buffer.from("not really a picture") });
    await page.getByRole("button", { name: "Create course" }).click();
    await expect(page.getByText("Use a PNG, JPEG or WebP image.")).toBeVisible();
    await page.getByLabel("Cover image").setInputFiles({ name: "cover.png", mimeType: "image/png", buffer: await sharp({ create: { width: 1200, height: 800, channels: 3, background: "#2b6cb0" } }).png().toBuffer() });
    await page.getByRole("button", { name: "Create course" }).click();
    await expect(page.getByText("This slug is already used by another course")).toBeVisible();
    await expectAccessible(page);

    const slug = `ledger-design-${Date.now()}`;
    await page.getByLabel("Slug").fill(slug);
    await page.getByLabel("Cover image").setInputFiles({ name: "cover.png", mimeType: "image/png", buffer: await sharp({ create: { width: 1200, height: 800, channels: 3, background: "#2b6cb0" } }).png().toBuffer() });
    await page.getByRole("button", { name: "Create course" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Course created." })).toBeVisible();

    // Its outline: a section, then a lesson in it (a free preview, written in Markdown).
    await page.getByLabel("New section").fill("Opening the books");
    await page.getByRole("button", { name: "Add section" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Section added." })).toBeVisible();
    await page.getByRole("link", { name: "Add a lesson" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "New lesson" })).toBeVisible();
    await page.getByLabel("Title", { exact: true }).fill("Why two columns");
    await page.getByLabel("Lesson (Markdown)").fill("## Debits and credits\n\nEvery **cent** lands in two accounts.\n\n<script>alert(1)</script>");
    await page.getByLabel("Duration (minutes)").fill("7");
    await page.getByLabel("Free preview").check();
    await expectAccessible(page);
    await page.getByRole("button", { name: "Add lesson" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Lesson added." })).toBeVisible();
    await expect(page.getByRole("region", { name: "Sections and lessons" })).toContainText("Why two columns");
    await expectAccessible(page);
    await visit(page, "/admin/courses");
    await expect(page.getByRole("row", { name: new RegExp(title) })).toContainText("€19.50");

    await visit(page, `/courses/${slug}`);
    await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
    const cover = page.getByRole("img", { name: `Cover of ${title}` });
    await expect(cover).toHaveJSProperty("naturalWidth", 960);
    const served = await page.request.get((await cover.getAttribute("src"))!);
    expect(served.headers()["content-type"]).toBe("image/webp");
    expect(served.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
    await expect(page.getByRole("complementary", { name: "Enrollment" })).toContainText("€19.50");
    await page.getByRole("region", { name: "Syllabus" }).getByRole("link", { name: /Why two columns/ }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Why two columns" })).toBeVisible();
    await expect(page.getByRole("heading", { level: 2, name: "Debits and credits" })).toBeVisible();
    await expect(page.locator("strong", { hasText: "cent" })).toBeVisible();
    await expect(page.locator("article script")).toHaveCount(0); // raw HTML is not rendered

    // Taken off sale again (the storefront spec counts the seeded catalog).
    await visit(page, "/admin/courses");
    await page.getByRole("link", { name: `Edit ${title}` }).click();
    await page.getByLabel("Published").uncheck();
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Changes saved." })).toBeVisible();
    expect((await page.goto(`/courses/${slug}`))?.status()).toBe(404);
  });

  test("a refund whose answer is lost says the outcome is unknown and points to the order's current state", async ({ page }) => {
    await asAdmin(page);
    await visit(page, state.orderUrl);
    // The request reaches the server (the refund is made), but the admin's connection drops before the answer.
    await page.route(`**${state.orderUrl}`, async (route) => {
      const request = route.request();
      if (request.method() === "POST" && request.headers()["next-action"] && (request.postData() ?? "").includes("scope")) {
        await route.fetch();
        return route.abort("connectionreset");
      }
      return route.fallback();
    });
    const refund = page.getByRole("region", { name: "Refund" });
    await refund.getByRole("button", { name: "Refund everything left…" }).click();
    await page.getByRole("dialog", { name: "Refund $49.00?" }).getByRole("button", { name: "Confirm refund" }).click();
    const unknown = refund.getByRole("status").filter({ hasText: "Outcome unknown" });
    await expect(unknown).toContainText("we cannot tell whether this refund was made");
    await expect(page.getByText("No payment was taken")).toHaveCount(0);
    await expectAccessible(page);
    await page.unrouteAll({ behavior: "wait" });
    await unknown.getByRole("link", { name: "Reload this order" }).click();
    const courses = page.getByRole("table", { name: "Courses in this order" });
    await expect(courses.getByRole("row", { name: new RegExp(IDEMPOTENT.title) })).toContainText("refund completed");
  });

  test("students get a 403 on every admin page and export", async ({ page }) => {
    await signIn(page, state.student.email, state.student.password);
    for (const path of ["/admin", "/admin/transactions", state.orderUrl, "/admin/courses", "/admin/courses/new", "/admin/settings/payments", "/admin/audit", "/admin/notifications"]) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(403);
    }
    // A download is not a page: asked for directly, with the student's session.
    const csv = await page.request.get("/admin/transactions/export?tab=finished");
    expect(csv.status()).toBe(403);
    expect(await csv.text()).not.toContain("order_id");
  });
});
