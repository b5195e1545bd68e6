"use client";

import { startTransition, useRef, type ReactNode } from "react";
import { useFormStatus } from "react-dom";
import { CheckboxField, Field } from "@/components/forms/field";
import { FormMessage } from "@/components/forms/form-message";
import { SubmitButton } from "@/components/forms/submit-button";
import { useGuardedActionState } from "@/components/forms/use-guarded-action";
import { Button } from "@/components/ui/button";
import { Spinner } from "@/components/ui/spinner";
import type { FieldErrors, FormState } from "@/lib/forms";
import type { SecretView } from "@/lib/settings/row";

/**
 * The pieces both providers' settings forms are made of. Saving is a plain form submission; "Test connection" sends
 * the same fields without submitting the form, so what the admin typed (secrets included) stays in place to be
 * saved afterwards.
 */
export function useSettingsForm(action: (state: FormState, formData: FormData) => Promise<FormState>) {
  const [state, formAction, busy] = useGuardedActionState(action, "The connection dropped before the answer arrived, so we cannot tell whether the settings were saved. Reload the page to see what is saved now.");
  const form = useRef<HTMLFormElement>(null);
  const test = () => {
    if (!form.current) return;
    const data = new FormData(form.current);
    data.set("intent", "test");
    startTransition(() => formAction(data));
  };
  // After a refused save the form is reset to `values`; otherwise to what is saved.
  return { state, formAction, busy, form, test, errors: state?.fieldErrors ?? ({} as FieldErrors), values: state?.values };
}

export function Panel({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="space-y-5 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
      <h2 id={id} className="text-lg font-semibold text-slate-900">
        {title}
      </h2>
      {children}
    </section>
  );
}

/** One radio per mode, with what each means. */
export function ModeChoice<M extends string>({
  name = "mode",
  legend,
  modes,
  labels,
  current,
  errors,
}: {
  name?: string;
  legend: string;
  modes: readonly M[];
  labels: Record<M, { title: string; detail: string }>;
  current: string;
  errors?: string[];
}) {
  const errorId = `field-${name}-error`;
  return (
    <fieldset aria-describedby={errors?.length ? errorId : undefined} className="space-y-2">
      <legend className="text-sm font-medium text-slate-800">{legend}</legend>
      {modes.map((mode) => (
        <label key={mode} className="flex items-start gap-3 rounded-lg border border-slate-200 p-3 text-sm has-[:checked]:border-brand-600 has-[:checked]:bg-brand-50">
          <input type="radio" name={name} value={mode} defaultChecked={current === mode} className="mt-0.5 size-4 accent-brand-700" />
          <span>
            <span className="block font-medium text-slate-900">{labels[mode].title}</span>
            <span className="block text-slate-600">{labels[mode].detail}</span>
          </span>
        </label>
      ))}
      <GroupError id={errorId} errors={errors} />
    </fieldset>
  );
}

/** The errors of a group of controls, referenced by the fieldset's aria-describedby. */
function GroupError({ id, errors, className = "" }: { id: string; errors?: string[]; className?: string }) {
  return errors?.length ? (
    <p id={id} className={`text-sm text-red-700 ${className}`}>
      {errors.join(" ")}
    </p>
  ) : null;
}

export function CurrencyChecklist({
  name,
  legend,
  hint,
  currencies,
  selected,
  values,
  errors,
}: {
  name: string;
  legend: string;
  hint: string;
  currencies: readonly string[];
  selected: readonly string[];
  values: Record<string, string> | undefined;
  errors?: string[];
}) {
  const errorId = `field-${name}-error`;
  return (
    <fieldset aria-describedby={errors?.length ? errorId : undefined} className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
      <legend className="px-1 text-lg font-semibold text-slate-900">{legend}</legend>
      <p className="text-sm text-slate-600">{hint}</p>
      <div className="mt-4 grid grid-cols-3 gap-2 sm:grid-cols-5 lg:grid-cols-8">
        {currencies.map((code) => (
          <label key={code} className="flex items-center gap-2 text-sm font-medium text-slate-800">
            <input
              type="checkbox"
              name={name}
              value={code}
              defaultChecked={values ? values[name]?.split(",").includes(code) : selected.includes(code)}
              className="size-4 rounded border-slate-300 accent-brand-700"
            />
            {code}
          </label>
        ))}
      </div>
      <GroupError id={errorId} errors={errors} className="mt-2" />
    </fieldset>
  );
}

/** A secret is never shown or sent back: the field is empty, its hint says what is saved and where from. */
export function SecretField({ label, name, secret, purpose, errors }: { label: string; name: string; secret: SecretView; purpose?: string; errors?: string[] }) {
  const hint = [purpose, secretHint(secret)].filter(Boolean).join(" ");
  return <Field label={label} name={name} type="password" autoComplete="new-password" spellCheck={false} hint={hint} errors={errors} />;
}

function secretHint(secret: SecretView): string {
  if (!secret) return "Not set.";
  if (secret.source === "environment") return `Set in the server's environment, ends with ${secret.endsWith}. Leave empty to use it.`;
  if (!secret.endsWith) return "Saved, but the current encryption key cannot decrypt it: enter it again.";
  return `Set, ends with ${secret.endsWith}. Leave empty to keep it.`;
}

export function ClearSecret({ label, name, shown, values, errors }: { label: string; name: string; shown: boolean; values: Record<string, string> | undefined; errors?: string[] }) {
  return shown ? <CheckboxField label={label} name={name} defaultChecked={values?.[name] === "on"} errors={errors} /> : null;
}

/** Save, Test connection, what testing does, and the form's message (present from the start, so it is announced). */
export function SettingsActions({ onTest, busy, note, state }: { onTest: () => void; busy: boolean; note: string; state: FormState }) {
  return (
    <>
      <div className="space-y-2">
        <div className="flex flex-wrap items-center gap-3">
          <SubmitButton pendingLabel="Saving…">Save settings</SubmitButton>
          <TestButton onTest={onTest} busy={busy} />
        </div>
        <p className="text-sm text-slate-600">{note}</p>
      </div>
      <div aria-live="polite">
        <FormMessage state={state} />
      </div>
    </>
  );
}

/** Shows its own progress only: while the form is being saved, `busy` belongs to the save. */
function TestButton({ onTest, busy }: { onTest: () => void; busy: boolean }) {
  const { pending: saving } = useFormStatus();
  const testing = busy && !saving;
  return (
    <Button type="button" variant="secondary" onClick={onTest} disabled={busy} aria-disabled={busy}>
      {testing ? (
        <>
          <Spinner />
          <span>Testing…</span>
        </>
      ) : (
        "Test connection"
      )}
    </Button>
  );
}
