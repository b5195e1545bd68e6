import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/db/client";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { requireAdmin } from "@/lib/auth/session";
import { listEndpoints } from "@/lib/webhooks/endpoints";

export const metadata: Metadata = { title: "Webhooks (outgoing)" };

/** Endpoints that receive the store's events, signed per the Standard Webhooks specification. */
export default async function WebhooksPage() {
  await requireAdmin();
  const endpoints = await listEndpoints(getDb());
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-3xl font-bold tracking-tight text-slate-900">Webhooks (outgoing)</h1>
          <p className="mt-1 max-w-3xl text-sm text-slate-600">
            Tell other systems what happens in the store: payments, refunds, enrolments, subscriptions. Each event is signed with the endpoint&apos;s
            secret (Standard Webhooks), sent after the change is saved, and retried with growing delays until the endpoint accepts it.
          </p>
        </div>
        <ButtonLink href="/admin/webhooks/new">New endpoint</ButtonLink>
      </div>
      {endpoints.length === 0 ? (
        <EmptyState title="No endpoint yet">Add an endpoint to receive events such as order.completed and enrollment.granted.</EmptyState>
      ) : (
        <ul className="space-y-3">
          {endpoints.map((e) => (
            <li key={e.id} className="rounded-xl border border-slate-200 bg-white p-4">
              <div className="flex flex-wrap items-center gap-2">
                <Link href={`/admin/webhooks/${e.id}`} className="break-all font-mono text-sm font-semibold text-brand-800 hover:underline">
                  {e.url}
                </Link>
                {e.enabled ? <Badge tone="green">enabled</Badge> : <Badge>disabled</Badge>}
              </div>
              {e.description && <p className="mt-1 text-sm text-slate-700">{e.description}</p>}
              <p className="mt-1 text-xs text-slate-600">{e.eventTypes.join(", ")}</p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
