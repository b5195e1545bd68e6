"use client";

import type { HTMLInputTypeAttribute } from "react";
import { Field } from "@/components/forms/field";
import { FormMessage } from "@/components/forms/form-message";
import { SubmitButton } from "@/components/forms/submit-button";
import { useGuardedActionState } from "@/components/forms/use-guarded-action";
import type { ButtonVariant } from "@/components/ui/button";
import type { FormState } from "@/lib/forms";

export type SimpleField = { name: string; label: string; type?: HTMLInputTypeAttribute; autoComplete?: string; hint?: string; defaultValue?: string; maxLength?: number };

/** A short form of plain fields (a section's title, a password change): the fields, their errors, the answer. */
export function SimpleForm({
  id,
  action,
  hidden = {},
  fields,
  submit,
  pending,
  variant,
  className = "space-y-4",
}: {
  /** Names this form's field ids, so several forms on one page never share one. */
  id: string;
  action: (state: FormState, formData: FormData) => Promise<FormState>;
  hidden?: Record<string, string>;
  fields: SimpleField[];
  submit: string;
  pending: string;
  variant?: ButtonVariant;
  className?: string;
}) {
  const [state, formAction] = useGuardedActionState(action, "The connection dropped before the answer arrived. Reload the page to see what was saved.");
  return (
    <form action={formAction} className={className} noValidate>
      {Object.entries(hidden).map(([key, value]) => (
        <input key={key} type="hidden" name={key} value={value} />
      ))}
      {fields.map((f) => (
        <Field
          key={f.name}
          idPrefix={id}
          label={f.label}
          name={f.name}
          type={f.type}
          autoComplete={f.autoComplete}
          hint={f.hint}
          maxLength={f.maxLength ?? 200}
          defaultValue={state?.values?.[f.name] ?? f.defaultValue}
          errors={state?.fieldErrors?.[f.name]}
        />
      ))}
      <FormMessage state={state} />
      <SubmitButton pendingLabel={pending} variant={variant}>
        {submit}
      </SubmitButton>
    </form>
  );
}
