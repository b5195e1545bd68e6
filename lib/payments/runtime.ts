import "server-only";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { orders } from "@/db/schema";
import { log } from "@/lib/log";
import { processPaymentSettings, type EffectivePayments } from "@/lib/settings/payments";
import { stripeEnvironment, type StripeEnvironment } from "@/lib/stripe/environment";
import type { CurrencyCode } from "@/lib/money";
import { createPaymentDeps, createStripeDeps, type PaymentDeps, type StripeDeps } from "./deps";
import type { ProviderName } from "./types";

/**
 * The app's payment dependencies for the configuration in force (PAYPAL_* defaults overridden by the admin's
 * payment settings, re-checked every couple of seconds). They are rebuilt only when that configuration changes:
 * the client holds the token cache, the verifier the certificate cache.
 */
let current: { config: EffectivePayments; deps: PaymentDeps } | null = null;

export async function paymentDeps(): Promise<PaymentDeps> {
  const db = getDb();
  const config = await processPaymentSettings.current(db);
  if (current?.config !== config) current = { config, deps: createPaymentDeps(config.env, db, { checkoutEnabled: config.enabled }) };
  return current.deps;
}

/**
 * What the browser needs to load PayPal's buttons (public values only, never the secret). Null while payments are
 * off, or when their configuration cannot be used (a saved secret no key decrypts): the store pages then say
 * payments are unavailable instead of failing, and the log says why.
 */
export async function browserPayPalOptions(): Promise<{ clientId: string; sdkUrl: string | undefined } | null> {
  let deps: PaymentDeps;
  try {
    deps = await paymentDeps();
  } catch (error) {
    log.error({ err: error }, "payments unavailable: the payment configuration cannot be used");
    return null;
  }
  return deps.checkoutEnabled ? { clientId: deps.env.clientId, sdkUrl: deps.env.sdkUrl } : null;
}

/**
 * Stripe, when this store takes cards: always in development (the local emulator), in production once a secret key
 * is configured (or STRIPE_ENV=local asks for the emulator). Configured from the environment; null when off.
 */
export function stripeConfig(env: Record<string, string | undefined> = process.env): StripeEnvironment | null {
  const config = stripeEnvironment(env);
  if (config.mode === "local" && env.NODE_ENV === "production" && env.STRIPE_ENV !== "local") return null;
  return config;
}

let stripeCurrent: { key: string; deps: StripeDeps } | null = null;

export function stripeDeps(): StripeDeps | null {
  const config = stripeConfig();
  if (!config) return null;
  const key = JSON.stringify(config);
  if (stripeCurrent?.key !== key) stripeCurrent = { key, deps: createStripeDeps(config, getDb()) };
  return stripeCurrent.deps;
}

/**
 * The providers a buyer is offered for an order in `currency` (django-getpaid's accepted-currency filter): those
 * enabled that take that currency, PayPal first. An empty list means the store cannot take this currency now.
 */
export async function offeredProviders(currency: CurrencyCode): Promise<ProviderName[]> {
  const offered: ProviderName[] = [];
  try {
    const paypal = await processPaymentSettings.current(getDb());
    if (paypal.enabled && paypal.allowedCurrencies.includes(currency)) offered.push("paypal");
  } catch (error) {
    log.error({ err: error }, "PayPal unavailable: the payment configuration cannot be used");
  }
  const stripe = stripeConfig();
  if (stripe && (!stripe.currencies || stripe.currencies.includes(currency))) offered.push("stripe");
  return offered;
}

/** The services of the provider an order was paid with (an admin's refund or check goes to that provider). */
export async function depsForOrder(orderId: string): Promise<PaymentDeps | StripeDeps | null> {
  const [order] = await getDb().select({ provider: orders.provider }).from(orders).where(eq(orders.id, orderId));
  if (!order) return null;
  return order.provider === "stripe" ? stripeDeps() : paymentDeps();
}
