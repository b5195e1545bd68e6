import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, visit } from "./support/a11y";
import { signOut, signUp } from "./support/auth";
import { mailUrl } from "./support/env";
import {
  approveInPopup,
  cancelInPopup,
  captureOf,
  emulator,
  openPayPal,
  payWithPayPal,
  paypalOrderIdOf,
  waitForApprovalPage,
} from "./support/paypal";

const COURSES = {
  idempotent: { slug: "idempotent-apis", title: "Designing Idempotent APIs", price: "$49.00" },
  postgres: { slug: "postgresql-for-app-developers", title: "PostgreSQL for Application Developers", price: "$79.00" },
  webhooks: { slug: "webhooks-that-never-lose-an-event", title: "Webhooks That Never Lose an Event", price: "$29.00" },
  accessible: { slug: "accessible-checkout-design", title: "Accessible Checkout Design", price: "€39.00" },
};
type Course = (typeof COURSES)[keyof typeof COURSES];

const RECEIPT_URL = /\/orders\/[0-9a-f-]{36}$/;

async function addToCart(page: Page, course: Course) {
  await visit(page, `/courses/${course.slug}`);
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByRole("status").filter({ hasText: "This course is in your cart" })).toBeVisible();
}

/** The value shown next to a label in the receipt's details list. */
const receiptDetail = (page: Page, label: string) =>
  page.getByRole("term").filter({ hasText: new RegExp(`^${label}$`) }).locator("xpath=following-sibling::dd[1]");

const courseLinks = (page: Page) => page.getByRole("list", { name: "Courses", exact: true }).getByRole("link");

async function expectCompletedReceipt(page: Page, paypalOrderId: string, courses: Course[], total: string) {
  await expect(page).toHaveURL(RECEIPT_URL);
  await expect(page.getByRole("heading", { level: 1, name: "Payment received — you are enrolled" })).toBeVisible();
  await expect(courseLinks(page)).toHaveText(courses.map((c) => c.title).sort());
  await expect(receiptDetail(page, "Total")).toHaveText(total);
  await expect(receiptDetail(page, "PayPal order ID")).toHaveText(paypalOrderId);
  const capture = await captureOf(paypalOrderId);
  expect(capture.status).toBe("COMPLETED");
  await expect(receiptDetail(page, "PayPal transaction ID")).toHaveText(capture.id);
  await expectAccessible(page);
}

async function expectEnrolledIn(page: Page, courses: Course[]) {
  await visit(page, "/my/courses");
  const mine = page.getByRole("main").getByRole("listitem");
  await expect(mine).toHaveCount(courses.length);
  for (const course of courses) await expect(mine.filter({ hasText: course.title })).toContainText("Enrolled");
}

async function expectNotEnrolled(page: Page) {
  await visit(page, "/my/courses");
  await expect(page.getByRole("heading", { name: "You are not enrolled in any course yet" })).toBeVisible();
}

