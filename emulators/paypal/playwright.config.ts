import { defineConfig } from "@playwright/test";
import { chromiumLaunchOptions } from "../../e2e/browser";

const PORT = Number(process.env.SDK_HARNESS_PORT ?? 4391);

/** The SDK stand-in driven by the real @paypal/react-paypal-js in Chromium (`npm run test:emulator-sdk`). */
export default defineConfig({
  testDir: ".",
  testMatch: "*.spec.ts",
  // Its own folder: each Playwright run empties its output folder first, and the store suite's (test-results/)
  // holds the traces of any store test that failed just before this run.
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  timeout: 30_000,
  reporter: process.env.CI ? "line" : "list",
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    launchOptions: chromiumLaunchOptions,
    trace: "retain-on-failure",
  },
  webServer: {
    command: "npx tsx sdk-harness/server.ts",
    url: `http://127.0.0.1:${PORT}/health`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
    env: { SDK_HARNESS_PORT: String(PORT) },
  },
});
