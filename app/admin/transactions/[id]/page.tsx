import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { getDb } from "@/db/client";
import { DateTime } from "@/components/admin/date-time";
import { OrderStatusBadge } from "@/components/admin/order-status-badge";
import { RefundForm } from "@/components/admin/refund-form";
import { ActionButton } from "@/components/forms/action-button";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Price } from "@/components/ui/price";
import { RawMessages } from "@/components/admin/raw-messages";
import { VariablesTable } from "@/components/admin/variables-table";
import { findTransaction } from "@/lib/admin/transaction-detail";
import type { GatewayOrderDetail } from "@/lib/gateway/admin";
import { tabOf } from "@/lib/admin/transactions";
import { requireAdmin } from "@/lib/auth/session";
import { formatMoney } from "@/lib/money";
import { PROVIDER_LABEL } from "@/lib/payments/providers";
import { checkWithProviderAction, refundAction } from "./actions";
import { isUuid } from "@/lib/uuid";

export const metadata: Metadata = { title: "Transaction" };

export default async function TransactionPage({ params }: { params: Promise<{ id: string }> }) {
  await requireAdmin();
  const { id } = await params;
  if (!isUuid(id)) notFound();
  const detail = await findTransaction(getDb(), id);
  if (!detail) notFound();
  const { order, buyer, gateway, items, payment, refunds, timeline, events } = detail;
  const who = PROVIDER_LABEL[order.provider];
  const refundable = items.filter((i) => i.refund === null);

  return (
    <div className="space-y-8">
      <div>
        <Link href={`/admin/transactions?tab=${tabOf(order.status)}`} className="text-sm font-medium text-brand-800 hover:underline">
          ← Transactions
        </Link>
        <div className="mt-2 flex flex-wrap items-center gap-3">
          <h1 className="text-3xl font-bold tracking-tight text-slate-900">
            <Price amount={detail.total} /> <span className="text-lg font-medium text-slate-600">from {buyer ? buyer.name : `LMS learner ${gateway?.handoff.sub ?? ""}`}</span>
          </h1>
          <OrderStatusBadge status={order.status} />
        </div>
      </div>

      {order.attentionReason && (
        <Alert tone="error" title="Needs attention">
          {order.attentionReason}
        </Alert>
      )}

      <div className="grid gap-6 lg:grid-cols-3">
        <Section title="Summary" className="lg:col-span-2">
          <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-2">
            <Fact term="Our order id" mono>{order.id}</Fact>
            <Fact term="Created"><DateTime value={order.createdAt} /></Fact>
            <Fact term={`${who} ${order.provider === "stripe" ? "session" : "order"} id`} mono>{order.providerOrderId ?? "—"}</Fact>
            <Fact term="Closed">{order.closedAt ? <DateTime value={order.closedAt} /> : "—"}</Fact>
            <Fact term={`${who} ${order.provider === "stripe" ? "payment intent" : "capture"} id`} mono>{payment?.providerCaptureId ?? "—"}</Fact>
            <Fact term="Capture status">{payment ? `${payment.status.replace("_", " ")}${payment.statusReason ? ` (${payment.statusReason})` : ""}` : "—"}</Fact>
            {order.provider === "paypal" && <Fact term="PayPal payer id" mono>{detail.payerId ?? "—"}</Fact>}
            <Fact term="Fee / net">
              {payment?.feeMinor != null && payment.netMinor != null
                ? `${formatMoney({ minor: payment.feeMinor, currency: detail.total.currency })} / ${formatMoney({ minor: payment.netMinor, currency: detail.total.currency })}`
                : "—"}
            </Fact>
          </dl>
        </Section>

        {buyer ? (
          <Section title="Buyer">
            <p className="font-medium text-slate-900">{buyer.name}</p>
            <p className="text-sm text-slate-700">{buyer.email}</p>
            <Link href={`/admin/transactions?tab=finished&q=${encodeURIComponent(buyer.email)}`} className="mt-3 inline-block text-sm font-medium text-brand-800 hover:underline">
              All of this buyer&apos;s transactions
            </Link>
          </Section>
        ) : (
          gateway && <LmsLearner detail={gateway} />
        )}
      </div>

      <Section title="Courses">
        <table className="min-w-full text-sm">
          <caption className="sr-only">Courses in this order</caption>
          <thead className="text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
            <tr>
              <th scope="col" className="py-2 pr-4">Course</th>
              <th scope="col" className="py-2 pr-4 text-right">Price</th>
              <th scope="col" className="py-2 pr-4">Refund</th>
              <th scope="col" className="py-2">Buyer&apos;s access</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {items.map((item) => (
              <tr key={item.id}>
                <td className="py-2 pr-4 font-medium text-slate-900">{item.title}</td>
                <td className="py-2 pr-4 text-right"><Price amount={item.price} /></td>
                <td className="py-2 pr-4">{item.refund ? <Badge tone={item.refund === "completed" ? "neutral" : "amber"}>{`refund ${item.refund}`}</Badge> : "—"}</td>
                <td className="py-2">
                  {item.enrollment ? (
                    <Badge tone={item.enrollment.status === "active" ? "green" : "neutral"}>{`${item.enrollment.mode} · ${item.enrollment.status}`}</Badge>
                  ) : gateway ? (
                    "at the LMS (see LMS learner)"
                  ) : (
                    "not enrolled"
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>

      <div className="grid gap-6 lg:grid-cols-2">
        <Section title="Refund">
          {detail.refundable ? (
            <RefundForm
              orderId={order.id}
              currency={detail.total.currency}
              courses={refundable.map((i) => ({ courseId: i.courseId ?? i.id, title: i.title, price: formatMoney(i.price), priceMinor: i.price.minor }))}
              wholeOnly={gateway !== null}
              action={refundAction}
            />
          ) : (
            <p className="text-sm text-slate-600">
              {refunds.length > 0 && refundable.length === 0 ? "Every course of this order has been refunded." : "Only paid orders can be refunded."}
            </p>
          )}
          {refunds.length > 0 && (
            <ul className="mt-4 divide-y divide-slate-100 border-t border-slate-200 text-sm">
              {refunds.map((r) => (
                <li key={r.id} className="flex flex-wrap justify-between gap-2 py-2">
                  <span>
                    <Price amount={r.amount} className="font-medium" /> <Badge tone={r.status === "completed" ? "green" : r.status === "pending" ? "amber" : "red"}>{r.status}</Badge>
                    {r.reason && <span className="text-slate-600"> — {r.reason}</span>}
                  </span>
                  <span className="text-slate-600">
                    {r.requestedBy ? `by ${r.requestedBy}` : `at ${who}`} · <DateTime value={r.createdAt} />
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Section>

        <Section title={`Check with ${who}`}>
          <p className="mb-4 text-sm text-slate-600">
            Asks {who} for this order&apos;s current state and applies anything we missed (a capture, a refund, a reversal) — the same repair the
            reconciliation sweep runs every few minutes.
          </p>
          <ActionButton action={checkWithProviderAction} fields={{ orderId: order.id }} label={`Check with ${who}`} pendingLabel={`Asking ${who}…`} variant="secondary" />
        </Section>
      </div>

      <Section title="Timeline">
        <ol className="space-y-3 border-l-2 border-slate-200 pl-4 text-sm">
          {timeline.map((entry, index) => (
            <li key={index} className="relative">
              <span aria-hidden="true" className="absolute -left-[1.4rem] top-1.5 size-2.5 rounded-full bg-brand-700" />
              <span className="font-medium text-slate-900">{entry.text}</span> <span className="text-slate-600">· <DateTime value={entry.at} /></span>
            </li>
          ))}
        </ol>
      </Section>

      {gateway && <LmsRecords detail={gateway} />}

      <RawMessages events={events} provider={who} subject="this order" />
    </div>
  );
}

const ENROLMENT_WORDS: Record<GatewayOrderDetail["enrolment"]["state"], { text: string; tone: "green" | "amber" | "red" | "neutral" }> = {
  awaiting_payment: { text: "not due (unpaid)", tone: "neutral" },
  enrolling: { text: "enrolling", tone: "amber" },
  enrolled: { text: "enrolled", tone: "green" },
  failed: { text: "enrolment failed", tone: "red" },
  not_needed: { text: "not enrolled (refunded first)", tone: "neutral" },
};

/** The learner of an LMS order: who they are at the LMS, what they joined, and where their enrolment stands. */
function LmsLearner({ detail }: { detail: GatewayOrderDetail }) {
  const { handoff, connection, enrolment } = detail;
  const words = ENROLMENT_WORDS[enrolment.state];
  return (
    <Section title="LMS learner">
      <dl className="space-y-2 text-sm">
        <Fact term="Connection">
          <Link href={`/admin/gateway/${connection.id}`} className="font-medium text-brand-800 hover:underline">{connection.name}</Link>
        </Fact>
        <Fact term="LMS user id (sub)" mono>{handoff.sub}</Fact>
        <Fact term="Course / class" mono>{`${handoff.lmsCourse} / ${handoff.lmsClass}`}</Fact>
        <Fact term="Enrolment at the LMS">
          <Badge tone={words.tone}>{words.text}</Badge>
          {handoff.removalNeededAt && <Badge tone="red">remove by hand</Badge>}
        </Fact>
        {enrolment.lastError && <Fact term="Last error">{enrolment.lastError}</Fact>}
        <Fact term="Returns to">{handoff.redirectUrl}</Fact>
      </dl>
    </Section>
  );
}

/** The handoff token's claims and every call to the LMS's enrolment API, as sent and as answered. */
function LmsRecords({ detail }: { detail: GatewayOrderDetail }) {
  return (
    <Section title="LMS handoff and enrolment calls">
      <h3 className="text-sm font-semibold text-slate-800">Token claims (verified)</h3>
      <VariablesTable fields={detail.claims} label="Claims of the handoff token" />
      <h3 className="mt-6 text-sm font-semibold text-slate-800">Enrolment API calls</h3>
      {detail.calls.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">No call yet: the enrolment is made once the payment is confirmed.</p>
      ) : (
        <ol className="mt-2 space-y-4">
          {detail.calls.map((call) => (
            <li key={call.id} className="rounded-lg border border-slate-200 p-3">
              <p className="flex flex-wrap items-center gap-2 text-sm">
                <Badge tone={call.httpStatus && call.httpStatus < 300 ? "green" : call.httpStatus === 409 ? "neutral" : "red"}>{call.httpStatus ?? "no answer"}</Badge>
                <span className="text-slate-600">{call.durationMs} ms · <DateTime value={call.createdAt} /></span>
              </p>
              <VariablesTable fields={call.fields} label={`Enrolment call ${call.id}`} />
            </li>
          ))}
        </ol>
      )}
    </Section>
  );
}

function Section({ title, className = "", children }: { title: string; className?: string; children: ReactNode }) {
  const id = `section-${title.toLowerCase().replace(/\W+/g, "-")}`;
  return (
    <section aria-labelledby={id} className={`rounded-xl border border-slate-200 bg-white p-5 ${className}`}>
      <h2 id={id} className="mb-4 text-lg font-semibold text-slate-900">
        {title}
      </h2>
      {children}
    </section>
  );
}

function Fact({ term, mono, children }: { term: string; mono?: boolean; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-semibold uppercase tracking-wide text-slate-600">{term}</dt>
      <dd className={`mt-0.5 break-all text-slate-900 ${mono ? "font-mono text-xs" : ""}`}>{children}</dd>
    </div>
  );
}
