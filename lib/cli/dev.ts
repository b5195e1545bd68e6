/**
 * `npm run dev`: the whole store with zero configuration — the local PayPal and Stripe emulators (unless real
 * credentials are configured; PAYPAL_EMULATOR_PORT and STRIPE_EMULATOR_PORT move them, and the app follows) and the store's server in
 * development mode (server.ts --dev), whose start-up (instrumentation.ts) migrates and seeds the embedded
 * database. Prints what it started once the catalog answers.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { loadEnvConfig } from "@next/env";
import { DEMO_WEBHOOK_SECRET } from "@/lib/gateway/demo-secret";
import { payPalEnvironment } from "@/lib/paypal/environment";
import { stripeEnvironment } from "@/lib/stripe/environment";

loadEnvConfig(process.cwd(), true);

const port = Number(process.env.PORT ?? 3000);
const appUrl = `http://localhost:${port}`;
const paypal = payPalEnvironment();
const bin = (name: string) => path.join(process.cwd(), "node_modules", ".bin", name);
const children: ChildProcess[] = [];

function start(name: string, command: string, args: string[], env: Record<string, string | undefined>, options: { prettyLogs?: boolean } = {}) {
  const child = spawn(command, args, { stdio: ["inherit", options.prettyLogs ? "pipe" : "inherit", "inherit"], env: { ...process.env, ...env } });
  // The app logs JSON lines (lib/log.ts), as production log collectors want; here a person reads them. pino-pretty
  // prints those as readable lines and passes everything else (Next's own output) through unchanged.
  if (options.prettyLogs) {
    const pretty = spawn(bin("pino-pretty"), ["--translateTime", "SYS:HH:MM:ss", "--ignore", "app"], { stdio: ["pipe", "inherit", "inherit"] });
    child.stdout!.pipe(pretty.stdin);
    children.push(pretty);
  }
  child.on("exit", (code, signal) => {
    if (shuttingDown) return;
    console.error(`[coursepay] ${name} stopped (${signal ?? `exit ${code}`}); stopping everything.`);
    shutdown(code ?? 1);
  });
  children.push(child);
}

let shuttingDown = false;
function shutdown(code = 0) {
  shuttingDown = true;
  for (const child of children) child.kill("SIGTERM");
  setTimeout(() => process.exit(code), 500).unref();
}
process.on("SIGINT", () => shutdown(0));
process.on("SIGTERM", () => shutdown(0));

if (paypal.mode === "local") {
  const emulator = new URL(paypal.apiBase);
  start("PayPal emulator", bin("tsx"), ["emulators/paypal/cli.ts"], {
    PAYPAL_EMULATOR_PORT: emulator.port || "4010",
    PAYPAL_EMULATOR_HOST: emulator.hostname,
    PAYPAL_EMULATOR_PUBLIC_URL: emulator.origin,
    PAYPAL_CLIENT_ID: paypal.clientId,
    PAYPAL_CLIENT_SECRET: paypal.clientSecret,
    PAYPAL_WEBHOOK_ID: paypal.webhookId,
    PAYPAL_EMULATOR_WEBHOOK_URL: `${appUrl}/api/paypal/webhook`,
    PAYPAL_EMULATOR_IPN_URL: `${appUrl}/api/paypal/ipn`,
    PAYPAL_BUSINESS_EMAIL: paypal.businessEmail,
  });
}
const stripe = stripeEnvironment();
if (stripe.mode === "local") {
  start("Stripe emulator", bin("tsx"), ["emulators/stripe/cli.ts"], {
    STRIPE_EMULATOR_PORT: String(stripe.api!.port),
    STRIPE_SECRET_KEY: stripe.secretKey,
    STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
    STRIPE_EMULATOR_WEBHOOK_URL: `${appUrl}/api/payments/stripe/webhook`,
  });
}
// The LMS emulator (the external-enrolment demo): always local; the seeded demo-lms connection follows its port.
const lmsPort = process.env.LMS_EMULATOR_PORT ?? "4030";
start("LMS emulator", bin("tsx"), ["emulators/lms/cli.ts"], {
  LMS_EMULATOR_PORT: lmsPort,
  LMS_EMULATOR_PUBLIC_URL: `http://localhost:${lmsPort}`,
  LMS_EMULATOR_GATEWAY_URL: `${appUrl}/gateway/demo-lms/enrol`,
  // The seeded demo webhook endpoint signs with this secret (lib/gateway/demo.ts): its events show at /events.
  LMS_EMULATOR_WEBHOOK_SECRET: DEMO_WEBHOOK_SECRET,
});
// Emails go to a local SMTP catcher (its page lists them) unless a real SMTP_URL is configured.
const smtpPort = process.env.SMTP_CATCHER_PORT ?? "1025";
const smtpWebPort = process.env.SMTP_CATCHER_WEB_PORT ?? "1080";
if (!process.env.SMTP_URL) start("SMTP catcher", bin("tsx"), ["emulators/smtp/cli.ts"], { SMTP_CATCHER_PORT: smtpPort, SMTP_CATCHER_WEB_PORT: smtpWebPort });
start(
  "Next.js",
  bin("tsx"),
  ["--conditions=react-server", "server.ts", "--dev"],
  {
    PORT: String(port),
    NEXT_TELEMETRY_DISABLED: process.env.NEXT_TELEMETRY_DISABLED ?? "1",
    SMTP_URL: process.env.SMTP_URL ?? `smtp://127.0.0.1:${smtpPort}`,
  },
  { prettyLogs: true },
);

async function announceWhenReady() {
  const started = Date.now();
  for (;;) {
    try {
      const response = await fetch(appUrl, { signal: AbortSignal.timeout(60_000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const database = process.env.DATABASE_URL ? "PostgreSQL (DATABASE_URL)" : `embedded PGlite in ${path.join(process.env.COURSEPAY_DATA_DIR ?? ".data", "pglite")}`;
  const payments = [
    paypal.mode === "local" ? `local PayPal emulator at ${paypal.apiBase}` : `PayPal ${paypal.mode}`,
    stripe.mode === "local" ? `local Stripe emulator at http://127.0.0.1:${stripe.api!.port}` : `Stripe ${stripe.mode}`,
  ].join(", ");
  console.log(
    [
      "",
      `  Coursepay is ready at ${appUrl}  (first page in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
      `    database  ${database}`,
      `    payments  ${payments}`,
      `    email     ${process.env.SMTP_URL ? "SMTP_URL" : `caught, not sent: read them at http://127.0.0.1:${smtpWebPort}`}`,
      `    LMS       demo LMS at http://localhost:${lmsPort} — "Join now" pays through the store and enrols there`,
      "    accounts  demo admin and student passwords are printed above when first created",
      "",
    ].join("\n"),
  );
}
void announceWhenReady();
