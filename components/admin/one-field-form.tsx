"use client";

import { Field } from "@/components/forms/field";
import { FormMessage } from "@/components/forms/form-message";
import { SubmitButton } from "@/components/forms/submit-button";
import { useGuardedActionState } from "@/components/forms/use-guarded-action";
import type { FormState } from "@/lib/forms";

/** A one-field form (a new section's title): the field, its errors, the answer. */
export function OneFieldForm({
  action,
  hidden,
  name,
  label,
  submit,
  pending,
}: {
  action: (state: FormState, formData: FormData) => Promise<FormState>;
  hidden: Record<string, string>;
  name: string;
  label: string;
  submit: string;
  pending: string;
}) {
  const [state, formAction] = useGuardedActionState(action, "The connection dropped before the answer arrived. Reload the page to see what was saved.");
  return (
    <form action={formAction} className="flex flex-wrap items-end gap-3 border-t border-slate-200 pt-4" noValidate>
      {Object.entries(hidden).map(([key, value]) => (
        <input key={key} type="hidden" name={key} value={value} />
      ))}
      <div className="min-w-48 flex-1">
        <Field label={label} name={name} required maxLength={120} errors={state?.fieldErrors?.[name]} />
      </div>
      <SubmitButton pendingLabel={pending} variant="secondary">
        {submit}
      </SubmitButton>
      <div className="w-full">
        <FormMessage state={state} />
      </div>
    </form>
  );
}
