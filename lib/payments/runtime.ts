import "server-only";
import { getDb } from "@/db/client";
import { log } from "@/lib/log";
import { processPaymentSettings, type EffectivePayments } from "@/lib/settings/payments";
import { createPaymentDeps, type PaymentDeps } from "./deps";

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
