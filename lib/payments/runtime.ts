import "server-only";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { orders } from "@/db/schema";
import { log } from "@/lib/log";
import { processPaymentSettings, type EffectivePayments } from "@/lib/settings/payments";
import { currentStripe, type EffectiveStripe } from "@/lib/settings/stripe";
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

let stripeCurrent: { config: EffectiveStripe; deps: StripeDeps } | null = null;

/**
 * Stripe's services for the configuration in force (STRIPE_* defaults overridden by the admin's Stripe settings,
 * re-checked every couple of seconds), or null when Stripe has no key for its mode. Turned off by an admin, they
 * still exist (`checkoutEnabled: false`): webhooks, refunds and reconciliation of card orders go on.
 */
export async function stripeDeps(): Promise<StripeDeps | null> {
  const db = getDb();
  const config = await currentStripe(db);
  if (!config.env) return null;
  if (stripeCurrent?.config !== config) stripeCurrent = { config, deps: createStripeDeps(config.env, db, { checkoutEnabled: config.enabled }) };
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
  const stripe = await currentStripe(getDb());
  if (stripe.enabled && stripe.env && (!stripe.env.currencies || stripe.env.currencies.includes(currency))) offered.push("stripe");
  return offered;
}

/** One provider's services (null: Stripe has no key for its mode). */
export function depsFor(provider: ProviderName): Promise<PaymentDeps | StripeDeps | null> {
  return provider === "stripe" ? stripeDeps() : paymentDeps();
}

/** The services of the provider an order was paid with (an admin's refund or check goes to that provider). */
export async function depsForOrder(orderId: string): Promise<PaymentDeps | StripeDeps | null> {
  const [order] = await getDb().select({ provider: orders.provider }).from(orders).where(eq(orders.id, orderId));
  return order ? depsFor(order.provider) : null;
}
