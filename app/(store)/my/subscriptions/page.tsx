import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/db/client";
import { cancelMySubscriptionAction } from "@/app/(store)/subscriptions/actions";
import { DateTime } from "@/components/admin/date-time";
import { ConfirmButton } from "@/components/forms/confirm-button";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { requireUser } from "@/lib/auth/session";
import { formatMoney, money } from "@/lib/money";
import { paymentDeps } from "@/lib/payments/runtime";
import { describePrice, STATUS_TEXT } from "@/lib/subscriptions/describe";
import { SUBSCRIPTION_MESSAGES } from "@/lib/subscriptions/messages";
import { listMySubscriptions, type MySubscription } from "@/lib/subscriptions/queries";

export const metadata: Metadata = { title: "My subscriptions" };

const ARRIVALS = {
  started: { tone: "success", text: "Subscribed. Your courses are open — find them in My courses." },
  cancelled: { tone: "info", text: "You went back from PayPal before subscribing. Nothing was charged." },
  unknown: { tone: "warning", text: "We could not confirm that subscription yet. If you approved it at PayPal, it appears here within a minute." },
  ended: { tone: "success", text: "Cancelled. No more payments will be taken; you keep access until the end of the period you paid for." },
} as const;

const PAYMENT_STATUS = { completed: "Paid", partially_refunded: "Partly refunded", refunded: "Refunded", reversed: "Reversed", declined: "Declined" } as const;

export default async function MySubscriptionsPage({ searchParams }: { searchParams: Promise<{ subscription?: string }> }) {
  const user = await requireUser("/my/subscriptions");
  const subscriptions = await listMySubscriptions(getDb(), user.id);
  const arrival = (await searchParams).subscription;
  const notice = arrival && Object.hasOwn(ARRIVALS, arrival) ? ARRIVALS[arrival as keyof typeof ARRIVALS] : null;
  const autopayUrl = subscriptions.some((s) => s.failedPayments > 0) ? (await paymentDeps()).env.autopayUrl : null;
  return (
    <div>
      <h1 className="text-3xl font-bold tracking-tight text-slate-900">My subscriptions</h1>
      {notice && (
        <div className="mt-6">
          <Alert tone={notice.tone}>{notice.text}</Alert>
        </div>
      )}
      {subscriptions.length === 0 ? (
        <div className="mt-8">
          <EmptyState title="You have no subscriptions" action={<ButtonLink href="/">See memberships and payment plans</ButtonLink>}>
            A membership opens every course while you subscribe; a payment plan spreads one course over several payments.
          </EmptyState>
        </div>
      ) : (
        <ul className="mt-8 space-y-6">
          {subscriptions.map((s) => (
            <SubscriptionCard key={s.id} subscription={s} autopayUrl={autopayUrl} />
          ))}
        </ul>
      )}
    </div>
  );
}

