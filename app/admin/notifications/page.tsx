import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db/client";
import { AdminTable } from "@/components/admin/admin-table";
import { DateTime } from "@/components/admin/date-time";
import { Pager } from "@/components/admin/pager";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { IPN_STATES, listIpnInbox, type IpnState } from "@/lib/admin/ipn-inbox";
import { requireAdmin } from "@/lib/auth/session";
import { ipnLimits } from "@/lib/payments/ipn";
import { isUuid } from "@/lib/uuid";

export const metadata: Metadata = { title: "IPN inbox" };

const PAGE_SIZE = 50;

const params = z.object({
  state: z.enum(IPN_STATES).optional(),
  before: z.string().regex(/^[1-9]\d{0,15}$/).transform(Number).optional(),
});

const STATE_LABEL: Record<IpnState, { label: string; tone: "neutral" | "green" | "blue" | "amber" | "red" }> = {
  received: { label: "Awaiting validation", tone: "amber" },
  validating: { label: "Validating", tone: "blue" },
  verified: { label: "Verified by PayPal", tone: "green" },
  invalid: { label: "Invalid (not from PayPal)", tone: "red" },
  duplicate: { label: "Duplicate", tone: "neutral" },
};

const href = (query: { state?: IpnState; before?: number }) => {
  const search = new URLSearchParams(Object.entries(query).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])));
  return `/admin/notifications${search.size ? `?${search}` : ""}`;
};

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/**
 * Every IPN post as it arrived, whoever sent it: the inbox a store keeps before PayPal vouches for a message.
 * Verified messages also live on, permanently, with the order they concern.
 */
export default async function IpnInboxPage({ searchParams }: { searchParams: SearchParams }) {
  await requireAdmin();
  const parsed = params.safeParse(await searchParams);
  if (!parsed.success) notFound();
  const { state, before } = parsed.data;
  const { lines, next } = await listIpnInbox(getDb(), { state, before, limit: PAGE_SIZE });
  const { retentionDays } = ipnLimits();

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-3xl font-bold tracking-tight text-slate-900">IPN inbox</h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          Every legacy IPN message posted to the store, newest first, before and after PayPal validated it. Only verified messages are acted on and
          kept for good (on their order&apos;s page); the others are deleted after {retentionDays} days. Times are UTC.
        </p>
      </div>

      <nav aria-label="Filter by state" className="flex flex-wrap gap-2 text-sm">
        {[undefined, ...IPN_STATES].map((s) => (
          <Link
            key={s ?? "all"}
            href={href({ state: s })}
            aria-current={s === state ? "page" : undefined}
            className="rounded-full border border-slate-300 px-3 py-1 font-medium text-slate-700 hover:bg-slate-50 aria-[current=page]:border-brand-700 aria-[current=page]:bg-brand-50 aria-[current=page]:text-brand-800"
          >
            {s ? STATE_LABEL[s].label : "All"}
          </Link>
        ))}
      </nav>

      {lines.length === 0 ? (
        <EmptyState title={state ? "No messages in this state" : "No IPN messages yet"}>
          PayPal posts IPN messages to <code className="font-mono">/api/paypal/ipn</code> when payments change; they appear here as they arrive.
        </EmptyState>
      ) : (
        <AdminTable
          label="IPN messages"
          caption="IPN messages, newest first"
          columns={[{ label: "Received" }, { label: "From" }, { label: "Transaction" }, { label: "State" }, { label: "Order" }, { label: "Variables" }]}
        >
          {lines.map((line) => (
            <tr key={line.id} className="align-top">
              <td className="whitespace-nowrap px-4 py-3 text-slate-700">
                <DateTime value={line.receivedAt} />
              </td>
              <td className="px-4 py-3 font-mono text-xs text-slate-700">{line.ip}</td>
              <td className="px-4 py-3 text-slate-900">
                <span className="font-mono text-xs">{line.fields.txn_id ?? "—"}</span>
                <div className="text-xs text-slate-600">{line.fields.payment_status ?? line.fields.txn_type ?? ""}</div>
              </td>
              <td className="px-4 py-3">
                <Badge tone={STATE_LABEL[line.state].tone}>{STATE_LABEL[line.state].label}</Badge>
                {line.attempts > 1 && <div className="mt-1 text-xs text-slate-600">{line.attempts} post-backs</div>}
              </td>
              <td className="px-4 py-3">
                {line.state === "verified" && isUuid(line.fields.custom) ? (
                  <Link href={`/admin/transactions/${line.fields.custom}`} className="font-medium text-brand-800 hover:underline">
                    Order <span className="font-mono text-xs">{line.fields.custom!.slice(0, 8)}</span>
                  </Link>
                ) : (
                  <span className="font-mono text-xs text-slate-600">{line.fields.custom || "—"}</span>
                )}
              </td>
              <td className="px-4 py-3">
                <details>
                  <summary className="cursor-pointer text-xs font-medium text-brand-800">{Object.keys(line.fields).length} variables</summary>
                  <dl className="mt-2 space-y-0.5 text-xs text-slate-700">
                    {Object.entries(line.fields).map(([key, value]) => (
                      <div key={key}>
                        <dt className="inline font-semibold text-slate-900">{key}:</dt> <dd className="inline break-all">{value}</dd>
                      </div>
                    ))}
                  </dl>
                </details>
              </td>
            </tr>
          ))}
        </AdminTable>
      )}

      <Pager newest={before ? href({ state }) : null} older={next ? href({ state, before: next }) : null} noun="messages" />
    </div>
  );
}
