import "server-only";
import { getDb } from "@/db/client";
import { payPalEnvironment } from "@/lib/paypal/environment";
import { createPaymentDeps, type PaymentDeps } from "./deps";

/**
 * The app's payment dependencies, built once per configuration (the client holds the token cache, the
 * verifier the certificate cache); the admin settings page will be able to change the configuration.
 */
let current: { key: string; deps: PaymentDeps } | null = null;

export function paymentDeps(): PaymentDeps {
  const env = payPalEnvironment();
  const key = [env.mode, env.apiBase, env.clientId, env.clientSecret, env.webhookId, env.businessEmail].join("\u0000");
  if (current?.key !== key) current = { key, deps: createPaymentDeps(env, getDb()) };
  return current.deps;
}

/** What the browser needs to load PayPal's buttons: public values only, never the secret. */
export function browserPayPalOptions() {
  const { env } = paymentDeps();
  return { clientId: env.clientId, sdkUrl: env.sdkUrl, mode: env.mode };
}