test.describe("checkout with PayPal", () => {
  test("a student pays for two courses from the cart, gets a receipt and finds both in My courses", async ({ page }) => {
    const student = await signUp(page, "Paying Student");
    await addToCart(page, COURSES.idempotent);
    await addToCart(page, COURSES.postgres);

    await visit(page, "/cart");
    await expect(page.getByRole("heading", { name: "Pay $128.00" })).toBeVisible();
    const paypalOrderId = await payWithPayPal(page);

    await expectCompletedReceipt(page, paypalOrderId, [COURSES.idempotent, COURSES.postgres], "$128.00");
    await expect(receiptDetail(page, "Amount charged")).toHaveText("$128.00");
    await expect(page.getByRole("link", { name: "Cart, 0 items" })).toBeVisible();

    // The receipt email arrives once (the outbox sends it after the payment), with the order's link.
    await expect
      .poll(async () => ((await (await page.request.get(`${mailUrl}/api/messages`)).json()) as { to: string[]; subject: string; text: string }[]).filter((m) => m.to.includes(student.email)), { timeout: 15_000 })
      .toEqual([expect.objectContaining({ subject: "Your receipt: $128.00 — 2 courses", text: expect.stringContaining(page.url()) })]);

    await page.getByRole("link", { name: "Go to My courses" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "My courses" })).toBeVisible();
    await expectEnrolledIn(page, [COURSES.idempotent, COURSES.postgres]);
    await visit(page, "/cart");
    await expect(page.getByRole("heading", { name: "Your cart is empty" })).toBeVisible();
  });

  test("closing PayPal or pressing Cancel charges nothing and the button works again", async ({ page }) => {
    await signUp(page, "Hesitant Student");
    await addToCart(page, COURSES.webhooks);
    await visit(page, "/cart");
    const cancelled = page.getByRole("status").filter({ hasText: "Nothing was charged" });

    const closed = await openPayPal(page);
    await closed.close();
    await expect(cancelled).toContainText("You closed PayPal before approving the payment.");
    await expectAccessible(page);

    // The message belongs to the previous attempt: a new one starts clean and ends with its own message.
    const second = await openPayPal(page);
    await expect(cancelled).toHaveCount(0);
    await cancelInPopup(second);
    await expect(cancelled).toBeVisible();
    await expect(page.getByRole("button", { name: "PayPal", exact: true })).toBeEnabled();

    await (await openPayPal(page)).close();
    await expect(cancelled).toBeVisible();

    await expect(page.getByRole("link", { name: "Cart, 1 item" })).toBeVisible();
    await expectNotEnrolled(page);
  });

  test("a declined funding source reopens PayPal, and paying with another one completes the order", async ({ page }) => {
    await signUp(page, "Declined Student");
    await addToCart(page, COURSES.webhooks);
    await visit(page, "/cart");

    const popup = await openPayPal(page);
    const paypalOrderId = paypalOrderIdOf(popup);
    const reopened = page.waitForEvent("popup");
    await approveInPopup(popup, "Declined at capture");
    await expect(page.getByRole("status").filter({ hasText: "PayPal declined that payment method" })).toContainText(
      "Please choose another way to pay in the PayPal window.",
    );
    await expectAccessible(page);

    const retry = await reopened;
    await waitForApprovalPage(retry);
    expect(paypalOrderIdOf(retry), "the same PayPal order is approved again").toBe(paypalOrderId);
    await approveInPopup(retry, "Pay successfully");

    await expectCompletedReceipt(page, paypalOrderId, [COURSES.webhooks], "$29.00");
    await expectEnrolledIn(page, [COURSES.webhooks]);
  });

  test("the receipt stays the same after a reload, and is not found for another student", async ({ page }) => {
    await signUp(page, "Reloading Student");
    await addToCart(page, COURSES.webhooks);
    await visit(page, "/cart");
    const paypalOrderId = await payWithPayPal(page);
    await expectCompletedReceipt(page, paypalOrderId, [COURSES.webhooks], "$29.00");
    const receiptUrl = page.url();
    const orderNumber = await receiptDetail(page, "Order number").textContent();

    await page.reload();
    await expectCompletedReceipt(page, paypalOrderId, [COURSES.webhooks], "$29.00");
    await expect(receiptDetail(page, "Order number")).toHaveText(orderNumber!);

    await signOut(page);
    await signUp(page, "Curious Student");
    const response = await visit(page, receiptUrl);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await expect(page.getByText(paypalOrderId)).toHaveCount(0);
  });

  test("a pending eCheck shows a pending receipt and enrolls nobody yet", async ({ page }) => {
    await signUp(page, "Patient Student");
    await addToCart(page, COURSES.webhooks);
    await visit(page, "/cart");
    const paypalOrderId = await payWithPayPal(page, "Pending eCheck");

    await expect(page).toHaveURL(RECEIPT_URL);
    await expect(page.getByRole("heading", { level: 1, name: "Payment pending" })).toBeVisible();
    await expect(page.getByRole("status").filter({ hasText: "You will be enrolled automatically" })).toBeVisible();
    await expect(receiptDetail(page, "PayPal order ID")).toHaveText(paypalOrderId);
    const capture = await captureOf(paypalOrderId);
    expect(capture.status).toBe("PENDING");
    await expect(receiptDetail(page, "PayPal transaction ID")).toHaveText(capture.id);
    await expect(receiptDetail(page, "Amount pending")).toHaveText(COURSES.webhooks.price);
    await expectAccessible(page);

    // Not enrolled yet, and nowhere offered to pay again: My courses, the course page and the cart say "pending".
    await visit(page, "/my/courses");
    const pending = page.getByRole("region", { name: "Payment pending" });
    await expect(pending).toContainText(COURSES.webhooks.title);
    await expect(pending.getByRole("link", { name: `View receipt for ${COURSES.webhooks.title}` })).toHaveAttribute("href", new RegExp(`/orders/`));
    await expect(page.getByRole("main").getByText("Enrolled", { exact: true })).toHaveCount(0);
    await visit(page, `/courses/${COURSES.webhooks.slug}`);
    await expect(page.getByRole("status").filter({ hasText: "Payment pending." })).toBeVisible();
    await expect(page.getByRole("region", { name: "Buy now" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /Add to cart/ })).toHaveCount(0);
    // The paid cart line stays in the cart until the payment completes, marked and not payable.
    await visit(page, "/cart");
    await expect(page.getByRole("group", { name: COURSES.webhooks.title })).toContainText("Payment pending");
    await expect(page.getByText("Nothing to pay now")).toBeVisible();
    await expect(page.getByRole("button", { name: "PayPal", exact: true })).toHaveCount(0);
  });

  test("when the buyer's capture request is lost, the page follows the webhook's capture to the receipt by itself", async ({ page }) => {
    await signUp(page, "Unlucky Student");
    await addToCart(page, COURSES.idempotent);
    await visit(page, "/cart");
    // The buyer's connection drops on the capture request; PayPal's APPROVED webhook captures server-side instead.
    let dropped = false;
    await page.route("**/cart", async (route) => {
      const request = route.request();
      if (!dropped && request.method() === "POST" && request.headers()["next-action"] && (request.postData() ?? "").includes("paypalOrderId")) {
        dropped = true;
        return route.abort("connectionreset");
      }
      return route.fallback();
    });
    const paypalOrderId = await payWithPayPal(page);
    await expect(page.getByText("this page moves on by itself")).toBeVisible();
    await expectCompletedReceipt(page, paypalOrderId, [COURSES.idempotent], "$49.00");
    expect(dropped).toBe(true);
  });

  test("a pending payment completes the receipt and enrolls the student once PayPal settles it", async ({ page }) => {
    await signUp(page, "Settled Student");
    await addToCart(page, COURSES.webhooks);
    await visit(page, "/cart");
    const paypalOrderId = await payWithPayPal(page, "Pending eCheck");
    await expect(page.getByRole("heading", { level: 1, name: "Payment pending" })).toBeVisible();

    const control = emulator();
    await control.settleCapture((await captureOf(paypalOrderId)).id, "completed");
    expect((await control.webhooks.flush({ timeoutMs: 15_000 })).idle, "PayPal delivered its webhooks").toBe(true);

    // The pending receipt refreshes itself; the student does not reload.
    await expect(page.getByRole("heading", { level: 1, name: "Payment received — you are enrolled" })).toBeVisible({ timeout: 20_000 });
    await expectCompletedReceipt(page, paypalOrderId, [COURSES.webhooks], "$29.00");
    await expectEnrolledIn(page, [COURSES.webhooks]);
  });

  test("Buy now on a course page pays for that course alone", async ({ page }) => {
    await signUp(page, "Impulsive Student");
    await addToCart(page, COURSES.idempotent);
    await visit(page, `/courses/${COURSES.webhooks.slug}`);
    await expect(page.getByRole("complementary", { name: "Enrollment" })).toContainText(COURSES.webhooks.price);
    const buyNow = page.getByRole("region", { name: "Buy now" });

    const paypalOrderId = await payWithPayPal(page, "Pay successfully", buyNow);
    await expectCompletedReceipt(page, paypalOrderId, [COURSES.webhooks], "$29.00");
    // The cart's other course was not part of this payment.
    await expect(page.getByRole("link", { name: "Cart, 1 item" })).toBeVisible();

    await visit(page, `/courses/${COURSES.webhooks.slug}`);
    await expect(page.getByRole("status").filter({ hasText: "You are enrolled" })).toBeVisible();
    await expect(page.getByRole("button", { name: "PayPal", exact: true })).toHaveCount(0);
  });

  test("a cart in two currencies is paid one currency at a time", async ({ page }) => {
    await signUp(page, "Travelling Student");
    await addToCart(page, COURSES.idempotent);
    await addToCart(page, COURSES.accessible);

    await visit(page, "/cart");
    await expect(page.getByText("PayPal takes one currency per payment")).toBeVisible();
    const choice = page.getByRole("navigation", { name: "Currency to pay now" });
    await expect(choice.getByRole("link", { name: "USD courses" })).toHaveAttribute("aria-current", "true");
    await expect(page.getByRole("heading", { name: "Pay $49.00" })).toBeVisible();

    await choice.getByRole("link", { name: "EUR courses" }).click();
    await expect(page).toHaveURL(/\/cart\?pay=EUR$/);
    await expect(page.getByRole("heading", { name: "Pay €39.00" })).toBeVisible();
    await expect(choice.getByRole("link", { name: "EUR courses" })).toHaveAttribute("aria-current", "true");
    await expectAccessible(page);

    const paypalOrderId = await payWithPayPal(page);
    await expectCompletedReceipt(page, paypalOrderId, [COURSES.accessible], "€39.00");

    await visit(page, "/cart");
    await expect(page.getByRole("link", { name: COURSES.idempotent.title })).toBeVisible();
    await expect(page.getByRole("link", { name: COURSES.accessible.title })).toHaveCount(0);
    await expect(page.getByText("PayPal takes one currency per payment")).toHaveCount(0);
    await expect(page.getByRole("heading", { name: "Pay $49.00" })).toBeVisible();
  });
});
