import "server-only";
import { getDb } from "@/db/client";
import { PayPalClient } from "@/lib/paypal/client";
import { payPalEnvironment, type PayPalEnvironment } from "@/lib/paypal/environment";
import { validateIpn } from "@/lib/paypal/ipn";
import { PayPalProvider } from "@/lib/paypal/provider";
import { WebhookVerifier } from "@/lib/paypal/webhook-signature";
import type { IpnDeps } from "./ipn";
import type { NotificationDeps } from "./notifications";

export type AppPaymentDeps = NotificationDeps & IpnDeps & { env: PayPalEnvironment };

/**
 * The app's payment dependencies: the database and the configured provider, with its webhook verifier and
 * IPN validator. Built once per configuration (the client holds the token cache, the verifier the
 * certificate cache); the admin settings page will be able to change the configuration.
 */
let current: { key: string; deps: AppPaymentDeps } | null = null;

export function paymentDeps(): AppPaymentDeps {
  const env = payPalEnvironment();
  const key = [env.mode, env.apiBase, env.clientId, env.clientSecret, env.webhookId, env.businessEmail].join("\u0000");
  if (current?.key !== key) {
    const db = getDb();
    const client = new PayPalClient({ env, db });
    const verifier = new WebhookVerifier(env, client);
    current = {
      key,
      deps: {
        db,
        env,
        provider: new PayPalProvider(client),
        verifyWebhook: (headers, raw) => verifier.verify(headers, raw),
        validateIpn: (raw) => validateIpn(env, raw),
        businessEmail: env.businessEmail,
      },
    };
  }
  return current.deps;
}

/** What the browser needs to load PayPal's buttons: public values only, never the secret. */
export function browserPayPalOptions() {
  const { env } = paymentDeps();
  return { clientId: env.clientId, sdkUrl: env.sdkUrl, mode: env.mode };
}
