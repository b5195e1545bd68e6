import type { Metadata } from "next";
import { getDb } from "@/db/client";
import { DateTime } from "@/components/admin/date-time";
import { PaymentSettingsForm } from "@/components/admin/payment-settings-form";
import { requireAdmin } from "@/lib/auth/session";
import { paymentSettingsView } from "@/lib/settings/payments";

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
    </div>
  );
}
