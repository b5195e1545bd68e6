import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import type { GatewayHandoff, Order } from "@/db/schema";
import { AutoRefresh } from "@/components/checkout/auto-refresh";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { Price } from "@/components/ui/price";
import { Spinner } from "@/components/ui/spinner";
import { enrolmentState } from "@/lib/gateway/enrolment";
import { money } from "@/lib/money";
import { PROVIDER_LABEL } from "@/lib/payments/providers";

type Props = { order: Order; handoff: GatewayHandoff; connection: { name: string } };

/**
 * An LMS learner's order after payment. Once the LMS has enrolled them they are sent back to the course at once;
 * while the enrolment call is on its way the page says so and moves on by itself; if the LMS keeps refusing, the
 * learner is told their payment is safe and a person is on it (the admin sees the failed job).
 */
export async function LmsOrderStatus({ order, handoff, connection }: Props) {
  const paid = order.status === "completed" || order.status === "partially_refunded";
  const { state } = paid ? await enrolmentState(getDb(), handoff) : { state: null };
  if (paid && state === "enrolled") redirect(handoff.redirectUrl);
  const who = PROVIDER_LABEL[order.provider];
  const view = paid
    ? state === "failed"
      ? { title: "Payment received", text: `We could not enrol you in the class at ${connection.name} yet. Your payment is safe and our team has been told; you will be enrolled without paying again.`, settling: false }
      : { title: "Payment received — enrolling you…", text: `We are enrolling you at ${connection.name}. This page takes you back to the course as soon as that is done.`, settling: true }
    : order.status === "pending" || order.status === "approved"
      ? { title: "Confirming your payment", text: `${who} is confirming this payment. You will be enrolled as soon as it completes; this page updates by itself.`, settling: true }
      : order.status === "refunded" || order.status === "reversed"
        ? { title: order.status === "refunded" ? "Refunded" : "Payment reversed", text: "This payment was returned, so it no longer pays for the class.", settling: false }
        : { title: "Not paid", text: "This payment did not go through; nothing was charged.", settling: false };

  return (
    <div className="mx-auto max-w-xl">
      {view.settling && <AutoRefresh seconds={2} />}
      <div className="rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
        <p className="flex items-center gap-2 text-sm text-slate-600">
          {connection.name} <Badge tone={paid ? "green" : "neutral"}>{order.status.replace("_", " ")}</Badge>
        </p>
        <h1 className="mt-2 flex items-center gap-3 text-2xl font-bold tracking-tight text-slate-900">
          {view.settling && <Spinner />}
          {view.title}
        </h1>
        <p role="status" className="mt-3 text-slate-700">
          {view.text}
        </p>
        <dl className="mt-6 grid grid-cols-[auto_1fr] gap-x-6 gap-y-2 text-sm">
          <dt className="text-slate-600">Course</dt>
          <dd className="font-medium text-slate-900">{handoff.title}</dd>
          <dt className="text-slate-600">Amount</dt>
          <dd className="text-slate-900">
            <Price amount={money(order.totalMinor, order.currency)} />
          </dd>
          <dt className="text-slate-600">Order number</dt>
          <dd className="break-all font-mono text-slate-900">{order.id}</dd>
        </dl>
        <div className="mt-8 flex flex-wrap gap-3">
          {!paid && !view.settling && <ButtonLink href={`/join/${handoff.id}`}>Try paying again</ButtonLink>}
          <ButtonLink href={handoff.redirectUrl} variant="secondary">
            Back to the course
          </ButtonLink>
        </div>
      </div>
    </div>
  );
}
