import { payOnProviderPageAction } from "@/app/(store)/checkout/actions";
import { ActionButton } from "@/components/forms/action-button";
import type { ButtonVariant } from "@/components/ui/button";
import { PROVIDER_LABEL } from "@/lib/payments/providers";
import type { ProviderName } from "@/lib/payments/types";
import type { CheckoutSelection } from "@/lib/payments/checkout";


/**
 * One button that starts a checkout and sends the buyer to the provider's own page (Stripe Checkout, or PayPal's
 * site when its buttons cannot be used), which brings them back to the store's return route.
 */
export function ProviderPagePayment({ provider, selection, label, variant = "secondary" }: { provider: ProviderName; selection: CheckoutSelection; label: string; variant?: ButtonVariant }) {
  const who = PROVIDER_LABEL[provider];
  return (
    <ActionButton
      action={payOnProviderPageAction}
      fields={{ provider, ...selection }}
      label={label}
      pendingLabel={`Opening ${who}…`}
      variant={variant}
      lostAnswer={`We lost the connection before ${who}'s page opened. Nothing was charged; please try again.`}
    />
  );
}
