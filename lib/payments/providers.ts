import type { ProviderName } from "./types";

/** How each provider is named to people (admins, buyers, audit lines): written once, here. */
export const PROVIDER_LABEL: Record<ProviderName, string> = {
  paypal: "PayPal",
  stripe: "Stripe",
};
