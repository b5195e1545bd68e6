/**
 * Opt-in end-to-end checkout against PayPal's real sandbox (`npm run test:e2e:sandbox`).
 *
 * NEEDS INTERNET: the browser loads PayPal's SDK and popup from www.sandbox.paypal.com and the app calls
 * api-m.sandbox.paypal.com. It cannot run on offline machines (like the one it was written on) and has not been
 * run there: without the variables in ./env.ts every test is skipped and no server is started.
 *
 * The app starts exactly as in the root config (production build, fresh database) but with PAYPAL_ENV=sandbox,
 * the given sandbox credentials, and no emulator.
 */
import path from "node:path";
import { defineConfig } from "@playwright/test";
import root from "../../playwright.config";
import { missingSandboxEnv, sandboxAppPort, sandboxAppUrl } from "./env";

const rootServers = [root.webServer ?? []].flat();
const app = rootServers.find((server) => server.command.includes("app-server.ts"));
if (!app) throw new Error("the root Playwright config no longer starts e2e/support/app-server.ts");

// The root config points the app at the emulator and its merchant; none of that may leak into a sandbox run.
const emulatorOnly = new Set(["PAYPAL_EMULATOR_URL", "PAYPAL_WEBHOOK_ID", "PAYPAL_BUSINESS_EMAIL"]);
const appEnv = Object.fromEntries(Object.entries(app.env ?? {}).filter(([name]) => !emulatorOnly.has(name)));

export default defineConfig({
  ...root,
  testDir: ".",
  testMatch: "*.sandbox.spec.ts",
  testIgnore: [],
  // PayPal's sandbox is slow and its pages are not ours: room for several seconds per step.
  timeout: 180_000,
  expect: { timeout: 30_000 },
  use: { ...root.use, baseURL: sandboxAppUrl, actionTimeout: 30_000, navigationTimeout: 60_000 },
  webServer:
    missingSandboxEnv.length > 0
      ? undefined
      : {
          ...app,
          cwd: path.resolve(__dirname, "../.."),
          url: sandboxAppUrl,
          env: {
            ...appEnv,
            PORT: String(sandboxAppPort),
            AUTH_URL: sandboxAppUrl,
            PAYPAL_ENV: "sandbox",
            PAYPAL_CLIENT_ID: process.env.PAYPAL_CLIENT_ID!,
            PAYPAL_CLIENT_SECRET: process.env.PAYPAL_CLIENT_SECRET!,
          },
        },
});
