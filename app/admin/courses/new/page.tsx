import type { Metadata } from "next";
import { getDb } from "@/db/client";
import { CourseForm } from "@/components/admin/course-form";
import { requireAdmin } from "@/lib/auth/session";
import { readPaymentSettings } from "@/lib/settings/payments";

export const metadata: Metadata = { title: "New course" };

export default async function NewCoursePage() {
  await requireAdmin();
  const { allowedCurrencies } = await readPaymentSettings(getDb());
  // Only the currency is preset: a new course starts as a draft, so it can be prepared before students see it.
  const initial = { currency: allowedCurrencies.includes("USD") ? "USD" : allowedCurrencies[0]! };
  return (
    <div className="max-w-3xl space-y-6">
      <h1 className="text-3xl font-bold tracking-tight text-slate-900">New course</h1>
      <CourseForm initial={initial} currencies={allowedCurrencies.map((code) => ({ code, accepted: true }))} />
    </div>
  );
}
