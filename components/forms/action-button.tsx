"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import type { ButtonVariant } from "@/components/ui/button";
import type { FormState } from "@/lib/forms";
import { SubmitButton } from "./submit-button";

/** A one-button form bound to a server action, showing the action's message under the button. */
export function ActionButton({
  action,
  fields,
  label,
  detail,
  pendingLabel,
  variant,
}: {
  action: (state: FormState, formData: FormData) => Promise<FormState>;
  fields: Record<string, string>;
  label: string;
  /** Read by screen readers after the label ("Remove" → "Remove Git Basics") when several buttons look alike. */
  detail?: string;
  pendingLabel: string;
  variant?: ButtonVariant;
}) {
  const [state, formAction] = useActionState(action, null);
  return (
    <form action={formAction} className="space-y-3">
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <SubmitButton pendingLabel={pendingLabel} variant={variant} className="w-full">
        {label}
        {detail && <span className="sr-only"> {detail}</span>}
      </SubmitButton>
      {state?.message && <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert>}
    </form>
  );
}
