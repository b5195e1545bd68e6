import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/db/client";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { requireAdmin } from "@/lib/auth/session";
import { listConnections } from "@/lib/gateway/connections";
import { storeOrigin } from "@/lib/http/origin";

export const metadata: Metadata = { title: "LMS connections" };

/** LMSs that send their learners here to pay for classes hosted there (the external-enrolment gateway). */
export default async function ConnectionsPage() {
  await requireAdmin();
  const [connections, origin] = await Promise.all([listConnections(getDb()), storeOrigin()]);
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-3xl font-bold tracking-tight text-slate-900">LMS connections</h1>
          <p className="mt-1 max-w-3xl text-sm text-slate-600">
            Sell classes hosted in another LMS: its “Join now” sends the learner here with a signed token, they pay with PayPal or a card, and the store
            enrols them through the LMS&apos;s API and sends them back.
          </p>
        </div>
        <ButtonLink href="/admin/gateway/new">New connection</ButtonLink>
      </div>
      {connections.length === 0 ? (
        <EmptyState title="No LMS connected">Create a connection with the LMS&apos;s public key and API key to start selling its classes.</EmptyState>
      ) : (
        <ul className="space-y-3">
          {connections.map((c) => (
            <li key={c.id} className="rounded-xl border border-slate-200 bg-white p-4">
              <div className="flex flex-wrap items-center gap-2">
                <Link href={`/admin/gateway/${c.id}`} className="text-lg font-semibold text-brand-800 hover:underline">
                  {c.name}
                </Link>
                {c.enabled ? <Badge tone="green">enabled</Badge> : <Badge>disabled</Badge>}
              </div>
              <p className="mt-1 break-all font-mono text-xs text-slate-700">{`${origin}/gateway/${c.slug}/enrol`}</p>
              <p className="mt-1 text-sm text-slate-600">
                Audience <span className="font-mono">{c.audience}</span> · returns to {c.redirectOrigins.join(", ")}
              </p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
