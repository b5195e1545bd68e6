import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/db/client";
import { ProductForm } from "@/components/admin/product-form";
import { requireAdmin } from "@/lib/auth/session";
import { CURRENCIES } from "@/lib/money";
import { courseChoices } from "@/lib/subscriptions/editor";

export const metadata: Metadata = { title: "New membership or plan" };

export default async function NewMembershipPage() {
  await requireAdmin();
  const courses = await courseChoices(getDb());
  return (
    <div className="space-y-6">
      <div>
        <Link href="/admin/memberships" className="text-sm font-medium text-brand-800 hover:underline">
          ← Memberships and payment plans
        </Link>
        <h1 className="mt-2 text-3xl font-bold tracking-tight text-slate-900">New membership or plan</h1>
      </div>
      <ProductForm initial={{ kind: "membership", interval: "month", intervalCount: "1", trialDays: "0", currency: "USD", allCourses: "on" }} courses={courses} currencies={CURRENCIES} locked={false} />
    </div>
  );
}
