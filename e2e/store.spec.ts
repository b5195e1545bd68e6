import { chromium, expect, test } from "@playwright/test";
import { chromiumLaunchOptions } from "./browser";
import { expectAccessible, visit } from "./support/a11y";
import { signIn, signOut, signUp } from "./support/auth";
import { E2E } from "./support/env";

test.describe("storefront foundation", () => {
  test("a visitor browses the catalog and a course, and is asked to sign in to enroll", async ({ page }) => {
    await visit(page, "/");
    await expect(page.getByRole("heading", { name: "Course catalog" })).toBeVisible();
    const cards = page.getByRole("list", { name: "Courses" }).getByRole("listitem");
    await expect(cards).toHaveCount(7); // the unpublished draft is not listed
    await expect(cards.filter({ hasText: "Git Basics" })).toContainText("Free");
    await expect(cards.filter({ hasText: "Designing Idempotent APIs" })).toContainText("Audit available");
    await expect(cards.filter({ hasText: "Typed Money in TypeScript" })).toContainText("¥4,800");

    await page.getByRole("link", { name: "Designing Idempotent APIs" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Designing Idempotent APIs" })).toBeVisible();
    // Search engines read the course and its offer (schema.org), link previews its Open Graph tags.
    const data = JSON.parse((await page.locator('script[type="application/ld+json"]').textContent())!) as Record<string, unknown>;
    expect(data).toMatchObject({ "@type": "Course", name: "Designing Idempotent APIs", offers: { price: "49.00", priceCurrency: "USD" }, instructor: { name: "Jonas Weber" } });
    await expect(page.locator('meta[property="og:title"]')).toHaveAttribute("content", "Designing Idempotent APIs");
    await expect(page.getByRole("region", { name: "What you will learn" })).toContainText("Use idempotency keys correctly");
    await expect(page.getByRole("region", { name: "Your instructor: Jonas Weber" }).getByRole("img", { name: "Photo of Jonas Weber" })).toBeVisible();
    await expect(page.getByRole("region", { name: "Syllabus" })).toContainText("Wrap-up");
    await expectAccessible(page);
    await page.getByRole("link", { name: "Sign in to buy" }).click();
    await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fcourses%2Fidempotent-apis/);
  });

  test("a visitor's catalog and course pages are cacheable: React runs under their script-hash policy, Back restores them whole, and the browser logs no complaint", async ({ baseURL }) => {
    // Playwright turns the back/forward cache off by default; this test is about it.
    const browser = await chromium.launch({ ...chromiumLaunchOptions, ignoreDefaultArgs: ["--disable-back-forward-cache"] });
    try {
      const page = await browser.newPage({ baseURL });
      // Anything the browser complains about: a script the policy blocked, a header it cannot read.
      const complaints: string[] = [];
      page.on("console", (message) => {
        if (message.type() === "error" || message.type() === "warning") complaints.push(message.text());
      });
      const response = await page.goto("/");
      expect(response!.headers()["cache-control"]).toContain("public");
      expect(response!.headers()["content-security-policy"]).toContain("'sha256-");
      // Quiet network: React has hydrated and Next's router has prefetched the visible links.
      await page.waitForLoadState("networkidle");
      await page.evaluate(() => Object.assign(window, { sameDocument: true }));
      // A click that Next's router handles without loading a document: the page hydrated under the policy.
      await page.getByRole("link", { name: "Designing Idempotent APIs" }).click();
      await expect(page.getByRole("heading", { level: 1, name: "Designing Idempotent APIs" })).toBeVisible();
      expect(await page.evaluate(() => "sameDocument" in window)).toBe(true);
      // A document load elsewhere, then Back: the back/forward cache (which refuses no-store pages) restores the
      // page as it was (no load event fires, hence "commit").
      // (No request may be in flight when the page is left, or the browser does not keep it.)
      await page.waitForLoadState("networkidle");
      await page.goto("/courses/git-basics");
      await page.goBack({ waitUntil: "commit" });
      await expect(page.getByRole("heading", { level: 1, name: "Designing Idempotent APIs" })).toBeVisible();
      expect(await page.evaluate(() => "sameDocument" in window)).toBe(true);
      expect(complaints).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  test("a visitor searches and filters the catalog, and the URL keeps the search", async ({ page }) => {
    await visit(page, "/");
    const cards = page.getByRole("list", { name: "Courses" }).getByRole("listitem");
    await page.getByRole("searchbox", { name: "Search" }).fill("webho");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await expect(page).toHaveURL(/\?q=webho/);
    // The course about webhooks first, then the one whose summary mentions them.
    await expect(cards).toHaveCount(2);
    await expect(cards.first()).toContainText("Webhooks That Never Lose an Event");
    await expect(cards.nth(1)).toContainText("Designing Idempotent APIs");
    await expect(page.getByRole("status").filter({ hasText: "2 courses for “webho”" })).toBeVisible();
    await expectAccessible(page);

    // By instructor, then filters only: free beginner courses, from a link someone shared.
    await visit(page, "/?q=okafor&sort=price_desc");
    await expect(cards.first()).toContainText("Webhooks That Never Lose an Event");
    await expect(cards).toHaveCount(2); // the draft by the same instructor is not listed
    await visit(page, "/?price=free&level=beginner");
    await expect(page.getByLabel("Price", { exact: true })).toHaveValue("free");
    await expect(page.getByLabel("Level", { exact: true })).toHaveValue("beginner");
    await expect(cards.filter({ hasText: "Git Basics" })).toHaveCount(1);
    await expect(cards.filter({ hasText: "Designing Idempotent APIs" })).toHaveCount(0);

    await visit(page, "/?q=no-such-course-anywhere");
    await expect(page.getByRole("heading", { name: "No course matches" })).toBeVisible();
    await page.getByRole("link", { name: "Clear the search and filters" }).click();
    await expect(cards).toHaveCount(7);
  });

  test("unpublished and unknown courses are 404", async ({ page }) => {
    expect((await page.goto("/courses/advanced-reconciliation"))?.status()).toBe(404);
    expect((await visit(page, "/courses/no-such-course"))?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  });

  test("a student signs up, enrolls for free, audits, and sees both under My courses", async ({ page }) => {
    const student = await signUp(page, "Jamie Student");

    await visit(page, "/courses/git-basics");
    await page.getByRole("button", { name: "Enroll for free" }).click();
    // The course opens at its first lesson, with the lessons beside it and the learner's progress.
    await expect(page).toHaveURL(/\/learn\/git-basics\/welcome$/);
    await expect(page.getByRole("heading", { level: 1, name: "Welcome" })).toBeVisible();
    await expect(page.getByRole("complementary", { name: "Course lessons" })).toContainText("0 of 4 lessons");
    await expectAccessible(page);

    await visit(page, "/courses/idempotent-apis");
    await page.getByRole("button", { name: "Audit for free" }).click();
    await expect(page).toHaveURL(/\/learn\/idempotent-apis\/welcome$/);
    // An audit reads every lesson, not only the preview.
    await visit(page, "/learn/idempotent-apis/core-ideas");
    await expect(page.getByRole("heading", { level: 1, name: "The core ideas" })).toBeVisible();

    await visit(page, "/courses/git-basics");
    await expect(page.getByRole("status").filter({ hasText: "You are enrolled" })).toBeVisible();

    await visit(page, "/my/courses");
    const mine = page.getByRole("listitem");
    await expect(mine).toHaveCount(2);
    await expect(mine.filter({ hasText: "Git Basics" })).toContainText("Enrolled");
    await expect(mine.filter({ hasText: "Designing Idempotent APIs" })).toContainText("Auditing");

    // Certificates: earned by completing every lesson of a full enrollment; the audit is refused clearly.
    await visit(page, "/learn/git-basics/certificate");
    await expect(page.getByRole("heading", { name: "Your certificate is waiting for you" })).toBeVisible();
    for (const lesson of ["welcome", "core-ideas", "practice", "wrap-up"]) {
      await page.goto(`/learn/git-basics/${lesson}`);
      const done = page.getByText("You completed this lesson.");
      // Reading to the end may complete it on its own; otherwise the button does.
      if (!(await done.isVisible())) await page.getByRole("button", { name: "Mark complete" }).click().catch(() => undefined);
      await expect(done).toBeVisible();
    }
    await expect(page.getByRole("link", { name: "View your certificate" })).toBeVisible();
    await expect(page.getByRole("complementary", { name: "Course lessons" })).toContainText("4 of 4 lessons");
    await visit(page, "/learn/git-basics/certificate");
    await expect(page.getByRole("region", { name: "Certificate of completion" })).toContainText(student.name);
    const [pdf] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download PDF" }).click()]);
    expect(pdf.suggestedFilename()).toBe("certificate-git-basics.pdf");
    await page.getByRole("region", { name: "Certificate of completion" }).getByRole("link").click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText("This certificate is genuine");
    await expectAccessible(page);
    const refused = await visit(page, "/learn/idempotent-apis/certificate");
    expect(refused?.status()).toBe(403);
    await expect(page.getByRole("heading", { name: "No certificate for this enrollment" })).toBeVisible();

    // Content of a course they are not enrolled in is refused.
    expect((await visit(page, "/learn/postgresql-for-app-developers"))?.status()).toBe(403);
    await expect(page.getByRole("heading", { name: "You are not enrolled in this course" })).toBeVisible();
  });

  test("a paid course goes to the cart, not to a free enrollment", async ({ page }) => {
    await signUp(page, "Cart Person");
    await visit(page, "/courses/postgresql-for-app-developers");
    await expect(page.getByRole("button", { name: "Enroll for free" })).toHaveCount(0);
    await page.getByRole("button", { name: "Add to cart" }).click();
    await expect(page.getByRole("status").filter({ hasText: "This course is in your cart" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Cart, 1 item" })).toBeVisible();

    await visit(page, "/cart");
    await expect(page.getByRole("link", { name: "PostgreSQL for Application Developers" })).toBeVisible();
    await expect(page.getByText("Total in USD")).toBeVisible();
    await page.getByRole("button", { name: "Remove" }).click();
    await expect(page.getByRole("heading", { name: "Your cart is empty" })).toBeVisible();
    await expectAccessible(page);
  });

  test("sign-in explains a wrong password, and signing out works", async ({ page }) => {
    await visit(page, "/sign-in");
    await page.getByLabel("Email").fill(E2E.studentEmail);
    await page.getByLabel("Password").fill("definitely-wrong");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "The email or password is incorrect." })).toBeVisible();
    await expectAccessible(page);

    await signIn(page, E2E.studentEmail, E2E.studentPassword);
    await signOut(page);
  });

  test("students are refused at /admin, admins are admitted", async ({ page }) => {
    await signIn(page, E2E.studentEmail, E2E.studentPassword);
    const refused = await visit(page, "/admin");
    expect(refused?.status()).toBe(403);
    await expect(page.getByRole("heading", { name: "You do not have access to this page" })).toBeVisible();
    await signOut(page);

    await signIn(page, E2E.adminEmail, E2E.adminPassword);
    const admitted = await visit(page, "/admin");
    expect(admitted?.status()).toBe(200);
    await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
  });

  test("signed-out visitors are sent to sign in from private pages", async ({ page }) => {
    for (const path of ["/my/courses", "/my/orders", "/admin", "/learn/git-basics"]) {
      await page.goto(path);
      await expect(page).toHaveURL(new RegExp(`/sign-in\\?callbackUrl=${encodeURIComponent(path)}`));
    }
  });
});
