import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/db/client";
import { DateTime } from "@/components/admin/date-time";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { requireAdmin } from "@/lib/auth/session";
import { formatMoney, money } from "@/lib/money";
import { countSubscriptionTabs, listSubscriptionsForAdmin, SUBSCRIPTION_TABS, type SubscriptionTab } from "@/lib/subscriptions/admin";
import { STATUS_TEXT } from "@/lib/subscriptions/describe";

export const metadata: Metadata = { title: "Subscriptions" };

const TAB_LABELS: Record<SubscriptionTab, string> = { active: "Active", suspended: "Suspended", ended: "Cancelled and ended" };

export default async function SubscriptionsPage({ searchParams }: { searchParams: Promise<{ tab?: string; q?: string }> }) {
  await requireAdmin();
  const params = await searchParams;
  const tab: SubscriptionTab = params.tab && Object.hasOwn(SUBSCRIPTION_TABS, params.tab) ? (params.tab as SubscriptionTab) : "active";
  const q = params.q?.slice(0, 200);
  const db = getDb();
  const [rows, counts] = await Promise.all([listSubscriptionsForAdmin(db, { tab, q }), countSubscriptionTabs(db)]);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-3xl font-bold tracking-tight text-slate-900">Subscriptions</h1>
        <p className="mt-1 text-sm text-slate-600">
          Memberships and payment plans, newest first. Their payments are not orders: one-off checkouts are under{" "}
          <Link href="/admin/transactions" className="font-medium text-brand-800 underline">
            Transactions
          </Link>
          .
        </p>
      </div>
      <nav aria-label="Subscription status" className="flex gap-2 overflow-x-auto border-b border-slate-200">
        {(Object.keys(SUBSCRIPTION_TABS) as SubscriptionTab[]).map((t) => (
          <Link
            key={t}
            href={`/admin/subscriptions?tab=${t}${q ? `&q=${encodeURIComponent(q)}` : ""}`}
            aria-current={t === tab ? "page" : undefined}
            className="-mb-px flex shrink-0 items-center gap-2 whitespace-nowrap border-b-2 border-transparent px-4 py-2 text-sm font-semibold text-slate-600 hover:text-slate-900 aria-[current=page]:border-brand-700 aria-[current=page]:text-brand-800"
          >
            {TAB_LABELS[t]}
            <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-bold text-slate-700">{counts[t]}</span>
          </Link>
        ))}
      </nav>
      <form method="get" role="search" aria-label="Find subscriptions" className="flex flex-wrap items-end gap-3">
        <input type="hidden" name="tab" value={tab} />
        <label className="text-sm font-medium text-slate-800">
          Buyer or PayPal subscription id
          <input name="q" defaultValue={q} className="mt-1 block w-72 rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm" />
        </label>
        <button type="submit" className="rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm font-semibold">
          Search
        </button>
      </form>
      {rows.length === 0 ? (
        <EmptyState title={`No ${TAB_LABELS[tab].toLowerCase()} subscriptions`}>{q ? "Nothing matches this search." : "They appear here as buyers subscribe."}</EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white">
          <table className="min-w-full text-sm">
            <caption className="sr-only">{TAB_LABELS[tab]} subscriptions</caption>
            <thead className="bg-slate-50 text-left text-slate-600">
              <tr>
                <th scope="col" className="px-4 py-2 font-semibold">Buyer</th>
                <th scope="col" className="px-4 py-2 font-semibold">Product</th>
                <th scope="col" className="px-4 py-2 font-semibold">Amount</th>
                <th scope="col" className="px-4 py-2 font-semibold">Status</th>
                <th scope="col" className="px-4 py-2 font-semibold">Paid through</th>
                <th scope="col" className="px-4 py-2 font-semibold">Started</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((r) => (
                <tr key={r.id}>
                  <td className="px-4 py-2">
                    <Link href={`/admin/subscriptions/${r.id}`} className="font-medium text-brand-800 hover:underline">
                      {r.buyerName}
                    </Link>
                    <div className="text-xs text-slate-600">{r.buyerEmail}</div>
                  </td>
                  <td className="px-4 py-2">{r.productName}</td>
                  <td className="px-4 py-2">{formatMoney(money(r.amountMinor, r.currency))}</td>
                  <td className="px-4 py-2">
                    <Badge tone={STATUS_TEXT[r.status].tone}>{STATUS_TEXT[r.status].label}</Badge>
                    {r.failedPayments > 0 && <div className="mt-1 text-xs text-amber-900">{r.failedPayments} failed payment(s)</div>}
                    {r.attentionReason && <div className="mt-1 text-xs text-red-800">Needs attention</div>}
                  </td>
                  <td className="px-4 py-2">{r.paidThrough ? <DateTime value={r.paidThrough} /> : "—"}</td>
                  <td className="px-4 py-2"><DateTime value={r.createdAt} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
