import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import type { OrderStatus, PaymentStatus } from "@/db/schema";
import { AutoRefresh } from "@/components/checkout/auto-refresh";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { Price } from "@/components/ui/price";
import { LmsOrderStatus } from "@/components/gateway/lms-order-status";
import { requireUser } from "@/lib/auth/session";
import { currentBrowserHash } from "@/lib/gateway/browser";
import { learnerOrder } from "@/lib/gateway/handoffs";
import { formatMoney, money, type Money } from "@/lib/money";
import { PROVIDER_LABEL } from "@/lib/payments/providers";
import { findReceipt } from "@/lib/payments/receipts";
import { isUuid } from "@/lib/uuid";

export const metadata: Metadata = { title: "Receipt" };

const HEADLINES: Record<OrderStatus, { title: string; text: string; tone: "green" | "amber" | "red" | "neutral" | "blue" }> = {
  completed: { title: "Payment received — you are enrolled", text: "Thank you! Your courses are ready in My courses.", tone: "green" },
  pending: { title: "Payment pending", text: "{provider} is holding this payment until it clears (this can take a few days for bank transfers). You will be enrolled automatically as soon as it completes; this page updates by itself.", tone: "amber" },
  approved: { title: "Confirming your payment", text: "You approved the payment at {provider} and we are confirming it. This page updates by itself.", tone: "blue" },
  created: { title: "Waiting for your approval at {provider}", text: "This checkout was started but not approved at {provider}. Nothing was charged.", tone: "neutral" },
  partially_refunded: { title: "Partially refunded", text: "Part of this order was refunded; the refunded courses are no longer in My courses.", tone: "amber" },
  refunded: { title: "Refunded", text: "This order was refunded in full. The courses are no longer in My courses.", tone: "neutral" },
  reversed: { title: "Payment reversed", text: "{provider} reversed this payment, so its courses are no longer available. Contact us if this is unexpected.", tone: "red" },
  failed: { title: "Payment failed", text: "This payment did not go through and no money was taken.", tone: "red" },
  cancelled: { title: "Checkout cancelled", text: "This checkout was cancelled; nothing was charged.", tone: "neutral" },
  expired: { title: "Checkout expired", text: "This checkout expired before it was paid; nothing was charged.", tone: "neutral" },
};

/** A pending capture has not taken the money yet, and a refused one never will. */
const amountLabel: Record<PaymentStatus, string | null> = {
  completed: "Amount charged",
  partially_refunded: "Amount charged",
  refunded: "Amount charged",
  reversed: "Amount charged",
  pending: "Amount pending",
  declined: null,
  failed: null,
};

