import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { DateTime } from "@/components/admin/date-time";
import { Badge } from "@/components/ui/badge";
import { requireUser } from "@/lib/auth/session";
import { formatMoney, money } from "@/lib/money";
import { subscriptionReceipt } from "@/lib/subscriptions/receipts";
import { isUuid } from "@/lib/uuid";

export const metadata: Metadata = { title: "Payment receipt" };

const STATUS = { completed: ["Paid", "green"], partially_refunded: ["Partly refunded", "amber"], refunded: ["Refunded", "neutral"], reversed: ["Reversed", "neutral"], declined: ["Declined", "red"] } as const;

/** A receipt for one payment of the buyer's own subscription (anyone else gets a 404). */
export default async function SubscriptionReceiptPage({ params }: { params: Promise<{ id: string; paymentId: string }> }) {
  const { id, paymentId } = await params;
  const user = await requireUser(`/my/subscriptions/${id}/payments/${paymentId}`);
  if (!isUuid(id) || !isUuid(paymentId)) notFound();
  const receipt = await subscriptionReceipt(getDb(), user.id, id, paymentId);
  if (!receipt) notFound();
  const { payment } = receipt;
  const amount = (minor: number) => formatMoney(money(minor, payment.currency));
  const [label, tone] = STATUS[payment.status];
  return (
    <div className="mx-auto max-w-xl">
      <Link href="/my/subscriptions" className="text-sm font-medium text-brand-800 hover:underline">
        ← My subscriptions
      </Link>
      <article className="mt-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <div className="flex flex-wrap items-start justify-between gap-3">
          <h1 className="text-2xl font-bold text-slate-900">Receipt</h1>
          <Badge tone={tone}>{label}</Badge>
        </div>
        <dl className="mt-5 grid gap-x-6 gap-y-3 text-sm sm:grid-cols-2">
          <div>
            <dt className="font-medium text-slate-700">For</dt>
            <dd className="text-slate-900">{receipt.productName}</dd>
          </div>
          <div>
            <dt className="font-medium text-slate-700">Amount</dt>
            <dd className="text-lg font-semibold text-slate-900">{amount(payment.grossMinor)}</dd>
          </div>
          <div>
            <dt className="font-medium text-slate-700">Date</dt>
            <dd className="text-slate-900"><DateTime value={payment.paidAt} /></dd>
          </div>
          <div>
            <dt className="font-medium text-slate-700">Paid by</dt>
            <dd className="text-slate-900">{receipt.buyer.name} · {receipt.buyer.email}</dd>
          </div>
          <div>
            <dt className="font-medium text-slate-700">PayPal transaction</dt>
            <dd className="break-all font-mono text-xs text-slate-900">{payment.providerPaymentId}</dd>
          </div>
          <div>
            <dt className="font-medium text-slate-700">PayPal subscription</dt>
            <dd className="break-all font-mono text-xs text-slate-900">{receipt.providerSubscriptionId}</dd>
          </div>
          {payment.refundedMinor > 0 && (
            <div>
              <dt className="font-medium text-slate-700">Refunded</dt>
              <dd className="text-slate-900">{amount(payment.refundedMinor)}</dd>
            </div>
          )}
        </dl>
        <p className="mt-6 text-xs text-slate-600">Coursepay — paid through PayPal. Keep this page as your receipt; it stays available here.</p>
      </article>
    </div>
  );
}
