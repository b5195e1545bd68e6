/**
 * Where PayPal is, from the environment. Three modes:
 * - `local`   the offline emulator (default when no credentials are configured);
 * - `sandbox` PayPal's sandbox (api-m.sandbox.paypal.com) with sandbox credentials;
 * - `live`    real money.
 * The admin's payment settings (lib/settings/payments.ts) override these per environment; this is the fallback.
 */
import "server-only";
import { z } from "zod";

export type PayPalMode = "local" | "sandbox" | "live";

export const LOCAL_DEFAULTS = {
  clientId: "coursepay-local-client-id",
  clientSecret: "coursepay-local-client-secret",
  emulatorUrl: "http://127.0.0.1:4010",
  webhookId: "1JE4291016473214C",
  businessEmail: "merchant@coursepay.test",
} as const;

const API_BASE: Record<Exclude<PayPalMode, "local">, string> = {
  sandbox: "https://api-m.sandbox.paypal.com",
  live: "https://api-m.paypal.com",
};

const IPN_POSTBACK: Record<Exclude<PayPalMode, "local">, string> = {
  sandbox: "https://ipnpb.sandbox.paypal.com/cgi-bin/webscr",
  live: "https://ipnpb.paypal.com/cgi-bin/webscr",
};

export type PayPalEnvironment = {
  mode: PayPalMode;
  clientId: string;
  clientSecret: string;
  /** REST API base URL. */
  apiBase: string;
  /** The JS SDK script URL given to PayPalScriptProvider as `sdkBaseUrl` (undefined = PayPal's default for the mode). */
  sdkUrl: string | undefined;
  /** Our webhook's id at PayPal (part of every signature); undefined when webhooks are not set up. */
  webhookId: string | undefined;
  /** The merchant account's email, checked against IPN `receiver_email`. */
  businessEmail: string | undefined;
  ipnPostbackUrl: string;
  /** Hosts a webhook certificate may be downloaded from. */
  certHosts: string[];
  /** Where a buyer manages their automatic payments (updates the payment method of a subscription). */
  autopayUrl: string;
};

const envSchema = z.object({
  PAYPAL_ENV: z.enum(["local", "sandbox", "live"]).optional(),
  PAYPAL_CLIENT_ID: z.string().min(1).optional(),
  PAYPAL_CLIENT_SECRET: z.string().min(1).optional(),
  PAYPAL_WEBHOOK_ID: z.string().min(1).optional(),
  PAYPAL_BUSINESS_EMAIL: z.string().min(3).optional(),
  PAYPAL_EMULATOR_URL: z.url().optional(),
  PAYPAL_EMULATOR_PORT: z.string().regex(/^\d{1,5}$/, { error: "PAYPAL_EMULATOR_PORT must be a port number" }).optional(),
});

const VARIABLES = Object.keys(envSchema.shape) as (keyof typeof envSchema.shape)[];
let resolved: { key: string; value: PayPalEnvironment } | null = null;

/** The environment's own configuration, read often (payment settings, the proxy): cached until a PAYPAL_* variable changes. */
export function payPalEnvironment(env: Record<string, string | undefined> = process.env): PayPalEnvironment {
  const key = VARIABLES.map((name) => env[name] ?? "").join("\u0000");
  if (resolved?.key === key) return resolved.value;
  const value = resolve(env);
  resolved = { key, value };
  return value;
}

function resolve(env: Record<string, string | undefined>): PayPalEnvironment {
  const parsed = envSchema.parse(Object.fromEntries(VARIABLES.map((name) => [name, env[name]]).filter(([, v]) => v !== undefined && v !== "")));
  const mode: PayPalMode = parsed.PAYPAL_ENV ?? (parsed.PAYPAL_CLIENT_ID ? "sandbox" : "local");
  if (mode !== "local" && (!parsed.PAYPAL_CLIENT_ID || !parsed.PAYPAL_CLIENT_SECRET)) {
    throw new Error(`PAYPAL_ENV=${mode} needs PAYPAL_CLIENT_ID and PAYPAL_CLIENT_SECRET`);
  }
  return environmentFor(
    mode,
    {
      clientId: parsed.PAYPAL_CLIENT_ID,
      clientSecret: parsed.PAYPAL_CLIENT_SECRET,
      webhookId: parsed.PAYPAL_WEBHOOK_ID,
      businessEmail: parsed.PAYPAL_BUSINESS_EMAIL,
    },
    env,
  );
}

