import type { Metadata } from "next";
import Link from "next/link";
import { ConnectionForm } from "@/components/admin/connection-form";
import { requireAdmin } from "@/lib/auth/session";

export const metadata: Metadata = { title: "New LMS connection" };

export default async function NewConnectionPage() {
  await requireAdmin();
  return (
    <div className="max-w-3xl space-y-6">
      <div>
        <Link href="/admin/gateway" className="text-sm font-medium text-brand-800 hover:underline">
          LMS connections
        </Link>
        <h1 className="mt-1 text-3xl font-bold tracking-tight text-slate-900">New LMS connection</h1>
      </div>
      <ConnectionForm initial={{ enabled: "on" }} hasApiKey={false} />
    </div>
  );
}
