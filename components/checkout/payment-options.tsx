import { Alert } from "@/components/ui/alert";
import { CHECKOUT_MESSAGES } from "@/lib/payments/messages";
import type { ProviderName } from "@/lib/payments/types";
import { PayPalPayment } from "./paypal-payment";
import { ProviderPagePayment } from "./provider-page-payment-button";
import type { CheckoutSelection } from "@/lib/payments/checkout";


/**
 * The ways to pay for one selection: every provider that is enabled and takes its currency (PayPal's buttons, then
 * "Pay by card" through Stripe). With one provider the buyer sees just that one. `offered` comes from
 * offeredProviders(), which the page also uses for its wording.
 */
export function PaymentOptions({ selection, currency, offered }: { selection: CheckoutSelection; currency: string; offered: readonly ProviderName[] }) {
  if (offered.length === 0) return <Alert tone="warning">{CHECKOUT_MESSAGES.paymentsUnavailable}</Alert>;
  return (
    <div className="space-y-3">
      {offered.includes("paypal") && <PayPalPayment selection={selection} currency={currency} />}
      {offered.includes("stripe") && <ProviderPagePayment provider="stripe" selection={selection} label="Pay by card" />}
    </div>
  );
}
