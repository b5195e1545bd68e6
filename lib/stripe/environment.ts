/**
 * Where Stripe is, from the environment. Three modes, like PayPal's:
 * - `local` the offline emulator (emulators/stripe; default when no secret key is configured);
 * - `test`  Stripe's test mode (sk_test_… keys);
 * - `live`  real money (sk_live_… keys).
 */
import "server-only";
import { z } from "zod";

export type StripeMode = "local" | "test" | "live";

export const STRIPE_LOCAL_DEFAULTS = {
  secretKey: "sk_test_coursepay_local",
  webhookSecret: "whsec_coursepay_local_signing_secret",
  port: 4020,
} as const;

export type StripeEnvironment = {
  mode: StripeMode;
  secretKey: string;
  /** The webhook endpoint's signing secret (whsec_…); webhooks are refused without it. */
  webhookSecret: string | undefined;
  /** Where the SDK sends requests: Stripe's own hosts unless local. */
  api: { host: string; port: number; protocol: "http" | "https" } | null;
  /** Currencies this store takes through Stripe (lower case is Stripe's; ours are upper case). */
  currencies: readonly string[] | null;
};

const envSchema = z.object({
  STRIPE_ENV: z.enum(["local", "test", "live"]).optional(),
  STRIPE_SECRET_KEY: z.string().regex(/^(sk|rk)_(test|live)_\w+$/, { error: "STRIPE_SECRET_KEY must be a secret key (sk_test_… or sk_live_…)" }).optional(),
  STRIPE_WEBHOOK_SECRET: z.string().regex(/^whsec_\w+$/, { error: "STRIPE_WEBHOOK_SECRET must be a webhook signing secret (whsec_…)" }).optional(),
  STRIPE_EMULATOR_PORT: z.string().regex(/^\d{1,5}$/, { error: "STRIPE_EMULATOR_PORT must be a port number" }).optional(),
  STRIPE_CURRENCIES: z.string().regex(/^[A-Z]{3}(,[A-Z]{3})*$/, { error: "STRIPE_CURRENCIES must be ISO codes separated by commas, e.g. USD,EUR" }).optional(),
});

export function stripeEnvironment(env: Record<string, string | undefined> = process.env): StripeEnvironment {
  const parsed = envSchema.parse(Object.fromEntries(Object.keys(envSchema.shape).map((name) => [name, env[name] || undefined])));
  const mode: StripeMode = parsed.STRIPE_ENV ?? (parsed.STRIPE_SECRET_KEY ? (parsed.STRIPE_SECRET_KEY.includes("_live_") ? "live" : "test") : "local");
  const currencies = parsed.STRIPE_CURRENCIES?.split(",") ?? null;
  if (mode === "local") {
    return {
      mode,
      secretKey: parsed.STRIPE_SECRET_KEY ?? STRIPE_LOCAL_DEFAULTS.secretKey,
      webhookSecret: parsed.STRIPE_WEBHOOK_SECRET ?? STRIPE_LOCAL_DEFAULTS.webhookSecret,
      api: { host: "127.0.0.1", port: Number(parsed.STRIPE_EMULATOR_PORT ?? STRIPE_LOCAL_DEFAULTS.port), protocol: "http" },
      currencies,
    };
  }
  if (!parsed.STRIPE_SECRET_KEY) throw new Error(`STRIPE_ENV=${mode} needs STRIPE_SECRET_KEY`);
  if (parsed.STRIPE_SECRET_KEY.includes("_live_") !== (mode === "live")) throw new Error(`STRIPE_ENV=${mode} does not match the key's mode`);
  return { mode, secretKey: parsed.STRIPE_SECRET_KEY, webhookSecret: parsed.STRIPE_WEBHOOK_SECRET, api: null, currencies };
}

/** The emulator is for development: a production server uses it only when STRIPE_ENV=local asks for it. */
export function stripeLocalAllowed(env: Record<string, string | undefined> = process.env): boolean {
  return env.NODE_ENV !== "production" || env.STRIPE_ENV === "local";
}

/** Stripe's hosted pages, where a card payment's form submission leads (Content-Security-Policy form-action). */
export function stripeCheckoutOrigins(env: Record<string, string | undefined> = process.env): string[] {
  const config = stripeEnvironment(env);
  return config.api && config.mode === "local" ? [`http://${config.api.host}:${config.api.port}`] : ["https://checkout.stripe.com"];
}
