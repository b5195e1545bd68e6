import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

/**
 * Every page a test looks at is checked the same way: no serious or critical axe violations (WCAG 2.1 A/AA),
 * a visible focus indicator on everything the keyboard reaches, and no sideways scrolling on a 390 px phone.
 */
export async function expectAccessible(page: Page) {
  // The title is part of the page React renders, and a server action's refresh (removing a cart line) can replace it
  // a moment after the new content is visible: CI once audited the cart in that moment ("Documents must have <title>").
  // Wait for it briefly; a page that never gets one still fails below, with axe's message.
  await page.waitForFunction(() => document.title.trim() !== "", undefined, { timeout: 3_000 }).catch(() => undefined);
  // Legacy mode: one axe.run in the page. The default injects axe-core into every frame and then opens a blank page
  // to merge the results, which doubled each audit here (2.1 → 1.1 s; a third of the e2e suite's time went to axe).
  // It gives up cross-origin frames, and our pages have none against the emulators (the emulator's PayPal button
  // renders in the page, and is audited with it); against the sandbox, that frame is PayPal's markup, not ours.
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).setLegacyMode().analyze();
  const blocking = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(blocking, `accessibility violations on ${page.url()}`).toEqual([]);
  expect(await invisiblyFocused(page), `keyboard focus not visible on ${page.url()}`).toEqual([]);
  expect(await overflowAtPhoneWidth(page), `horizontal overflow at 390 px on ${page.url()}`).toEqual([]);
}

/** Navigates and checks accessibility: every page a test visits is audited. */
export async function visit(page: Page, path: string) {
  const response = await page.goto(path);
  await expectAccessible(page);
  return response;
}

/**
 * Tabs through the page (up to 60 stops) and lists the stops whose focus shows nothing: the element and its three
 * nearest ancestors (a card can draw the ring for the link that covers it) look exactly the same — outline, box
 * shadow, border and background — focused and blurred.
 */
async function invisiblyFocused(page: Page): Promise<string[]> {
  // Transitions would make "focused" and "blurred" read the same mid-animation.
  await page.addStyleTag({ content: "*, *::before, *::after { transition: none !important; animation: none !important; }" });
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.locator("body").focus();
  const invisible: string[] = [];
  const seen = new Set<string>();
  for (let stop = 0; stop < 60; stop++) {
    await page.keyboard.press("Tab");
    const result = await page.evaluate(() => {
      const active = document.activeElement as HTMLElement | null;
      if (!active || active === document.body) return null;
      // PayPal's buttons live in a cross-origin frame, which draws its own focus.
      if (active.tagName === "IFRAME") return { key: "iframe", visible: true, name: "iframe" };
      const chain: Element[] = [];
      for (let el: Element | null = active; el && chain.length < 4; el = el.parentElement) chain.push(el);
      const look = () =>
        chain
          .map((el) => {
            const style = getComputedStyle(el);
            return [style.outlineStyle, style.outlineWidth, style.outlineColor, style.boxShadow, style.borderColor, style.backgroundColor].join("|");
          })
          .join("/");
      const focused = look();
      active.blur();
      const blurred = look();
      active.focus({ focusVisible: true } as FocusOptions);
      const name = `${active.tagName.toLowerCase()} "${(active.getAttribute("aria-label") ?? active.textContent ?? "").trim().slice(0, 40)}"`;
      return { key: active.outerHTML.slice(0, 200), visible: focused !== blurred, name };
    });
    if (!result || seen.has(result.key)) break; // back at the start: every stop was seen
    seen.add(result.key);
    if (!result.visible) invisible.push(result.name);
  }
  return invisible;
}

/**
 * At 390 × 844 (a phone), lists elements that stick out to the right and make the page scroll sideways. Measured in a
 * page of its own (same context, so the same session) opened at that size on the same URL, never by resizing the page
 * under test: once on CI, headless Chromium stopped producing frames after the page under test was resized back to
 * the desktop size (the trace's screencast ends there), and the test's next click waited for a stable element until it
 * timed out. What it measures is therefore the URL as the server renders it (a fresh GET), not state the page under
 * test holds only in the browser (an open menu, typed input); an already used one-time link renders its "used" view.
 */
async function overflowAtPhoneWidth(page: Page): Promise<string[]> {
  const phone = await page.context().newPage();
  try {
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(page.url());
    return await phone.evaluate(() => {
      const width = document.documentElement.clientWidth;
      if (document.documentElement.scrollWidth <= width) return [];
      return [...document.body.querySelectorAll("*")]
        .filter((el) => el.getBoundingClientRect().right > width + 1)
        .slice(0, 5)
        .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].slice(0, 3).join(".")} ends at ${Math.round(el.getBoundingClientRect().right)} px`);
    });
  } finally {
    await phone.close();
  }
}
