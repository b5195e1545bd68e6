"use client";

import { payOnProviderPageAction } from "@/app/(store)/checkout/actions";
import { FormMessage } from "@/components/forms/form-message";
import { SubmitButton } from "@/components/forms/submit-button";
import { useGuardedActionState } from "@/components/forms/use-guarded-action";
import type { ButtonVariant } from "@/components/ui/button";
import type { ProviderName } from "@/lib/payments/types";

type Selection = { kind: "cart"; currency: string } | { kind: "course"; courseId: string };

const COPY: Record<ProviderName, { pending: string; lost: string }> = {
  paypal: { pending: "Opening PayPal…", lost: "We lost the connection before PayPal's page opened. Nothing was charged; please try again." },
  stripe: { pending: "Opening Stripe…", lost: "We lost the connection before Stripe's page opened. Nothing was charged; please try again." },
};

/**
 * One button that starts a checkout and sends the buyer to the provider's own page (Stripe Checkout, or PayPal's
 * site when its buttons cannot be used), which brings them back to the store's return route.
 */
export function ProviderPagePayment({ provider, selection, label, variant = "secondary" }: { provider: ProviderName; selection: Selection; label: string; variant?: ButtonVariant }) {
  const [state, action] = useGuardedActionState(payOnProviderPageAction, COPY[provider].lost);
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="provider" value={provider} />
      {Object.entries(selection).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <SubmitButton variant={variant} pendingLabel={COPY[provider].pending} className="w-full">
        {label}
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
