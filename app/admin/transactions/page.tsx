import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/db/client";
import { orderStatus, paymentProvider } from "@/db/schema";
import { AdminTable } from "@/components/admin/admin-table";
import { DateTime } from "@/components/admin/date-time";
import { OrderStatusBadge, statusLabel } from "@/components/admin/order-status-badge";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { buttonClass } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Price } from "@/components/ui/price";
import {
  countTransactions,
  decodeCursor,
  encodeCursor,
  filterOptions,
  filterParams,
  listTransactions,
  parseTransactionFilter,
  TABS,
  type Tab,
  type TabCounts,
  type TransactionFilter,
} from "@/lib/admin/transactions";
import { requireAdmin } from "@/lib/auth/session";
import { PROVIDER_LABEL } from "@/lib/payments/providers";

export const metadata: Metadata = { title: "Transactions" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const TAB_LABELS: Record<Tab, string> = { finished: "Finished", unfinished: "Unfinished" };
const field = "mt-1 block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900";

export default async function TransactionsPage({ searchParams }: { searchParams: SearchParams }) {
  await requireAdmin();
  const params = await searchParams;
  const { filter, problems } = parseTransactionFilter(params);
  const after = decodeCursor(typeof params.after === "string" ? params.after : undefined);
  const before = after ? null : decodeCursor(typeof params.before === "string" ? params.before : undefined);
  const db = getDb();
  const [page, counts, options] = await Promise.all([listTransactions(db, filter, { after, before }), countTransactions(db, filter), filterOptions(db)]);
  const filtered = Boolean(filter.status || filter.currency || filter.course || filter.from || filter.to || filter.q);

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-3xl font-bold tracking-tight text-slate-900">Transactions</h1>
          <p className="mt-1 text-sm text-slate-600">Every checkout, newest first. Times are UTC.</p>
        </div>
        <a href={`/admin/transactions/export?${filterParams(filter)}`} className={buttonClass("secondary")} download>
          Export CSV
        </a>
      </div>

      <Tabs filter={filter} counts={counts} />

      <FilterForm filter={filter} options={options} filtered={filtered} />

      {problems.length > 0 && (
        <Alert tone="warning" title="Some filters were ignored">
          <ul className="list-disc pl-5">
            {problems.map((p) => (
              <li key={p.field}>
                {p.field}: {p.message}
              </li>
            ))}
          </ul>
        </Alert>
      )}

      {page.rows.length === 0 ? (
        <EmptyState title={filtered ? "No transactions match these filters" : `No ${TAB_LABELS[filter.tab].toLowerCase()} transactions yet`}>
          {filtered ? "Try a wider date range or clear the filters." : "Checkouts appear here as soon as a student starts paying."}
        </EmptyState>
      ) : (
        <AdminTable
          label="Transactions table"
          caption={`${TAB_LABELS[filter.tab]} transactions`}
          columns={[
            { label: "Date" },
            { label: "Buyer" },
            { label: "Courses" },
            { label: "Amount", align: "right" },
            { label: "Status" },
            { label: "Provider" },
            { label: "Provider order" },
            { label: "Capture" },
          ]}
        >
              {page.rows.map((row) => (
                <tr key={row.id} className="align-top hover:bg-slate-50">
                  <td className="whitespace-nowrap px-4 py-3">
                    <Link href={`/admin/transactions/${row.id}`} className="font-medium text-brand-800 hover:underline">
                      <DateTime value={row.createdAt} />
                    </Link>
                  </td>
                  <td className="px-4 py-3">
                    <div className="font-medium text-slate-900">{row.buyerName}</div>
                    <div className="text-slate-600">{row.buyerEmail}</div>
                  </td>
                  <td className="px-4 py-3 text-slate-700">{row.courses.join(", ")}</td>
                  <td className="whitespace-nowrap px-4 py-3 text-right font-medium text-slate-900">
                    <Price amount={row.total} />
                  </td>
                  <td className="px-4 py-3">
                    <div className="flex flex-wrap gap-1">
                      <OrderStatusBadge status={row.status} />
                      {row.needsAttention && <Badge tone="red">needs attention</Badge>}
                    </div>
                  </td>
                  <td className="px-4 py-3 text-slate-700">{PROVIDER_LABEL[row.provider]}</td>
                  <td className="px-4 py-3 font-mono text-xs text-slate-700">{row.providerOrderId ?? "—"}</td>
                  <td className="px-4 py-3 font-mono text-xs text-slate-700">{row.captureId ?? "—"}</td>
                </tr>
              ))}
        </AdminTable>
      )}

      {(page.newer || page.older) && (
        <nav aria-label="Pages" className="flex justify-between gap-4">
          {page.newer ? (
            <Link href={`/admin/transactions?${filterParams(filter, { before: encodeCursor(page.newer) })}`} className={buttonClass("secondary")}>
              ← Newer
            </Link>
          ) : (
            <span />
          )}
          {page.older && (
            <Link href={`/admin/transactions?${filterParams(filter, { after: encodeCursor(page.older) })}`} className={buttonClass("secondary")}>
              Older →
            </Link>
          )}
        </nav>
      )}
    </div>
  );
}

