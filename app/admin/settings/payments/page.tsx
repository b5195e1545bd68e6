import type { Metadata } from "next";
import { getDb } from "@/db/client";
import { DateTime } from "@/components/admin/date-time";
import { PaymentSettingsForm } from "@/components/admin/payment-settings-form";
import { StripeSettingsForm } from "@/components/admin/stripe-settings-form";
import { requireAdmin } from "@/lib/auth/session";
import { storeOrigin } from "@/lib/http/origin";
import { paymentSettingsView } from "@/lib/settings/payments";
import { stripeSettingsView } from "@/lib/settings/stripe";

export const metadata: Metadata = { title: "Payment settings" };

export default async function PaymentSettingsPage() {
  // Layouts and pages render in parallel: the page checks too, so it never renders for a non-admin.
  await requireAdmin();
  const db = getDb();
  const [{ lastSaved, ...paypal }, { lastSaved: stripeSaved, ...stripe }, origin] = await Promise.all([paymentSettingsView(db), stripeSettingsView(db), storeOrigin()]);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-3xl font-bold tracking-tight text-slate-900">Payment settings</h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          What you save here overrides the server&apos;s PAYPAL_* and STRIPE_* environment variables and reaches every app instance within a few seconds,
          without a restart. Secrets are stored encrypted and never shown again.
        </p>
      </div>
      <LastSaved provider="PayPal" saved={lastSaved} />
      <PaymentSettingsForm view={paypal} />
      <LastSaved provider="Stripe" saved={stripeSaved} />
      <StripeSettingsForm view={stripe} webhookUrl={`${origin}/api/payments/stripe/webhook`} />
    </div>
  );
}

function LastSaved({ provider, saved }: { provider: string; saved: { at: Date; by: string | null } | null }) {
  if (!saved) return null;
  return (
    <p className="text-sm text-slate-600">
      {provider} settings last saved <DateTime value={saved.at} />
      {saved.by && ` by ${saved.by}`}.
    </p>
  );
}
