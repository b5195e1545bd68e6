/**
 * Where PayPal is, from the environment. Three modes:
 * - `local`   the offline emulator (default when no credentials are configured);
 * - `sandbox` PayPal's sandbox (api-m.sandbox.paypal.com) with sandbox credentials;
 * - `live`    real money.
 * The admin settings page can override the credentials later (lib/settings); this is the fallback.
 */
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
  /** Origins the browser must be allowed to load PayPal from (Content-Security-Policy). */
  browserOrigins: string[];
  /** Hosts a webhook certificate may be downloaded from. */
  certHosts: string[];
};

const envSchema = z.object({
  PAYPAL_ENV: z.enum(["local", "sandbox", "live"]).optional(),
  PAYPAL_CLIENT_ID: z.string().min(1).optional(),
  PAYPAL_CLIENT_SECRET: z.string().min(1).optional(),
  PAYPAL_WEBHOOK_ID: z.string().min(1).optional(),
  PAYPAL_BUSINESS_EMAIL: z.string().min(3).optional(),
  PAYPAL_EMULATOR_URL: z.url().optional(),
});

const VARIABLES = Object.keys(envSchema.shape) as (keyof typeof envSchema.shape)[];
let resolved: { key: string; value: PayPalEnvironment } | null = null;

/** Resolved on every request (pages, webhooks): cached until one of the PAYPAL_* variables changes. */
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

  if (mode === "local") {
    const emulator = (parsed.PAYPAL_EMULATOR_URL ?? LOCAL_DEFAULTS.emulatorUrl).replace(/\/$/, "");
    return {
      mode,
      clientId: parsed.PAYPAL_CLIENT_ID ?? LOCAL_DEFAULTS.clientId,
      clientSecret: parsed.PAYPAL_CLIENT_SECRET ?? LOCAL_DEFAULTS.clientSecret,
      apiBase: emulator,
      sdkUrl: `${emulator}/sdk/js`,
      webhookId: parsed.PAYPAL_WEBHOOK_ID ?? LOCAL_DEFAULTS.webhookId,
      businessEmail: parsed.PAYPAL_BUSINESS_EMAIL ?? LOCAL_DEFAULTS.businessEmail,
      ipnPostbackUrl: `${emulator}/cgi-bin/webscr`,
      browserOrigins: [new URL(emulator).origin],
      certHosts: [new URL(emulator).host],
    };
  }

  if (!parsed.PAYPAL_CLIENT_ID || !parsed.PAYPAL_CLIENT_SECRET) {
    throw new Error(`PAYPAL_ENV=${mode} needs PAYPAL_CLIENT_ID and PAYPAL_CLIENT_SECRET`);
  }
  const web = mode === "live" ? "https://www.paypal.com" : "https://www.sandbox.paypal.com";
  return {
    mode,
    clientId: parsed.PAYPAL_CLIENT_ID,
    clientSecret: parsed.PAYPAL_CLIENT_SECRET,
    apiBase: API_BASE[mode],
    sdkUrl: undefined,
    webhookId: parsed.PAYPAL_WEBHOOK_ID,
    businessEmail: parsed.PAYPAL_BUSINESS_EMAIL,
    ipnPostbackUrl: IPN_POSTBACK[mode],
    browserOrigins: [web, "https://*.paypal.com", "https://*.paypalobjects.com"],
    certHosts: mode === "live" ? ["api.paypal.com", "api-m.paypal.com"] : ["api.sandbox.paypal.com", "api-m.sandbox.paypal.com"],
  };
}

/**
 * Fails the start of a production server that would fall back to the local emulator without being asked to:
 * in production, local mode must be chosen explicitly (PAYPAL_ENV=local, as the end-to-end suite does).
 */
export function assertPayPalConfigured(env: Record<string, string | undefined> = process.env): PayPalEnvironment {
  const resolved = payPalEnvironment(env);
  if (env.NODE_ENV === "production" && resolved.mode === "local" && env.PAYPAL_ENV !== "local") {
    throw new Error(
      "No PayPal credentials: set PAYPAL_ENV=sandbox|live with PAYPAL_CLIENT_ID and PAYPAL_CLIENT_SECRET " +
        "(or PAYPAL_ENV=local to use the offline emulator on purpose).",
    );
  }
  return resolved;
}