function Tabs({ filter, counts }: { filter: TransactionFilter; counts: TabCounts }) {
  return (
    <nav aria-label="Transaction status" className="flex gap-2 overflow-x-auto border-b border-slate-200">
      {(Object.keys(TABS) as Tab[]).map((tab) => {
        const { count, capped } = counts[tab];
        // Switching tabs keeps every filter but the status, which belongs to one tab.
        const href = `/admin/transactions?${filterParams({ ...filter, tab, status: filter.status && filter.tab === tab ? filter.status : undefined })}`;
        return (
          <Link
            key={tab}
            href={href}
            aria-current={filter.tab === tab ? "page" : undefined}
            className="-mb-px flex shrink-0 items-center gap-2 whitespace-nowrap border-b-2 border-transparent px-4 py-2 text-sm font-semibold text-slate-600 hover:text-slate-900 aria-[current=page]:border-brand-700 aria-[current=page]:text-brand-800"
          >
            {TAB_LABELS[tab]}
            <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-bold text-slate-700">
              {count.toLocaleString("en-US")}
              {capped ? "+" : ""}
            </span>
          </Link>
        );
      })}
      {/* Recurring payments live with their subscriptions; the tab leads there. */}
      <Link href="/admin/subscriptions" className="-mb-px flex shrink-0 items-center gap-2 whitespace-nowrap border-b-2 border-transparent px-4 py-2 text-sm font-semibold text-slate-600 hover:text-slate-900">
        Subscriptions
      </Link>
    </nav>
  );
}

function FilterForm({ filter, options, filtered }: { filter: TransactionFilter; options: { courses: { id: string; title: string }[]; currencies: string[] }; filtered: boolean }) {
  const statuses = orderStatus.enumValues.filter((s) => TABS[filter.tab].includes(s));
  return (
    <form method="get" action="/admin/transactions" role="search" aria-label="Filter transactions" className="grid gap-4 rounded-xl border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-6">
      <input type="hidden" name="tab" value={filter.tab} />
      <label className="text-sm font-medium text-slate-700 lg:col-span-2">
        Search
        <input
          type="search"
          name="q"
          defaultValue={filter.q ?? ""}
          placeholder="Buyer email, order id, PayPal or Stripe id"
          className={field}
        />
      </label>
      <FilterSelect label="Status" name="status" value={filter.status} all={`All ${filter.tab}`} options={statuses.map((s) => ({ value: s, label: statusLabel(s) }))} />
      <FilterSelect
        label="Provider"
        name="provider"
        value={filter.provider}
        all="All providers"
        options={paymentProvider.enumValues.map((p) => ({ value: p, label: PROVIDER_LABEL[p] }))}
      />
      <FilterSelect label="Currency" name="currency" value={filter.currency} all="All currencies" options={options.currencies.map((c) => ({ value: c, label: c }))} />
      <FilterSelect
        label="Course"
        name="course"
        value={filter.course}
        all="All courses"
        options={options.courses.map((c) => ({ value: c.id, label: c.title }))}
        className="lg:col-span-2"
      />
      <label className="text-sm font-medium text-slate-700">
        From
        <input type="date" name="from" defaultValue={filter.from ?? ""} className={field} />
      </label>
      <label className="text-sm font-medium text-slate-700">
        To
        <input type="date" name="to" defaultValue={filter.to ?? ""} className={field} />
      </label>
      <div className="flex items-end gap-2 lg:col-span-2 lg:justify-end">
        {filtered && (
          <Link href={`/admin/transactions?tab=${filter.tab}`} className={buttonClass("ghost")}>
            Clear filters
          </Link>
        )}
        <button type="submit" className={buttonClass("primary")}>
          Apply filters
        </button>
      </div>
    </form>
  );
}

function FilterSelect({
  label,
  name,
  value,
  all,
  options,
  className = "",
}: {
  label: string;
  name: string;
  value: string | undefined;
  /** The first choice, which applies no filter. */
  all: string;
  options: { value: string; label: string }[];
  className?: string;
}) {
  return (
    <label className={`text-sm font-medium text-slate-700 ${className}`}>
      {label}
      <select name={name} defaultValue={value ?? ""} className={field}>
        <option value="">{all}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
