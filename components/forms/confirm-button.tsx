"use client";

import { useId, useRef } from "react";
import { Button, type ButtonVariant } from "@/components/ui/button";
import type { FormState } from "@/lib/forms";
import { FormMessage } from "./form-message";
import { SubmitButton } from "./submit-button";
import { useGuardedActionState } from "./use-guarded-action";

/**
 * A button for an action that cannot be undone (cancel a subscription, refund a payment): it opens a dialog that
 * says what will happen, and only the dialog's confirm button submits. The message of the action shows under it.
 */
export function ConfirmButton({
  action,
  fields,
  label,
  title,
  text,
  confirmLabel,
  pendingLabel,
  variant = "secondary",
  lostAnswer,
}: {
  action: (state: FormState, formData: FormData) => Promise<FormState>;
  fields: Record<string, string>;
  label: string;
  title: string;
  text: string;
  confirmLabel: string;
  pendingLabel: string;
  variant?: ButtonVariant;
  lostAnswer: string;
}) {
  const [state, formAction] = useGuardedActionState(action, lostAnswer);
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  return (
    <form action={formAction} onSubmit={() => dialog.current?.close()} className="space-y-3">
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <Button type="button" variant={variant} onClick={() => dialog.current?.showModal()}>
        {label}
      </Button>
      <dialog ref={dialog} aria-labelledby={titleId} className="m-auto w-full max-w-md rounded-xl p-6 shadow-xl backdrop:bg-slate-900/40">
        <h2 id={titleId} className="text-lg font-semibold text-slate-900">
          {title}
        </h2>
        <p className="mt-2 text-sm text-slate-700">{text}</p>
        <div className="mt-6 flex justify-end gap-2">
          <Button type="button" variant="secondary" onClick={() => dialog.current?.close()}>
            Keep it
          </Button>
          <SubmitButton variant="danger" pendingLabel={pendingLabel}>
            {confirmLabel}
          </SubmitButton>
        </div>
      </dialog>
      <div aria-live="polite">
        <FormMessage state={state} />
      </div>
    </form>
  );
}
