import type { Metadata } from "next";
import { getDb } from "@/db/client";
import { DateTime } from "@/components/admin/date-time";
import { PaymentSettingsForm } from "@/components/admin/payment-settings-form";
import { ActionButton } from "@/components/forms/action-button";
import { requireAdmin } from "@/lib/auth/session";
import { paymentSettingsView } from "@/lib/settings/payments";
import { stripeSettingsView } from "@/lib/settings/stripe";
import { testStripeConnectionAction } from "./actions";

export const metadata: Metadata = { title: "Payment settings" };

export default async function PaymentSettingsPage() {
  // Layouts and pages render in parallel: the page checks too, so it never renders for a non-admin.
  await requireAdmin();
  const { lastSaved, ...settings } = await paymentSettingsView(getDb());
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-3xl font-bold tracking-tight text-slate-900">Payment settings</h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          What you save here overrides the server&apos;s PAYPAL_* environment variables and reaches every app instance within a few seconds,
          without a restart. Secrets are stored encrypted and never shown again.
        </p>
        {lastSaved && (
          <p className="mt-1 text-sm text-slate-600">
            Last saved <DateTime value={lastSaved.at} />
            {lastSaved.by && ` by ${lastSaved.by}`}.
          </p>
        )}
      </div>
      <PaymentSettingsForm view={settings} />
      <StripeSettings />
    </div>
  );
}

const STRIPE_MODES = { local: "Local emulator", test: "Test mode", live: "Live" } as const;

/** Stripe, as configured from the server's environment (STRIPE_*), with a connection test. */
function StripeSettings() {
  const stripe = stripeSettingsView();
  return (
    <section aria-labelledby="stripe-heading" className="space-y-4 rounded-xl border border-slate-200 bg-white p-6">
      <div>
        <h2 id="stripe-heading" className="text-lg font-semibold text-slate-900">
          Stripe (cards)
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          Configured from the server&apos;s STRIPE_* environment variables (README, &ldquo;Payments with Stripe&rdquo;); changing them needs a restart.
        </p>
      </div>
      {stripe ? (
        <>
          <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-2">
            <div>
              <dt className="font-medium text-slate-700">Where payments go</dt>
              <dd className="text-slate-900">{STRIPE_MODES[stripe.mode]}</dd>
            </div>
            <div>
              <dt className="font-medium text-slate-700">Secret key</dt>
              <dd className="font-mono text-slate-900">set, ends with …{stripe.secretKeyEndsWith}</dd>
            </div>
            <div>
              <dt className="font-medium text-slate-700">Webhook signing secret</dt>
              <dd className="text-slate-900">{stripe.webhookSecretSet ? "set" : "not set: Stripe webhooks are refused"}</dd>
            </div>
            <div>
              <dt className="font-medium text-slate-700">Currencies offered by card</dt>
              <dd className="text-slate-900">{stripe.currencies.join(", ")}</dd>
            </div>
          </dl>
          <div className="max-w-xs">
            <ActionButton action={testStripeConnectionAction} fields={{}} label="Test Stripe connection" pendingLabel="Asking Stripe…" variant="secondary" />
          </div>
        </>
      ) : (
        <p className="text-sm text-slate-700">Stripe is off on this server: set STRIPE_SECRET_KEY (and STRIPE_WEBHOOK_SECRET) to offer card payments.</p>
      )}
    </section>
  );
}
