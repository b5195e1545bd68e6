import type { ProviderName } from "./types";

/** How each provider is named to people (admins, buyers, audit lines): written once, here. */
export const PROVIDER_LABEL: Record<ProviderName, string> = {
  paypal: "PayPal",
  stripe: "Stripe",
};

/** How a page names the way to pay when these providers are offered: one provider by name, several not at all. */
export function payWith(offered: readonly ProviderName[]): string {
  if (offered.length !== 1) return "";
  return offered[0] === "paypal" ? " with PayPal" : " by card";
}
