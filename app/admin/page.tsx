import type { Metadata } from "next";
import { requireAdmin } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Admin" };

export default async function AdminPage() {
  // Layouts and pages render in parallel: the page checks too, so it never renders for a non-admin.
  const admin = await requireAdmin();
  return (
    <div>
      <h1 className="text-3xl font-bold tracking-tight text-slate-900">Admin</h1>
      <p className="mt-2 text-slate-600">Signed in as {admin.email}.</p>
      <div className="mt-8 rounded-xl border border-dashed border-slate-300 bg-white p-8 text-slate-600">
        Transactions, refunds and PayPal settings will appear here.
      </div>
    </div>
  );
}
