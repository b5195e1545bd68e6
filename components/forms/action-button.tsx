"use client";

import { FormMessage } from "./form-message";
import type { ButtonVariant } from "@/components/ui/button";
import type { FormState } from "@/lib/forms";
import { SubmitButton } from "./submit-button";
import { useGuardedActionState } from "./use-guarded-action";

const LOST_ANSWER = "We lost the connection before the answer arrived, so this may or may not have happened. Reload the page to see the current state before trying again.";

/** A one-button form bound to a server action, showing the action's message under the button. */
export function ActionButton({
  action,
  fields,
  label,
  detail,
  pendingLabel,
  variant,
  lostAnswer = LOST_ANSWER,
}: {
  action: (state: FormState, formData: FormData) => Promise<FormState>;
  fields: Record<string, string>;
  label: string;
  /** Read by screen readers after the label ("Remove" → "Remove Git Basics") when several buttons look alike. */
  detail?: string;
  pendingLabel: string;
  variant?: ButtonVariant;
  /** What to say when no answer came back (a payment page that did not open: "nothing was charged"). */
  lostAnswer?: string;
}) {
  const [state, formAction] = useGuardedActionState(action, lostAnswer);
  return (
    <form action={formAction} className="space-y-3">
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <SubmitButton pendingLabel={pendingLabel} variant={variant} className="w-full">
        {label}
        {detail && <span className="sr-only"> {detail}</span>}
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