function SubscriptionCard({ subscription: s, autopayUrl }: { subscription: MySubscription; autopayUrl: string | null }) {
  const status = STATUS_TEXT[s.status];
  const { headline } = describePrice(s.terms);
  const amount = (minor: number) => formatMoney(money(minor, s.terms.currency));
  const headingId = `subscription-${s.id}`;
  return (
    <li aria-labelledby={headingId} className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 id={headingId} className="text-lg font-semibold text-slate-900">
            <Link href={`/memberships/${s.productSlug}`} className="hover:underline">
              {s.productName}
            </Link>
          </h2>
          <p className="text-sm text-slate-600">{headline}</p>
          {s.providerSubscriptionId && <p className="font-mono text-xs text-slate-600">PayPal subscription {s.providerSubscriptionId}</p>}
        </div>
        <Badge tone={status.tone}>{status.label}</Badge>
      </div>

      {s.failedPayments > 0 && autopayUrl && (
        <div className="mt-4">
          <Alert tone="warning" title="Your last payment did not go through">
            {SUBSCRIPTION_MESSAGES.paymentFailed} {s.outstandingMinor > 0 && `Owed: ${amount(s.outstandingMinor)}. `}
            <a href={autopayUrl} className="font-semibold underline" target="_blank" rel="noreferrer">
              Update your payment method at PayPal
            </a>
          </Alert>
        </div>
      )}

      <dl className="mt-4 grid gap-x-6 gap-y-3 text-sm sm:grid-cols-3">
        {s.status === "active" && s.nextBillingAt && (
          <div>
            <dt className="font-medium text-slate-700">Next payment</dt>
            <dd className="text-slate-900">
              {amount(s.terms.amountMinor)} on <DateTime value={s.nextBillingAt} />
            </dd>
          </div>
        )}
        {s.paidThrough && s.status !== "completed" && (
          <div>
            <dt className="font-medium text-slate-700">{s.status === "active" ? "Paid through" : "Access until"}</dt>
            <dd className="text-slate-900">{s.status === "suspended" ? "Paused until your payment goes through" : <DateTime value={s.paidThrough} />}</dd>
          </div>
        )}
        {s.kind === "plan" && (
          <div>
            <dt className="font-medium text-slate-700">Payments made</dt>
            <dd className="text-slate-900">
              {s.instalmentsPaid} of {s.terms.instalments}
              {s.status === "completed" && " — the course is yours for good"}
            </dd>
          </div>
        )}
      </dl>

      <section aria-labelledby={`${headingId}-payments`} className="mt-5">
        <h3 id={`${headingId}-payments`} className="text-sm font-semibold text-slate-900">
          Payments
        </h3>
        {s.payments.length === 0 ? (
          <p className="mt-1 text-sm text-slate-600">No payment yet{s.terms.trialDays > 0 ? ": you are in your free trial." : "."}</p>
        ) : (
          <table className="mt-2 w-full text-left text-sm">
            <thead className="text-slate-600">
              <tr>
                <th scope="col" className="py-1 pr-3 font-medium">Date</th>
                <th scope="col" className="py-1 pr-3 font-medium">Amount</th>
                <th scope="col" className="py-1 pr-3 font-medium">Status</th>
                <th scope="col" className="py-1 pr-3 font-medium">Receipt</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {s.payments.map((p) => (
                <tr key={p.id}>
                  <td className="py-1.5 pr-3"><DateTime value={p.paidAt} /></td>
                  <td className="py-1.5 pr-3">{amount(p.grossMinor)}</td>
                  <td className="py-1.5 pr-3">{PAYMENT_STATUS[p.status]}{p.refundedMinor > 0 && p.status === "partially_refunded" ? ` (${amount(p.refundedMinor)})` : ""}</td>
                  <td className="py-1.5">
                    {p.status === "declined" ? (
                      <span className="text-slate-600">—</span>
                    ) : (
                      <Link href={`/my/subscriptions/${s.id}/payments/${p.id}`} className="font-medium text-brand-800 underline">
                        Receipt<span className="sr-only"> for the payment of {amount(p.grossMinor)}</span>
                      </Link>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {(s.status === "active" || s.status === "suspended") && (
        <div className="mt-5 max-w-xs">
          <ConfirmButton
            action={cancelMySubscriptionAction}
            fields={{ subscriptionId: s.id }}
            label={s.kind === "plan" ? "Stop the payment plan" : "Cancel subscription"}
            title={`Cancel ${s.productName}?`}
            text={
              s.kind === "plan"
                ? "No more payments will be taken. You keep access until the end of the period you paid for; the course is not yours for good unless every payment is made."
                : "No more payments will be taken. You keep access until the end of the period you paid for, then the courses close."
            }
            confirmLabel="Yes, cancel"
            pendingLabel="Cancelling…"
            lostAnswer="We lost the connection before PayPal answered, so we cannot tell whether it was cancelled. Reload this page to see."
          />
        </div>
      )}
    </li>
  );
}
