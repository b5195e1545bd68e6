/**
 * How Playwright launches a browser on machines without Playwright's own downloads: Debian's Chromium,
 * with the flags that keep it from reaching for the network at start-up.
 */
export const chromiumLaunchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
};
