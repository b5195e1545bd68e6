import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { DateTime } from "@/components/admin/date-time";
import { RawMessages } from "@/components/admin/raw-messages";
import { ConfirmButton } from "@/components/forms/confirm-button";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { requireAdmin } from "@/lib/auth/session";
import { formatMoney, money } from "@/lib/money";
import { ADMIN_ACTION_DONE, findSubscriptionForAdmin } from "@/lib/subscriptions/admin";
import { describePrice, STATUS_TEXT } from "@/lib/subscriptions/describe";
import { isUuid } from "@/lib/uuid";
import { subscriptionAdminAction } from "./actions";

export const metadata: Metadata = { title: "Subscription" };

const LOST = "The connection dropped before PayPal's answer arrived, so we cannot tell whether this happened. Reload the page to see the subscription's current state.";

export default async function SubscriptionPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ done?: string }> }) {
  await requireAdmin();
  const { id } = await params;
  if (!isUuid(id)) notFound();
  const detail = await findSubscriptionForAdmin(getDb(), id);
  if (!detail) notFound();
  const { row, buyer, payments, events, terms } = detail;
  const done = (await searchParams).done;
  const status = STATUS_TEXT[row.status];
  const amount = (minor: number) => formatMoney(money(minor, terms.currency));
  const running = row.status === "active" || row.status === "suspended";
  const refundable = payments.some((p) => p.status === "completed");

  return (
    <div className="space-y-8">
      <div>
        <Link href="/admin/subscriptions" className="text-sm font-medium text-brand-800 hover:underline">
          ← Subscriptions
        </Link>
        <div className="mt-2 flex flex-wrap items-center gap-3">
          <h1 className="text-3xl font-bold tracking-tight text-slate-900">
            {detail.productName} <span className="text-lg font-medium text-slate-600">for {buyer.name}</span>
          </h1>
          <Badge tone={status.tone}>{status.label}</Badge>
        </div>
      </div>
      {done && Object.hasOwn(ADMIN_ACTION_DONE, done) && <Alert tone="success">{ADMIN_ACTION_DONE[done as keyof typeof ADMIN_ACTION_DONE]}</Alert>}
      {row.attentionReason && (
        <Alert tone="error" title="Needs attention">
          {row.attentionReason}
        </Alert>
      )}

      <section aria-labelledby="summary-heading" className="rounded-xl border border-slate-200 bg-white p-5">
        <h2 id="summary-heading" className="mb-4 text-lg font-semibold text-slate-900">
          Summary
        </h2>
        <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-3">
          <Fact term="Buyer">{buyer.name} · {buyer.email}</Fact>
          <Fact term="Price">{describePrice(terms).headline} (price version {detail.priceVersion})</Fact>
          <Fact term="Setup fee">{terms.setupFeeMinor > 0 ? amount(terms.setupFeeMinor) : "none"}</Fact>
          <Fact term="Our subscription id" mono>{row.id}</Fact>
          <Fact term="PayPal subscription id" mono>{row.providerSubscriptionId ?? "—"}</Fact>
          <Fact term="Started"><DateTime value={row.createdAt} /></Fact>
          <Fact term="Paid through">{row.paidThrough ? <DateTime value={row.paidThrough} /> : "—"}</Fact>
          <Fact term="Next billing">{row.nextBillingAt ? <DateTime value={row.nextBillingAt} /> : "—"}</Fact>
          <Fact term="Failed payments">{row.failedPayments}{row.outstandingMinor > 0 ? ` · owed ${amount(row.outstandingMinor)}` : ""}</Fact>
          {terms.kind === "plan" && <Fact term="Instalments paid">{row.instalmentsPaid} of {terms.instalments}</Fact>}
        </dl>
      </section>

      <section aria-labelledby="payments-heading" className="rounded-xl border border-slate-200 bg-white p-5">
        <h2 id="payments-heading" className="mb-4 text-lg font-semibold text-slate-900">
          Payments
        </h2>
        {payments.length === 0 ? (
          <p className="text-sm text-slate-600">No payment yet.</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="min-w-full text-left text-sm">
              <thead className="text-slate-600">
                <tr>
                  <th scope="col" className="py-1 pr-4 font-semibold">Date</th>
                  <th scope="col" className="py-1 pr-4 font-semibold">Gross</th>
                  <th scope="col" className="py-1 pr-4 font-semibold">Fee</th>
                  <th scope="col" className="py-1 pr-4 font-semibold">Status</th>
                  <th scope="col" className="py-1 pr-4 font-semibold">PayPal transaction</th>
                  <th scope="col" className="py-1 font-semibold">Raw variables</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {payments.map((p) => (
                  <tr key={p.id}>
                    <td className="py-1.5 pr-4"><DateTime value={p.paidAt} /></td>
                    <td className="py-1.5 pr-4">{amount(p.grossMinor)}</td>
                    <td className="py-1.5 pr-4">{p.feeMinor === null ? "—" : amount(p.feeMinor)}</td>
                    <td className="py-1.5 pr-4">{p.status}{p.refundedMinor > 0 ? ` (refunded ${amount(p.refundedMinor)})` : ""}</td>
                    <td className="py-1.5 pr-4 font-mono text-xs">{p.providerPaymentId}</td>
                    <td className="py-1.5">
                      <details>
                        <summary className="cursor-pointer text-brand-800">Show</summary>
                        <pre tabIndex={0} aria-label={`Raw variables of PayPal transaction ${p.providerPaymentId}`} className="mt-1 max-w-md overflow-auto rounded bg-slate-900 p-2 text-xs text-slate-100">
                          {JSON.stringify(p.raw, null, 2)}
                        </pre>
                      </details>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {(running || refundable) && (
        <section aria-labelledby="actions-heading" className="rounded-xl border border-slate-200 bg-white p-5">
          <h2 id="actions-heading" className="mb-4 text-lg font-semibold text-slate-900">
            Actions at PayPal
          </h2>
          <div className="grid gap-4 sm:grid-cols-3">
            {running && (
              <ConfirmButton
                action={subscriptionAdminAction}
                fields={{ subscriptionId: row.id, action: "cancel" }}
                label="Cancel subscription"
                title="Cancel this subscription?"
                text="PayPal takes no more payments. The buyer keeps access until the end of the period they paid for. This cannot be undone."
                confirmLabel="Cancel it"
                pendingLabel="Cancelling…"
                lostAnswer={LOST}
              />
            )}
            {row.status === "active" && (
              <ConfirmButton
                action={subscriptionAdminAction}
                fields={{ subscriptionId: row.id, action: "suspend" }}
                label="Suspend"
                title="Suspend this subscription?"
                text="PayPal stops billing and the buyer loses access at once, until the subscription is activated again at PayPal."
                confirmLabel="Suspend it"
                pendingLabel="Suspending…"
                lostAnswer={LOST}
              />
            )}
            {refundable && (
              <ConfirmButton
                action={subscriptionAdminAction}
                fields={{ subscriptionId: row.id, action: "refund_last" }}
                label="Refund last payment…"
                title="Refund the last payment?"
                text="The whole last payment goes back to the buyer through PayPal, and the access it paid for ends now. This cannot be undone."
                confirmLabel="Refund it"
                pendingLabel="Refunding…"
                lostAnswer={LOST}
              />
            )}
          </div>
        </section>
      )}

      <RawMessages events={events} provider="PayPal" subject="this subscription" />
    </div>
  );
}

function Fact({ term, mono, children }: { term: string; mono?: boolean; children: React.ReactNode }) {
  return (
    <div>
      <dt className="font-medium text-slate-700">{term}</dt>
      <dd className={mono ? "break-all font-mono text-xs text-slate-900" : "text-slate-900"}>{children}</dd>
    </div>
  );
}
