import "server-only";
import type { Db } from "@/db/client";
import { PayPalClient, type PayPalClientOptions } from "@/lib/paypal/client";
import type { PayPalEnvironment } from "@/lib/paypal/environment";
import { validateIpn } from "@/lib/paypal/ipn";
import { PayPalProvider } from "@/lib/paypal/provider";
import { PayPalSubscriptions } from "@/lib/paypal/subscriptions";
import { StripeClient } from "@/lib/stripe/client";
import type { StripeEnvironment } from "@/lib/stripe/environment";
import { StripeProvider } from "@/lib/stripe/provider";
import type { StartDeps } from "./checkout";
import type { IpnDeps } from "./ipn";
import type { NotificationDeps } from "./notifications";

export type PaymentDeps = StartDeps & NotificationDeps & IpnDeps & { env: PayPalEnvironment; client: PayPalClient; subscriptions: PayPalSubscriptions };

/**
 * Everything the payment services need for one PayPal configuration: the database, the REST client (with its
 * token cache), the provider adapter (with its webhook verifier and certificate cache) and the IPN validator.
 * The app builds one per configuration; tests and benchmarks build one per simulated app instance.
 * `checkoutEnabled: false` (payments turned off by an admin) stops new checkouts only: notifications and
 * reconciliation still run, so nothing PayPal reports is lost.
 */
export function createPaymentDeps(
  env: PayPalEnvironment,
  db: Db,
  { checkoutEnabled = true, ...clientOptions }: Omit<PayPalClientOptions, "env" | "db"> & { checkoutEnabled?: boolean } = {},
): PaymentDeps {
  const client = new PayPalClient({ env, db, ...clientOptions });
  return {
    db,
    env,
    client,
    checkoutEnabled,
    provider: new PayPalProvider(client),
    subscriptions: new PayPalSubscriptions(client),
    validateIpn: (raw) => validateIpn(env, raw),
    businessEmail: env.businessEmail,
  };
}

export type StripeDeps = StartDeps & NotificationDeps & { env: StripeEnvironment };

/** The same services for Stripe: the database, the SDK client (recording every answer) and the provider adapter. */
export function createStripeDeps(env: StripeEnvironment, db: Db, { checkoutEnabled = true }: { checkoutEnabled?: boolean } = {}): StripeDeps {
  return { db, env, checkoutEnabled, provider: new StripeProvider(new StripeClient(env, db)) };
}
