"use client";

import { stripeSettingsAction } from "@/app/admin/settings/payments/actions";
import { CheckboxField } from "@/components/forms/field";
import type { FieldErrors } from "@/lib/forms";
import type { StripeKeysView, StripeSettingsView } from "@/lib/settings/stripe";
import { ClearSecret, CurrencyChecklist, ModeChoice, Panel, SecretField, SettingsActions, useSettingsForm } from "./settings-form-parts";

const MODE_LABELS = {
  local: { title: "Local emulator", detail: "The offline Stripe emulator, for development." },
  test: { title: "Test mode", detail: "Stripe's test mode: test cards, no real money." },
  live: { title: "Live", detail: "Real card payments into your Stripe account." },
} as const;

/** Stripe's settings: on or off, where card payments go, the keys per mode, the currencies taken by card. */
export function StripeSettingsForm({ view, webhookUrl }: { view: Omit<StripeSettingsView, "lastSaved">; webhookUrl: string }) {
  const { state, formAction, busy, form, test, errors, values } = useSettingsForm(stripeSettingsAction);
  return (
    <form ref={form} action={formAction} noValidate aria-labelledby="stripe-heading" className="space-y-6">
      <Panel id="stripe-heading" title="Stripe (cards)">
        <CheckboxField
          label="Accept card payments with Stripe"
          name="stripeEnabled"
          defaultChecked={values ? values.stripeEnabled === "on" : view.enabled}
          hint="When off, shoppers are not offered “Pay by card”. Stripe's webhooks, refunds and checks of orders already paid by card go on."
          errors={errors.stripeEnabled}
        />
        <ModeChoice name="stripeMode" legend="Where card payments go" modes={view.modes} labels={MODE_LABELS} current={values?.stripeMode ?? view.mode} errors={errors.stripeMode} />
        <p className="text-sm text-slate-600">
          In your Stripe dashboard, add a webhook endpoint at <code className="break-all rounded bg-slate-100 px-1 font-mono text-slate-900">{webhookUrl}</code> for the events{" "}
          <span className="font-mono">checkout.session.*</span>, <span className="font-mono">refund.*</span>, <span className="font-mono">charge.refunded</span> and{" "}
          <span className="font-mono">charge.dispute.*</span>, then paste its signing secret below.
        </p>
      </Panel>
      <Keys mode="test" title="Test-mode keys" view={view.test} values={values} errors={errors} />
      <Keys mode="live" title="Live keys" view={view.live} values={values} errors={errors} />
      <CurrencyChecklist
        name="currencies"
        legend="Currencies taken by card"
        hint="Buyers are offered “Pay by card” for carts in these currencies."
        currencies={view.currencies}
        selected={view.selectedCurrencies}
        values={values}
        errors={errors.currencies}
      />
      <SettingsActions onTest={test} busy={busy} state={state} note="Test connection makes one harmless read at Stripe with the chosen mode's secret key as it stands in this form, without saving it." />
    </form>
  );
}

function Keys({ mode, title, view, values, errors }: { mode: "test" | "live"; title: string; view: StripeKeysView; values: Record<string, string> | undefined; errors: FieldErrors }) {
  return (
    <fieldset className="space-y-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
      <legend className="px-1 text-lg font-semibold text-slate-900">{title}</legend>
      <SecretField label="Secret key" name={`${mode}SecretKey`} secret={view.secretKey} purpose={`From Developers → API keys (sk_${mode}_…).`} errors={errors[`${mode}SecretKey`]} />
      <SecretField label="Webhook signing secret" name={`${mode}WebhookSecret`} secret={view.webhookSecret} purpose="From your webhook endpoint's page (whsec_…)." errors={errors[`${mode}WebhookSecret`]} />
      <ClearSecret label={`Remove the saved ${mode === "test" ? "test-mode" : "live"} keys`} name={`${mode}Clear`} shown={view.secretKey?.source === "settings" || view.webhookSecret?.source === "settings"} values={values} errors={errors[`${mode}Clear`]} />
    </fieldset>
  );
}
