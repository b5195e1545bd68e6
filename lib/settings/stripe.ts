import "server-only";
import Stripe from "stripe";
import type { Db } from "@/db/client";
import { recordAdminAction } from "@/lib/audit";
import type { CurrencyCode } from "@/lib/money";
import { CURRENCIES } from "@/lib/money";
import { StripeClient } from "@/lib/stripe/client";
import { stripeConfig } from "@/lib/payments/runtime";
import type { StripeMode } from "@/lib/stripe/environment";

/**
 * Stripe's configuration as the admin sees it. Stripe is configured from the environment (STRIPE_*); nothing
 * secret reaches the page — the secret key shows its last four characters only.
 */
export type StripeSettingsView = {
  mode: StripeMode;
  secretKeyEndsWith: string;
  webhookSecretSet: boolean;
  currencies: readonly CurrencyCode[];
} | null;

const LABELS: Record<StripeMode, string> = { local: "the local Stripe emulator", test: "Stripe test mode", live: "Stripe live" };

export function stripeSettingsView(): StripeSettingsView {
  const config = stripeConfig();
  if (!config) return null;
  return {
    mode: config.mode,
    secretKeyEndsWith: config.secretKey.slice(-4),
    webhookSecretSet: Boolean(config.webhookSecret),
    currencies: (config.currencies as CurrencyCode[] | null) ?? CURRENCIES,
  };
}

/**
 * "Test Stripe connection": one harmless read with the configured key (list one Checkout Session), reported in
 * words, audited with its outcome. Nothing is changed at Stripe or here.
 */
export async function testStripeConnection(db: Db, actorId: string): Promise<{ ok: boolean; message: string }> {
  const config = stripeConfig();
  if (!config) return { ok: false, message: "Stripe is not configured on this server (set STRIPE_SECRET_KEY)." };
  const client = new StripeClient(config, db);
  let result: { ok: boolean; message: string };
  let details: Record<string, unknown>;
  try {
    await client.sdk.checkout.sessions.list({ limit: 1 }, { maxNetworkRetries: 0, timeout: 10_000 });
    result = { ok: true, message: `Connected: ${LABELS[config.mode]} accepted this secret key.` };
    details = { provider: "stripe", mode: config.mode, outcome: "accepted" };
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeError)) throw error;
    const unreachable = error instanceof Stripe.errors.StripeConnectionError;
    result = {
      ok: false,
      message: unreachable
        ? `Could not reach ${LABELS[config.mode]}: ${error.message}`
        : `${LABELS[config.mode]} refused this secret key (${error.statusCode ?? "?"}: ${error.message}).`,
    };
    details = { provider: "stripe", mode: config.mode, outcome: unreachable ? "unreachable" : "refused", status: error.statusCode, requestId: error.requestId };
  }
  await recordAdminAction(db, actorId, "settings.stripe.tested", { type: "settings", id: "payments.stripe" }, details);
  return result;
}
