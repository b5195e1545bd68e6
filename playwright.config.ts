import { defineConfig, devices } from "@playwright/test";
import { chromiumLaunchOptions } from "./e2e/browser";
import { DEMO_WEBHOOK_SECRET } from "./lib/gateway/demo-secret";
import { appUrl, E2E, emulatorUrl, lmsUrl, mailUrl, stripeUrl } from "./e2e/support/env";

const shared = {
  PAYPAL_ENV: "local",
  PAYPAL_EMULATOR_URL: emulatorUrl,
  PAYPAL_CLIENT_ID: "coursepay-local-client-id",
  PAYPAL_CLIENT_SECRET: "coursepay-local-client-secret",
  PAYPAL_WEBHOOK_ID: "1JE4291016473214C",
  PAYPAL_BUSINESS_EMAIL: "merchant@coursepay.test",
  STRIPE_ENV: "local",
  STRIPE_EMULATOR_PORT: String(E2E.stripePort),
  STRIPE_SECRET_KEY: "sk_test_coursepay_e2e",
  STRIPE_WEBHOOK_SECRET: "whsec_coursepay_e2e_signing_secret",
  // JPY stays PayPal-only: a cart in yen is offered one provider.
  STRIPE_CURRENCIES: "USD,EUR",
  // The demo LMS connection the app seeds follows the emulator's port.
  LMS_EMULATOR_PORT: String(E2E.lmsPort),
  SMTP_URL: `smtp://127.0.0.1:${E2E.smtpPort}`,
};

/** The store's end-to-end suite: a production build against the local PayPal and Stripe emulators, in Chromium. */
export default defineConfig({
  testDir: "e2e",
  testMatch: "*.spec.ts",
  testIgnore: ["sandbox/**"],
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [["list"], ["json"]] : [["list"]],
  use: {
    baseURL: appUrl,
    ...devices["Desktop Chrome"],
    launchOptions: chromiumLaunchOptions,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  webServer: [
    {
      command: "npx tsx emulators/paypal/cli.ts",
      url: `${emulatorUrl}/sdk/js`,
      reuseExistingServer: !process.env.CI,
      env: {
        ...shared,
        PAYPAL_EMULATOR_PORT: String(E2E.emulatorPort),
        PAYPAL_EMULATOR_PUBLIC_URL: emulatorUrl,
        PAYPAL_EMULATOR_WEBHOOK_URL: `${appUrl}/api/paypal/webhook`,
        PAYPAL_EMULATOR_IPN_URL: `${appUrl}/api/paypal/ipn`,
      },
      timeout: 60_000,
    },
    {
      command: "npx tsx emulators/stripe/cli.ts",
      url: `${stripeUrl}/__emulator/health`,
      reuseExistingServer: !process.env.CI,
      env: { ...shared, STRIPE_EMULATOR_PUBLIC_URL: stripeUrl, STRIPE_EMULATOR_WEBHOOK_URL: `${appUrl}/api/payments/stripe/webhook` },
      timeout: 60_000,
    },
    {
      command: "npx tsx emulators/lms/cli.ts",
      url: `${lmsUrl}/__emulator/health`,
      reuseExistingServer: !process.env.CI,
      env: { ...shared, LMS_EMULATOR_PUBLIC_URL: lmsUrl, LMS_EMULATOR_GATEWAY_URL: `${appUrl}/gateway/demo-lms/enrol`, LMS_EMULATOR_WEBHOOK_SECRET: DEMO_WEBHOOK_SECRET },
      timeout: 60_000,
    },
    {
      command: "npx tsx emulators/smtp/cli.ts",
      url: `${mailUrl}/api/messages`,
      reuseExistingServer: !process.env.CI,
      env: { SMTP_CATCHER_PORT: String(E2E.smtpPort), SMTP_CATCHER_WEB_PORT: String(E2E.smtpWebPort) },
      timeout: 60_000,
    },
    {
      command: "npx tsx e2e/support/app-server.ts",
      url: appUrl,
      reuseExistingServer: !process.env.CI,
      gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
      env: {
        ...shared,
        PORT: String(E2E.appPort),
        NEXT_TELEMETRY_DISABLED: "1",
        AUTH_SECRET: "e2e-auth-secret-not-for-production-0000000000",
        AUTH_URL: appUrl,
        COURSEPAY_ENCRYPTION_KEY: "e2e-encryption-key-not-for-production-00000",
        COURSEPAY_SEED_DEMO: "true",
        DEMO_ADMIN_PASSWORD: E2E.adminPassword,
        DEMO_STUDENT_PASSWORD: E2E.studentPassword,
        LOG_LEVEL: "warn",
      },
      timeout: 300_000,
    },
  ],
});
