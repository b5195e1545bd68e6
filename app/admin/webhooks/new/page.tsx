import type { Metadata } from "next";
import Link from "next/link";
import { EndpointForm } from "@/components/admin/endpoint-form";
import { requireAdmin } from "@/lib/auth/session";

export const metadata: Metadata = { title: "New webhook endpoint" };

export default async function NewEndpointPage() {
  await requireAdmin();
  return (
    <div className="max-w-3xl space-y-6">
      <div>
        <Link href="/admin/webhooks" className="text-sm font-medium text-brand-800 hover:underline">
          Webhooks
        </Link>
        <h1 className="mt-1 text-3xl font-bold tracking-tight text-slate-900">New endpoint</h1>
      </div>
      <EndpointForm initial={{ url: "", description: "", eventTypes: ["order.completed", "order.refunded"], enabled: true }} />
    </div>
  );
}
