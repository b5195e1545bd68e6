import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { AdminTable } from "@/components/admin/admin-table";
import { DateTime } from "@/components/admin/date-time";
import { EndpointForm } from "@/components/admin/endpoint-form";
import { ActionButton } from "@/components/forms/action-button";
import { Badge } from "@/components/ui/badge";
import { requireAdmin } from "@/lib/auth/session";
import { isUuid } from "@/lib/uuid";
import { endpointById, recentDeliveries } from "@/lib/webhooks/endpoints";
import { testEndpointAction } from "../actions";

export const metadata: Metadata = { title: "Webhook endpoint" };

export default async function EndpointPage({ params }: { params: Promise<{ id: string }> }) {
  await requireAdmin();
  const { id } = await params;
  const db = getDb();
  const endpoint = isUuid(id) ? await endpointById(db, id) : null;
  if (!endpoint) notFound();
  const deliveries = await recentDeliveries(db, endpoint.id);
  return (
    <div className="space-y-6">
      <div>
        <Link href="/admin/webhooks" className="text-sm font-medium text-brand-800 hover:underline">
          Webhooks
        </Link>
        <h1 className="mt-1 break-all text-2xl font-bold tracking-tight text-slate-900">{endpoint.url}</h1>
      </div>
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="lg:col-span-2">
          <EndpointForm key={endpoint.updatedAt.toISOString()} endpointId={endpoint.id} initial={{ url: endpoint.url, description: endpoint.description, eventTypes: endpoint.eventTypes, enabled: endpoint.enabled }} />
        </div>
        <section aria-labelledby="test-heading" className="h-fit rounded-xl border border-slate-200 bg-white p-5">
          <h2 id="test-heading" className="text-lg font-semibold text-slate-900">
            Send a test event
          </h2>
          <p className="mb-4 mt-1 text-sm text-slate-600">Delivers a signed <code>webhook.test</code> event now and shows the answer.</p>
          <ActionButton action={testEndpointAction} fields={{ id: endpoint.id }} label="Send test event" pendingLabel="Sending…" variant="secondary" />
        </section>
      </div>
      <section aria-labelledby="deliveries-heading" className="space-y-3">
        <h2 id="deliveries-heading" className="text-lg font-semibold text-slate-900">
          Delivery attempts
        </h2>
        {deliveries.length === 0 ? (
          <p className="text-sm text-slate-600">No delivery yet: events appear here as they are sent, each attempt on its own line.</p>
        ) : (
          <AdminTable
            label="Delivery attempts"
            caption="The newest delivery attempts to this endpoint"
            columns={[{ label: "When" }, { label: "Event" }, { label: "Status" }, { label: "Time", align: "right" }, { label: "Answer" }]}
          >
            {deliveries.map((d) => (
              <tr key={d.id}>
                <td className="whitespace-nowrap px-4 py-2">
                  <DateTime value={d.createdAt} />
                </td>
                <td className="px-4 py-2">
                  <span className="font-mono">{d.eventType}</span>
                  <span className="block break-all font-mono text-xs text-slate-600">{d.messageId}</span>
                </td>
                <td className="px-4 py-2">
                  <Badge tone={d.httpStatus && d.httpStatus < 300 ? "green" : "red"}>{d.httpStatus ?? "no answer"}</Badge>
                </td>
                <td className="whitespace-nowrap px-4 py-2 text-right">{d.durationMs} ms</td>
                <td className="break-all px-4 py-2 font-mono text-xs text-slate-700">{d.error ?? d.responseExcerpt ?? ""}</td>
              </tr>
            ))}
          </AdminTable>
        )}
      </section>
    </div>
  );
}
