import type { Metadata } from "next";
import { EmailWarning } from "@/components/admin/email-warning";
import Link from "next/link";
import type { ReactNode } from "react";
import { getDb } from "@/db/client";
import { DateTime } from "@/components/admin/date-time";
import { OrderStatusBadge } from "@/components/admin/order-status-badge";
import { RevenueChart } from "@/components/admin/revenue-chart";
import { EmptyState } from "@/components/ui/empty-state";
import { Price } from "@/components/ui/price";
import { loadOverview } from "@/lib/admin/overview";
import { requireAdmin } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Admin" };

export default async function AdminOverviewPage() {
  // Layouts and pages render in parallel: the page checks too, so it never renders for a non-admin.
  await requireAdmin();
  const overview = await loadOverview(getDb());
  const window = `${overview.days[0]} – ${overview.days.at(-1)} (UTC)`;

  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-3xl font-bold tracking-tight text-slate-900">Overview</h1>
        <p className="mt-1 text-sm text-slate-600">The last 30 days: {window}.</p>
      </div>
      <EmailWarning />

      <dl className="grid gap-4 sm:grid-cols-3">
        <Stat label="Finished checkouts" href="/admin/transactions?tab=finished">
          {overview.finished.toLocaleString("en-US")}
        </Stat>
        <Stat label="Unfinished checkouts" href="/admin/transactions?tab=unfinished">
          {overview.unfinished.toLocaleString("en-US")}
        </Stat>
        <Stat label="Conversion (paid ÷ started)">{overview.conversion === null ? "—" : `${(overview.conversion * 100).toFixed(1)} %`}</Stat>
      </dl>

      <section aria-labelledby="revenue-heading" className="space-y-4">
        <h2 id="revenue-heading" className="text-xl font-semibold text-slate-900">
          Revenue per day <span className="text-sm font-normal text-slate-600">(captured, before refunds)</span>
        </h2>
        {overview.revenue.length === 0 ? (
          <EmptyState title="No revenue in the last 30 days">Completed PayPal payments appear here, one chart per currency.</EmptyState>
        ) : (
          <div className="grid gap-4 lg:grid-cols-2">
            {overview.revenue.map((series) => (
              <RevenueChart key={series.currency} series={series} />
            ))}
          </div>
        )}
      </section>

      <section aria-labelledby="failures-heading" className="space-y-4">
        <h2 id="failures-heading" className="text-xl font-semibold text-slate-900">
          Recent failures and orders needing attention
        </h2>
        {overview.failures.length === 0 ? (
          <p className="text-sm text-slate-600">Nothing failed and nothing needs attention in the last 30 days.</p>
        ) : (
          <ul className="divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white">
            {overview.failures.map((f) => (
              <li key={f.id} className="flex flex-wrap items-center gap-3 px-4 py-3 text-sm">
                <OrderStatusBadge status={f.status} />
                <Link href={`/admin/transactions/${f.id}`} className="font-medium text-brand-800 hover:underline">
                  <Price amount={f.total} /> · {f.buyerEmail}
                </Link>
                <span className="text-slate-600">{f.reason ?? "Payment declined or denied at PayPal"}</span>
                <span className="ml-auto text-slate-600">
                  <DateTime value={f.createdAt} />
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function Stat({ label, href, children }: { label: string; href?: string; children: ReactNode }) {
  return (
    <div className="rounded-xl border border-slate-200 bg-white p-5">
      <dt className="text-sm font-medium text-slate-600">{href ? <Link href={href} className="hover:underline">{label}</Link> : label}</dt>
      <dd className="mt-1 text-3xl font-bold text-slate-900">{children}</dd>
    </div>
  );
}
