import type { ComponentProps } from "react";
import { Alert } from "@/components/ui/alert";
import { CHECKOUT_MESSAGES } from "@/lib/payments/messages";
import { browserPayPalOptions } from "@/lib/payments/runtime";
import { PayPalCheckout } from "./paypal-checkout-lazy";
import { ProviderPagePayment } from "./provider-page-payment-button";

/**
 * PayPal's buttons with the configuration in force, and under them the redirect flow for buyers whose popups are
 * blocked or whose browser cannot load PayPal's script; a notice while an admin has turned payments off.
 */
export async function PayPalPayment({ selection, currency }: Pick<ComponentProps<typeof PayPalCheckout>, "selection" | "currency">) {
  const paypal = await browserPayPalOptions();
  if (!paypal) return <Alert tone="warning">{CHECKOUT_MESSAGES.paymentsUnavailable}</Alert>;
  return (
    <div className="space-y-2">
      <PayPalCheckout selection={selection} currency={currency} clientId={paypal.clientId} sdkUrl={paypal.sdkUrl} />
      <ProviderPagePayment provider="paypal" selection={selection} label="Pay on PayPal's site instead" variant="ghost" />
    </div>
  );
}