export default async function ReceiptPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  // An LMS learner (no account) follows their order by their browser's gateway cookie.
  const browser = await currentBrowserHash();
  const lms = browser && isUuid(id) ? await learnerOrder(getDb(), browser, id) : null;
  if (lms) return <LmsOrderStatus {...lms} />;
  const user = await requireUser(`/orders/${id}`);
  if (!isUuid(id)) notFound();
  const receipt = await findReceipt(getDb(), user.id, id);
  if (!receipt) notFound();
  const { order, items, payment, total, refunds, netPaid } = receipt;
  // The wording names the provider the buyer paid with.
  const named = (text: string) => text.replaceAll("{provider}", PROVIDER_LABEL[order.provider]);
  const headline = { ...HEADLINES[order.status], title: named(HEADLINES[order.status].title), text: named(HEADLINES[order.status].text) };
  const paid = order.status === "completed" || order.status === "partially_refunded";
  const settling = order.status === "pending" || order.status === "approved";
  const placed = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(order.createdAt);

  return (
    <div className="mx-auto max-w-2xl">
      {settling && <AutoRefresh seconds={4} />}
      <div className="rounded-2xl border border-slate-200 bg-white p-8 shadow-sm">
        {/* The badge sits on the label line so the headline keeps the full width on a phone. */}
        <p className="flex items-center gap-2 text-sm text-slate-600">
          Receipt <Badge tone={headline.tone}>{order.status.replace("_", " ")}</Badge>
        </p>
        <h1 className="mt-2 text-2xl font-bold tracking-tight text-slate-900">{headline.title}</h1>
        <p role="status" className="mt-3 text-slate-700">
          {headline.text}
        </p>

        <h2 id="receipt-courses" className="mt-8 text-sm font-semibold uppercase tracking-wide text-slate-600">
          Courses
        </h2>
        <ul aria-labelledby="receipt-courses" className="mt-2 divide-y divide-slate-200 border-y border-slate-200">
          {items.map((item) => (
            <li key={item.courseId} className="flex items-center justify-between gap-4 py-3">
              <Link href={paid ? `/learn/${item.slug}` : `/courses/${item.slug}`} className="font-medium text-slate-900 hover:underline">
                {item.title}
              </Link>
              <Price amount={item.price} className="shrink-0 text-slate-700" />
            </li>
          ))}
        </ul>
        <TotalLine term="Total" amount={total} />

        {refunds.length > 0 && (
          <>
            <h2 id="receipt-refunds" className="mt-8 text-sm font-semibold uppercase tracking-wide text-slate-600">
              Refunds
            </h2>
            <ul aria-labelledby="receipt-refunds" className="mt-2 divide-y divide-slate-200 border-y border-slate-200 text-sm">
              {refunds.map((r) => (
                <li key={r.id} className="flex flex-wrap items-center justify-between gap-2 py-3">
                  <span className="text-slate-800">
                    {r.reversal ? "Reversed" : r.status === "completed" ? "Refunded" : `Refund ${r.status}`}
                    {r.courses.length > 0 && <> — {r.courses.join(", ")}</>}
                    <span className="text-slate-600"> · {new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" }).format(r.at)}</span>
                  </span>
                  <span className="font-medium text-slate-900">−{formatMoney(r.amount)}</span>
                </li>
              ))}
            </ul>
            <TotalLine term="Paid in the end" amount={netPaid} />
          </>
        )}

        <dl className="mt-8 grid gap-x-6 gap-y-3 text-sm sm:grid-cols-2">
          <div>
            <dt className="text-slate-600">Order number</dt>
            <dd className="break-all font-mono text-slate-900">{order.id}</dd>
          </div>
          <div>
            <dt className="text-slate-600">Placed</dt>
            <dd className="text-slate-900">{placed} UTC</dd>
          </div>
          <div>
            <dt className="text-slate-600">{PROVIDER_LABEL[order.provider]} {order.provider === "stripe" ? "session" : "order"} ID</dt>
            <dd className="break-all font-mono text-slate-900">{order.providerOrderId ?? "—"}</dd>
          </div>
          <div>
            <dt className="text-slate-600">{PROVIDER_LABEL[order.provider]} transaction ID</dt>
            <dd className="break-all font-mono text-slate-900">{payment?.providerCaptureId ?? "—"}</dd>
          </div>
          {payment && amountLabel[payment.status] && (
            <div>
              <dt className="text-slate-600">{amountLabel[payment.status]}</dt>
              <dd className="text-slate-900">
                <Price amount={money(payment.grossMinor, payment.currency)} />
              </dd>
            </div>
          )}
        </dl>

        <div className="mt-8 flex flex-wrap gap-3">
          {paid ? <ButtonLink href="/my/courses">Go to My courses</ButtonLink> : <ButtonLink href="/cart">Back to your cart</ButtonLink>}
          <ButtonLink href="/" variant="secondary">
            Continue browsing
          </ButtonLink>
        </div>
      </div>
    </div>
  );
}

function TotalLine({ term, amount }: { term: string; amount: Money }) {
  return (
    <dl className="mt-3 flex justify-between text-base font-bold text-slate-900">
      <dt>{term}</dt>
      <dd>
        <Price amount={amount} />
      </dd>
    </dl>
  );
}
