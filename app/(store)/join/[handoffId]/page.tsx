import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { PaymentOptions } from "@/components/checkout/payment-options";
import { Alert } from "@/components/ui/alert";
import { Price } from "@/components/ui/price";
import { currentBrowserHash } from "@/lib/gateway/browser";
import { handoffForBrowser } from "@/lib/gateway/handoffs";
import { money } from "@/lib/money";
import { RETURN_NOTICES } from "@/lib/payments/messages";
import { offeredProviders } from "@/lib/payments/runtime";
import { isUuid } from "@/lib/uuid";

export const metadata: Metadata = { title: "Join your class" };

/**
 * The payment page of an LMS learner: the class they chose at the LMS (title, class, price from the verified token),
 * the providers that take its currency, and where they go back after paying. Only the browser the handoff is bound
 * to sees it; a class already paid for goes straight to its status.
 */
export default async function JoinPage({ params, searchParams }: { params: Promise<{ handoffId: string }>; searchParams: Promise<{ payment?: string }> }) {
  const [{ handoffId }, { payment }] = await Promise.all([params, searchParams]);
  const browser = await currentBrowserHash();
  const found = browser && isUuid(handoffId) ? await handoffForBrowser(getDb(), handoffId, browser) : null;
  if (!found) notFound();
  if (found.paidOrder) redirect(`/orders/${found.paidOrder.id}`);
  const { handoff, connection } = found;
  const price = money(handoff.priceMinor, handoff.currency);
  const offered = await offeredProviders(price.currency);
  const notice = payment && Object.hasOwn(RETURN_NOTICES, payment) ? RETURN_NOTICES[payment as keyof typeof RETURN_NOTICES] : null;
  const backTo = new URL(handoff.redirectUrl);

  return (
    <div className="mx-auto max-w-xl">
      <div className="rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
        <p className="text-sm font-medium text-slate-600">Joining a class at {connection.name}</p>
        <h1 className="mt-1 text-2xl font-bold tracking-tight text-slate-900">{handoff.title}</h1>
        <dl className="mt-6 grid grid-cols-[auto_1fr] gap-x-6 gap-y-2 text-sm">
          <dt className="text-slate-600">Class</dt>
          <dd className="break-all font-medium text-slate-900">{handoff.lmsClass}</dd>
          <dt className="text-slate-600">Price</dt>
          <dd className="text-lg font-bold text-slate-900">
            <Price amount={price} />
          </dd>
          <dt className="text-slate-600">Afterwards</dt>
          <dd className="text-slate-900">
            You are enrolled at {connection.name} and taken back to <span className="break-all font-medium">{backTo.host}</span>.
          </dd>
        </dl>
        {notice && (
          <div className="mt-6">
            <Alert tone={notice.tone}>{notice.text}</Alert>
          </div>
        )}
        <h2 className="mt-8 text-sm font-semibold uppercase tracking-wide text-slate-600">Pay</h2>
        <div className="mt-3">
          <PaymentOptions selection={{ kind: "gateway", handoffId: handoff.id }} currency={price.currency} offered={offered} />
        </div>
        <p className="mt-6 text-sm text-slate-600">
          Changed your mind?{" "}
          <a href={handoff.redirectUrl} className="font-medium text-brand-800 underline">
            Back to the course
          </a>{" "}
          — nothing is charged until you approve the payment.
        </p>
      </div>
    </div>
  );
}