export type PayPalValues = { clientId?: string; clientSecret?: string; webhookId?: string; businessEmail?: string };

/**
 * The environment for `mode` with these values: local fills what is missing with the emulator's own values;
 * sandbox and live cannot work without a client id and secret.
 */
export function environmentFor(mode: PayPalMode, values: PayPalValues, env: Record<string, string | undefined> = process.env): PayPalEnvironment {
  if (mode === "local") {
    const emulator = emulatorUrl(env);
    return {
      mode,
      clientId: values.clientId ?? LOCAL_DEFAULTS.clientId,
      clientSecret: values.clientSecret ?? LOCAL_DEFAULTS.clientSecret,
      apiBase: emulator,
      sdkUrl: `${emulator}/sdk/js`,
      webhookId: values.webhookId ?? LOCAL_DEFAULTS.webhookId,
      businessEmail: values.businessEmail ?? LOCAL_DEFAULTS.businessEmail,
      ipnPostbackUrl: `${emulator}/cgi-bin/webscr`,
      certHosts: [new URL(emulator).host],
      autopayUrl: `${emulator}/myaccount/autopay/`,
    };
  }
  if (!values.clientId || !values.clientSecret) throw new Error(`PayPal ${mode} needs a client id and secret`);
  return {
    mode,
    clientId: values.clientId,
    clientSecret: values.clientSecret,
    apiBase: API_BASE[mode],
    sdkUrl: undefined,
    webhookId: values.webhookId,
    businessEmail: values.businessEmail,
    ipnPostbackUrl: IPN_POSTBACK[mode],
    certHosts: mode === "live" ? ["api.paypal.com", "api-m.paypal.com"] : ["api.sandbox.paypal.com", "api-m.sandbox.paypal.com"],
    autopayUrl: mode === "live" ? "https://www.paypal.com/myaccount/autopay/" : "https://www.sandbox.paypal.com/myaccount/autopay/",
  };
}

/** The emulator is for development, or for a production server told so explicitly (as the end-to-end suite does). */
export function localModeAllowed(env: Record<string, string | undefined> = process.env): boolean {
  return env.NODE_ENV !== "production" || env.PAYPAL_ENV === "local";
}

const PAYPAL_ORIGINS = ["https://www.paypal.com", "https://www.sandbox.paypal.com", "https://*.paypal.com", "https://*.paypalobjects.com"];

/**
 * Origins the browser must be allowed to load PayPal from (Content-Security-Policy). The admin can switch
 * between environments at any moment and the policy cannot ask the database on every request, so it allows
 * all of PayPal's, plus the emulator wherever local mode may be chosen.
 */
export function browserOrigins(env: Record<string, string | undefined> = process.env): string[] {
  return localModeAllowed(env) ? [...PAYPAL_ORIGINS, new URL(emulatorUrl(env)).origin] : PAYPAL_ORIGINS;
}

/** PAYPAL_EMULATOR_PORT moves the local emulator (and `npm run dev` starts it there); PAYPAL_EMULATOR_URL names one elsewhere. */
function emulatorUrl(env: Record<string, string | undefined>): string {
  const url = envSchema.shape.PAYPAL_EMULATOR_URL.parse(env.PAYPAL_EMULATOR_URL || undefined);
  if (url) return url.replace(/\/$/, "");
  const port = envSchema.shape.PAYPAL_EMULATOR_PORT.parse(env.PAYPAL_EMULATOR_PORT || undefined);
  return port ? `http://127.0.0.1:${port}` : LOCAL_DEFAULTS.emulatorUrl;
}

/**
 * Fails the start of a production server whose payments would fall back to the local emulator without being
 * asked to: in production, local mode must be chosen explicitly (PAYPAL_ENV=local, as the end-to-end suite does).
 * `mode` is the effective one: the environment's, or the one an admin saved.
 */
export function assertPayPalConfigured(mode: PayPalMode, env: Record<string, string | undefined> = process.env): void {
  if (mode === "local" && !localModeAllowed(env)) {
    throw new Error(
      "No PayPal credentials: set PAYPAL_ENV=sandbox|live with PAYPAL_CLIENT_ID and PAYPAL_CLIENT_SECRET " +
        "(or PAYPAL_ENV=local to use the offline emulator on purpose).",
    );
  }
}
