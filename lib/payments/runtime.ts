import "server-only";
import { getDb } from "@/db/client";
import { PayPalClient } from "@/lib/paypal/client";
import { payPalEnvironment, type PayPalEnvironment } from "@/lib/paypal/environment";
import { PayPalProvider } from "@/lib/paypal/provider";
import type { CheckoutDeps } from "./checkout";

/**
 * The app's payment dependencies: the database and the configured provider. Built once per configuration
 * (the client holds the token cache); the admin settings page will be able to change the configuration.
 */
let current: { key: string; deps: CheckoutDeps & { env: PayPalEnvironment } } | null = null;

export function paymentDeps(): CheckoutDeps & { env: PayPalEnvironment } {
  const env = payPalEnvironment();
  const key = [env.mode, env.apiBase, env.clientId, env.clientSecret].join("\u0000");
  if (current?.key !== key) {
    const db = getDb();
    current = { key, deps: { db, env, provider: new PayPalProvider(new PayPalClient({ env, db })) } };
  }
  return current.deps;
}

/** What the browser needs to load PayPal's buttons: public values only, never the secret. */
export function browserPayPalOptions() {
  const { env } = paymentDeps();
  return { clientId: env.clientId, sdkUrl: env.sdkUrl, mode: env.mode };
}
