import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { ConnectionForm } from "@/components/admin/connection-form";
import { EndpointUrl } from "@/components/admin/endpoint-url";
import { Alert } from "@/components/ui/alert";
import { requireAdmin } from "@/lib/auth/session";
import { connectionById, connectionFormValues } from "@/lib/gateway/connections";
import { storeOrigin } from "@/lib/http/origin";
import { isUuid } from "@/lib/uuid";

export const metadata: Metadata = { title: "LMS connection" };

export default async function ConnectionPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ created?: string }> }) {
  await requireAdmin();
  const [{ id }, { created }] = await Promise.all([params, searchParams]);
  const connection = isUuid(id) ? await connectionById(getDb(), id) : null;
  if (!connection) notFound();
  return (
    <div className="max-w-3xl space-y-6">
      <div>
        <Link href="/admin/gateway" className="text-sm font-medium text-brand-800 hover:underline">
          LMS connections
        </Link>
        <h1 className="mt-1 text-3xl font-bold tracking-tight text-slate-900">{connection.name}</h1>
      </div>
      {created === "1" && <Alert tone="success">Connection created. Paste the endpoint below into the LMS.</Alert>}
      <EndpointUrl url={`${await storeOrigin()}/gateway/${connection.slug}/enrol`} />
      <ConnectionForm key={connection.updatedAt.toISOString()} connectionId={connection.id} initial={connectionFormValues(connection)} hasApiKey />
    </div>
  );
}
