"use client";

import { payByCardAction } from "@/app/(store)/checkout/actions";
import { FormMessage } from "@/components/forms/form-message";
import { SubmitButton } from "@/components/forms/submit-button";
import { useGuardedActionState } from "@/components/forms/use-guarded-action";

type Selection = { kind: "cart"; currency: string } | { kind: "course"; courseId: string };

/** "Pay by card": one button that starts a Stripe Checkout and sends the buyer to Stripe's page. */
export function CardPayment({ selection }: { selection: Selection }) {
  const [state, action] = useGuardedActionState(
    payByCardAction,
    "We lost the connection before Stripe's page opened. Nothing was charged; please try again.",
  );
  return (
    <form action={action} className="space-y-3">
      {Object.entries(selection).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <SubmitButton variant="secondary" pendingLabel="Opening Stripe…" className="w-full">
        Pay by card
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
