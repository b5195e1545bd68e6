"use client";

import { startTransition, useRef } from "react";
import { useFormStatus } from "react-dom";
import { paymentSettingsAction } from "@/app/admin/settings/payments/actions";
import { CheckboxField, Field } from "@/components/forms/field";
import { SubmitButton } from "@/components/forms/submit-button";
import { FormMessage } from "@/components/forms/form-message";
import { useGuardedActionState } from "@/components/forms/use-guarded-action";
import { Button } from "@/components/ui/button";
import { Spinner } from "@/components/ui/spinner";
import type { FieldErrors } from "@/lib/forms";
import type { CredentialsView, PaymentSettingsView, SecretView } from "@/lib/settings/payments";

const MODE_LABELS = {
  local: { title: "Local emulator", detail: "The offline PayPal emulator, for development." },
  sandbox: { title: "Sandbox", detail: "PayPal's test environment: sandbox accounts, no real money." },
  live: { title: "Live", detail: "Real payments into your PayPal business account." },
} as const;

/**
 * The payment settings. Saving is a plain form submission; "Test connection" sends the same fields without
 * submitting the form, so what the admin typed (the secret included) stays in place to be saved afterwards.
 */
export function PaymentSettingsForm({ view }: { view: Omit<PaymentSettingsView, "lastSaved"> }) {
  const [state, formAction, busy] = useGuardedActionState(paymentSettingsAction, "The connection dropped before the answer arrived, so we cannot tell whether the settings were saved. Reload the page to see what is saved now.");
  const form = useRef<HTMLFormElement>(null);
  const errors = state?.fieldErrors ?? {};
  // After a refused save the form is reset to these; otherwise to what is saved.
  const values = state?.values;
  const test = () => {
    if (!form.current) return;
    const data = new FormData(form.current);
    data.set("intent", "test");
    startTransition(() => formAction(data));
  };

  return (
    <form ref={form} action={formAction} noValidate className="space-y-6">
      <section aria-labelledby="payments-general" className="space-y-5 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <h2 id="payments-general" className="text-lg font-semibold text-slate-900">
          PayPal
        </h2>
        <CheckboxField
          label="Accept payments with PayPal"
          name="enabled"
          defaultChecked={values ? values.enabled === "on" : view.enabled}
          hint="When off, shoppers see “Payments are currently unavailable” instead of the PayPal buttons. PayPal's webhooks and IPN are still received and applied."
          errors={errors.enabled}
        />
        <fieldset aria-describedby={errors.mode?.length ? "field-mode-error" : undefined} className="space-y-2">
          <legend className="text-sm font-medium text-slate-800">Environment</legend>
          {view.modes.map((mode) => (
            <label key={mode} className="flex items-start gap-3 rounded-lg border border-slate-200 p-3 text-sm has-[:checked]:border-brand-600 has-[:checked]:bg-brand-50">
              <input
                type="radio"
                name="mode"
                value={mode}
                defaultChecked={(values?.mode ?? view.mode) === mode}
                className="mt-0.5 size-4 accent-brand-700"
              />
              <span>
                <span className="block font-medium text-slate-900">{MODE_LABELS[mode].title}</span>
                <span className="block text-slate-600">{MODE_LABELS[mode].detail}</span>
              </span>
            </label>
          ))}
          {errors.mode?.length ? (
            <p id="field-mode-error" className="text-sm text-red-700">
              {errors.mode.join(" ")}
            </p>
          ) : null}
        </fieldset>
        <Field
          label="Business email"
          name="businessEmail"
          type="email"
          autoComplete="off"
          defaultValue={values?.businessEmail ?? view.businessEmail}
          hint={`Your PayPal account's email, checked against every IPN's receiver_email.${view.businessEmailDefault ? ` Leave empty to use ${view.businessEmailDefault} from the server's environment.` : ""}`}
          errors={errors.businessEmail}
        />
      </section>

      <Credentials environment="sandbox" title="Sandbox credentials" view={view.sandbox} values={values} errors={errors} />
      <Credentials environment="live" title="Live credentials" view={view.live} values={values} errors={errors} />

      <fieldset
        aria-describedby={errors.allowedCurrencies?.length ? "field-allowedCurrencies-error" : undefined}
        className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm"
      >
        <legend className="px-1 text-lg font-semibold text-slate-900">Allowed currencies</legend>
        <p className="text-sm text-slate-600">The currencies your PayPal account accepts; courses can be priced in these.</p>
        <div className="mt-4 grid grid-cols-3 gap-2 sm:grid-cols-5 lg:grid-cols-8">
          {view.currencies.map((code) => (
            <label key={code} className="flex items-center gap-2 text-sm font-medium text-slate-800">
              <input
                type="checkbox"
                name="allowedCurrencies"
                value={code}
                defaultChecked={values ? values.allowedCurrencies?.split(",").includes(code) : view.allowedCurrencies.includes(code)}
                className="size-4 rounded border-slate-300 accent-brand-700"
              />
              {code}
            </label>
          ))}
        </div>
        {errors.allowedCurrencies?.length ? (
          <p id="field-allowedCurrencies-error" className="mt-2 text-sm text-red-700">
            {errors.allowedCurrencies.join(" ")}
          </p>
        ) : null}
      </fieldset>

      <div className="space-y-2">
        <div className="flex flex-wrap items-center gap-3">
          <SubmitButton pendingLabel="Saving…">Save settings</SubmitButton>
          <TestButton onTest={test} busy={busy} />
        </div>
        <p className="text-sm text-slate-600">Test connection asks PayPal for a token with the chosen environment&apos;s credentials as they stand in this form, without saving them.</p>
      </div>
      {/* Present from the start, so screen readers announce what appears in it later. */}
      <div aria-live="polite"><FormMessage state={state} /></div>
    </form>
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

function Credentials({
  environment,
  title,
  view,
  values,
  errors,
}: {
  environment: "sandbox" | "live";
  title: string;
  view: CredentialsView;
  values: Record<string, string> | undefined;
  errors: FieldErrors;
}) {
  const inherited = (value: string | null) => (value ? ` Leave empty to use ${value} from the server's environment.` : "");
  return (
    <fieldset className="space-y-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
      <legend className="px-1 text-lg font-semibold text-slate-900">{title}</legend>
      <Field
        label="Client id"
        name={`${environment}ClientId`}
        autoComplete="off"
        spellCheck={false}
        defaultValue={values?.[`${environment}ClientId`] ?? view.clientId}
        hint={`From your REST app in PayPal's developer dashboard.${inherited(view.clientIdDefault)}`}
        errors={errors[`${environment}ClientId`]}
      />
      <Field
        label="Client secret"
        name={`${environment}ClientSecret`}
        type="password"
        autoComplete="new-password"
        spellCheck={false}
        hint={secretHint(view.secret)}
        errors={errors[`${environment}ClientSecret`]}
      />
      {view.secret?.source === "settings" && (
        <CheckboxField
          label="Remove the saved secret"
          name={`${environment}ClearSecret`}
          defaultChecked={values?.[`${environment}ClearSecret`] === "on"}
          errors={errors[`${environment}ClearSecret`]}
        />
      )}
      <Field
        label="Webhook id"
        name={`${environment}WebhookId`}
        autoComplete="off"
        spellCheck={false}
        defaultValue={values?.[`${environment}WebhookId`] ?? view.webhookId}
        hint={`The id PayPal shows for your webhook to /api/paypal/webhook; webhooks are refused without it.${inherited(view.webhookIdDefault)}`}
        errors={errors[`${environment}WebhookId`]}
      />
    </fieldset>
  );
}

function secretHint(secret: SecretView): string {
  if (!secret) return "Not set.";
  if (secret.source === "environment") return `Set in the server's environment, ends with ${secret.endsWith}. Leave empty to use it.`;
  if (!secret.endsWith) return "Saved, but the current encryption key cannot decrypt it: enter it again.";
  return `Set, ends with ${secret.endsWith}. Leave empty to keep it.`;
}
