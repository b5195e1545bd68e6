import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/db/client";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { requireAdmin } from "@/lib/auth/session";
import { describePrice } from "@/lib/subscriptions/describe";
import { listProductsForAdmin } from "@/lib/subscriptions/editor";

export const metadata: Metadata = { title: "Memberships and payment plans" };

export default async function MembershipsPage() {
  await requireAdmin();
  const products = await listProductsForAdmin(getDb());
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-3xl font-bold tracking-tight text-slate-900">Memberships and payment plans</h1>
          <p className="mt-1 text-sm text-slate-600">What buyers can subscribe to. Their subscriptions are under Subscriptions.</p>
        </div>
        <ButtonLink href="/admin/memberships/new">New membership or plan</ButtonLink>
      </div>
      {products.length === 0 ? (
        <EmptyState title="Nothing to subscribe to yet" action={<ButtonLink href="/admin/memberships/new">Create one</ButtonLink>}>
          A membership opens courses while paid; a payment plan spreads one course over several payments.
        </EmptyState>
      ) : (
        <ul className="grid gap-4 sm:grid-cols-2">
          {products.map((p) => (
            <li key={p.id} className="rounded-xl border border-slate-200 bg-white p-5">
              <div className="flex flex-wrap gap-2">
                <Badge tone="brand">{p.kind === "membership" ? "Membership" : "Payment plan"}</Badge>
                {p.published ? <Badge tone="green">Published</Badge> : <Badge>Draft</Badge>}
              </div>
              <h2 className="mt-2 font-semibold text-slate-900">
                <Link href={`/admin/memberships/${p.id}`} className="hover:underline">
                  {p.name}
                </Link>
              </h2>
              <ul className="mt-1 text-sm text-slate-700">
                {p.prices.map((price) => (
                  <li key={price.currency}>
                    {describePrice({ ...p, ...price }).headline} <span className="text-slate-500">(version {price.version})</span>
                  </li>
                ))}
              </ul>
              <p className="mt-1 text-sm text-slate-600">{p.subscribers} running subscription(s)</p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
