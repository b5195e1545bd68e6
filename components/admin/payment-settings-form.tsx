"use client";

import { paymentSettingsAction } from "@/app/admin/settings/payments/actions";
import { CheckboxField, Field } from "@/components/forms/field";
import type { FieldErrors } from "@/lib/forms";
import type { CredentialsView, PaymentSettingsView } from "@/lib/settings/payments";
import { ClearSecret, CurrencyChecklist, ModeChoice, Panel, SecretField, SettingsActions, useSettingsForm } from "./settings-form-parts";

const MODE_LABELS = {
  local: { title: "Local emulator", detail: "The offline PayPal emulator, for development." },
  sandbox: { title: "Sandbox", detail: "PayPal's test environment: sandbox accounts, no real money." },
  live: { title: "Live", detail: "Real payments into your PayPal business account." },
} as const;

/** PayPal's settings: where payments go, the credentials per environment, the currencies the account accepts. */
export function PaymentSettingsForm({ view }: { view: Omit<PaymentSettingsView, "lastSaved"> }) {
  const { state, formAction, busy, form, test, errors, values } = useSettingsForm(paymentSettingsAction);
  return (
    <form ref={form} action={formAction} noValidate aria-labelledby="payments-general" className="space-y-6">
      <Panel id="payments-general" title="PayPal">
        <CheckboxField
          label="Accept payments with PayPal"
          name="enabled"
          defaultChecked={values ? values.enabled === "on" : view.enabled}
          hint="When off, shoppers see “Payments are currently unavailable” instead of the PayPal buttons. PayPal's webhooks and IPN are still received and applied."
          errors={errors.enabled}
        />
        <ModeChoice legend="Environment" modes={view.modes} labels={MODE_LABELS} current={values?.mode ?? view.mode} errors={errors.mode} />
        <Field
          label="Business email"
          name="businessEmail"
          type="email"
          autoComplete="off"
          defaultValue={values?.businessEmail ?? view.businessEmail}
          hint={`Your PayPal account's email, checked against every IPN's receiver_email.${view.businessEmailDefault ? ` Leave empty to use ${view.businessEmailDefault} from the server's environment.` : ""}`}
          errors={errors.businessEmail}
        />
      </Panel>

      <Credentials environment="sandbox" title="Sandbox credentials" view={view.sandbox} values={values} errors={errors} />
      <Credentials environment="live" title="Live credentials" view={view.live} values={values} errors={errors} />

      <CurrencyChecklist
        name="allowedCurrencies"
        legend="Allowed currencies"
        hint="The currencies your PayPal account accepts; courses can be priced in these."
        currencies={view.currencies}
        selected={view.allowedCurrencies}
        values={values}
        errors={errors.allowedCurrencies}
      />
      <SettingsActions onTest={test} busy={busy} state={state} note="Test connection asks PayPal for a token with the chosen environment's credentials as they stand in this form, without saving them." />
    </form>
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
      <SecretField label="Client secret" name={`${environment}ClientSecret`} secret={view.secret} errors={errors[`${environment}ClientSecret`]} />
      <ClearSecret label="Remove the saved secret" name={`${environment}ClearSecret`} shown={view.secret?.source === "settings"} values={values} errors={errors[`${environment}ClearSecret`]} />
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
