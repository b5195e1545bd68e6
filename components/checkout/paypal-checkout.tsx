"use client";

import { PayPalButtons, PayPalScriptProvider } from "@paypal/react-paypal-js";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { cancelPayPalOrder, capturePayPalOrder, createPayPalOrder, paypalCheckoutState } from "@/app/(store)/checkout/actions";
import { Alert } from "@/components/ui/alert";
import { usePayPalScript } from "./paypal-script-state";
import { Spinner } from "@/components/ui/spinner";
import { CHECKOUT_MESSAGES, failureMessage } from "@/lib/payments/messages";
import type { CheckoutSelection } from "@/lib/payments/checkout";

type Notice = { tone: "info" | "success" | "warning" | "error"; text: string };
type Step = "idle" | "creating" | "capturing" | "watching" | "opening-receipt" | "opening-pending-receipt";

const STEP_TEXT: Record<Exclude<Step, "idle">, string> = {
  creating: "Preparing your PayPal payment…",
  capturing: "Confirming your payment with PayPal…",
  watching: "We could not confirm your payment from this page. If you approved it at PayPal, this page moves on by itself as soon as PayPal confirms it.",
  "opening-receipt": "Payment confirmed. Opening your receipt…",
  "opening-pending-receipt": "Payment approved. Opening your receipt…",
};

/**
 * PayPal's buttons for one selection. The browser only names what to buy; the server prices it, creates and
 * captures the PayPal order. Buttons are disabled while a step runs; a declined funding source restarts the
 * approval so the buyer can pick another one.
 */
export function PayPalCheckout({
  selection,
  currency,
  clientId,
  sdkUrl,
}: {
  selection: CheckoutSelection;
  currency: string;
  clientId: string;
  sdkUrl?: string;
}) {
  return (
    <PayPalScriptProvider
      options={{ clientId, currency, intent: "capture", components: "buttons", ...(sdkUrl ? { sdkBaseUrl: sdkUrl } : {}) }}
    >
      <CheckoutButtons selection={selection} currency={currency} />
    </PayPalScriptProvider>
  );
}

const PAID_OR_PENDING = new Set(["completed", "pending", "partially_refunded"]);
const CLOSED_UNPAID = new Set(["cancelled", "failed", "expired"]);
const WATCH_FOR_MS = 3 * 60_000;

function CheckoutButtons({ selection, currency }: { selection: CheckoutSelection; currency: string }) {
  const router = useRouter();
  const { failed, loading } = usePayPalScript("Pay on PayPal's site instead");
  const [step, setStep] = useState<Step>("idle");
  const [notice, setNotice] = useState<Notice | null>(null);
  // A failure we already explained must not be replaced by the generic onError message.
  const explained = useRef(false);
  // An error after approval may hide a capture that went through: "nothing was charged" would be untrue then.
  const approved = useRef(false);
  // The PayPal order whose outcome this page is waiting to hear about (its capture request failed).
  const [watched, setWatched] = useState<string | null>(null);

  // A capture we could not confirm may still complete (PayPal's webhook captures it server-side): follow the
  // order until it is paid, then open the receipt — the buyer never has to reload.
  useEffect(() => {
    if (!watched) return;
    let stopped = false;
    const started = Date.now();
    const poll = async () => {
      if (stopped) return;
      const state = await paypalCheckoutState({ paypalOrderId: watched }).catch(() => null);
      if (stopped) return;
      if (state && PAID_OR_PENDING.has(state.status)) {
        setStep(state.status === "pending" ? "opening-pending-receipt" : "opening-receipt");
        router.push(`/orders/${state.orderId}`);
        return;
      }
      if (state && CLOSED_UNPAID.has(state.status)) return setStep("idle");
      if (Date.now() - started < WATCH_FOR_MS) timer = setTimeout(poll, 3_000);
      else setStep("idle");
    };
    let timer = setTimeout(poll, 1_500);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [watched, router]);

  if (failed) return failed;

  return (
    <div className="space-y-3">
      {loading}
      <PayPalButtons
        style={{ layout: "vertical", shape: "rect", label: "pay" }}
        disabled={step !== "idle"}
        forceReRender={[currency, JSON.stringify(selection)]}
        createOrder={async () => {
          explained.current = false;
          approved.current = false;
          setNotice(null);
          setStep("creating");
          try {
            const result = await createPayPalOrder(selection);
            if (result.removed.length) {
              setNotice({ tone: "info", text: `Left out of this payment (already yours, or its earlier payment is still pending): ${result.removed.join(", ")}.` });
            }
            if (!result.ok) {
              explained.current = true;
              setNotice({ tone: "error", text: result.message });
              throw new Error(result.message);
            }
            return result.paypalOrderId;
          } finally {
            setStep("idle");
          }
        }}
        onApprove={async (data, actions) => {
          approved.current = true;
          explained.current = true;
          setStep("capturing");
          const result = await capturePayPalOrder({ paypalOrderId: data.orderID }).catch(() => null);
          if (!result) {
            // No answer (the connection dropped, the server failed): the payment may still go through.
            setNotice({ tone: "warning", text: failureMessage({ kind: "unavailable", detail: "" }) });
            setStep("watching");
            setWatched(data.orderID);
            return;
          }
          if (result.ok) {
            setStep(result.status === "completed" ? "opening-receipt" : "opening-pending-receipt");
            router.push(`/orders/${result.orderId}`);
            return;
          }
          setNotice({ tone: result.kind === "declined" ? "warning" : "error", text: result.message });
          if (result.kind === "declined") {
            setStep("idle");
            approved.current = false;
            explained.current = false;
            return actions.restart();
          }
          // Refused, perhaps because a webhook is capturing this very order right now: follow it.
          setStep(result.orderId ? "watching" : "idle");
          if (result.orderId) setWatched(data.orderID);
        }}
        onCancel={(data) => {
          setStep("idle");
          setNotice({ tone: "info", text: CHECKOUT_MESSAGES.cancelled });
          if (typeof data.orderID === "string") void cancelPayPalOrder({ paypalOrderId: data.orderID });
        }}
        onError={() => {
          setStep("idle");
          if (explained.current) return;
          setNotice({ tone: "error", text: approved.current ? failureMessage({ kind: "unavailable", detail: "" }) : CHECKOUT_MESSAGES.unexpected });
        }}
      />
      {/* Present from the start, so screen readers announce what appears in it later. */}
      <div aria-live="polite" className="space-y-3">
        {step !== "idle" && (
          <p className="flex items-center gap-2 text-sm text-slate-700">
            <Spinner />
            {STEP_TEXT[step]}
          </p>
        )}
        {notice && <Alert tone={notice.tone}>{notice.text}</Alert>}
      </div>
    </div>
  );
}
