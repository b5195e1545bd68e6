import type { ComponentProps } from "react";
import { Alert } from "@/components/ui/alert";
import { CHECKOUT_MESSAGES } from "@/lib/payments/messages";
import { browserPayPalOptions } from "@/lib/payments/runtime";
import { PayPalCheckout } from "./paypal-checkout";

/** PayPal's buttons with the configuration in force, or a notice while an admin has turned payments off. */
export async function PayPalPayment({ selection, currency }: Pick<ComponentProps<typeof PayPalCheckout>, "selection" | "currency">) {
  const paypal = await browserPayPalOptions();
  if (!paypal) return <Alert tone="warning">{CHECKOUT_MESSAGES.paymentsUnavailable}</Alert>;
  return <PayPalCheckout selection={selection} currency={currency} clientId={paypal.clientId} sdkUrl={paypal.sdkUrl} />;
}
