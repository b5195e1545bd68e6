import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/db/client";
import { OrderStatusBadge } from "@/components/admin/order-status-badge";
import { ButtonLink } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Price } from "@/components/ui/price";
import { requireUser } from "@/lib/auth/session";
import { formatMoney } from "@/lib/money";
import { PROVIDER_LABEL } from "@/lib/payments/providers";
import { listBuyerOrders } from "@/lib/payments/receipts";
import { isUuid } from "@/lib/uuid";

export const metadata: Metadata = { title: "My orders" };

const when = (d: Date) => new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" }).format(d);

/** Every order the student placed, newest first: what it bought, how it stands, what was refunded, what it cost. */
export default async function MyOrdersPage({ searchParams }: { searchParams: Promise<{ before?: string; id?: string }> }) {
  const user = await requireUser("/my/orders");
  const { before, id } = await searchParams;
  const cursor = before && id && isUuid(id) && !Number.isNaN(Date.parse(before)) ? { createdAt: new Date(before), id } : undefined;
  const { orders, older } = await listBuyerOrders(getDb(), user.id, cursor);
  return (
    <div className="mx-auto max-w-3xl">
      <h1 className="text-3xl font-bold tracking-tight text-slate-900">My orders</h1>
      {orders.length === 0 ? (
        <div className="mt-8">
          <EmptyState title={cursor ? "No older orders" : "No orders yet"} action={<ButtonLink href={cursor ? "/my/orders" : "/"}>{cursor ? "Newest orders" : "Browse the catalog"}</ButtonLink>}>
            {cursor ? "You have seen every order." : "Courses you buy appear here with their receipts."}
          </EmptyState>
        </div>
      ) : (
        <ul className="mt-6 space-y-4">
          {orders.map(({ order, items, total, refunds, netPaid }) => (
            <li key={order.id}>
              <article aria-labelledby={`order-${order.id}`} className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <h2 id={`order-${order.id}`} className="text-base font-semibold text-slate-900">
                    {when(order.createdAt)} · <Price amount={total} /> <span className="font-normal text-slate-600">with {PROVIDER_LABEL[order.provider]}</span>
                  </h2>
                  <OrderStatusBadge status={order.status} />
                </div>
                {order.status === "pending" && <p className="mt-2 text-sm text-amber-900">{PROVIDER_LABEL[order.provider]} is clearing this payment; you are enrolled as soon as it completes.</p>}
                <ul className="mt-3 divide-y divide-slate-100 text-sm">
                  {items.map((item) => (
                    <li key={item.title} className="flex justify-between gap-4 py-1.5">
                      <span className="text-slate-900">{item.title}</span>
                      <Price amount={item.price} className="shrink-0 text-slate-700" />
                    </li>
                  ))}
                </ul>
                {refunds.length > 0 && (
                  <ul aria-label="Refunds" className="mt-3 space-y-1 rounded-lg bg-slate-50 p-3 text-sm">
                    {refunds.map((r) => (
                      <li key={r.id} className="text-slate-700">
                        {r.reversal ? "Reversed" : r.status === "completed" ? "Refunded" : `Refund ${r.status}`}: <span className="font-medium text-slate-900">{formatMoney(r.amount)}</span>
                        {r.courses.length > 0 && <> for {r.courses.join(", ")}</>} on {when(r.at)}
                      </li>
                    ))}
                    <li className="font-medium text-slate-900">Paid in the end: {formatMoney(netPaid)}</li>
                  </ul>
                )}
                <Link href={`/orders/${order.id}`} className="mt-3 inline-block text-sm font-medium text-brand-800 underline">
                  View receipt<span className="sr-only"> of the order of {when(order.createdAt)}</span>
                </Link>
              </article>
            </li>
          ))}
        </ul>
      )}
      {older && (
        <div className="mt-6">
          <ButtonLink href={`/my/orders?before=${encodeURIComponent(older.createdAt.toISOString())}&id=${older.id}`} variant="secondary">
            Older orders
          </ButtonLink>
        </div>
      )}
    </div>
  );
}
