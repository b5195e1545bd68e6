"use client";

import { PayPalButtons, PayPalScriptProvider } from "@paypal/react-paypal-js";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { capturePayPalOrder, createPayPalOrder } from "@/app/(store)/checkout/actions";
import { Alert } from "@/components/ui/alert";
import { Spinner } from "@/components/ui/spinner";
import { CHECKOUT_MESSAGES } from "@/lib/payments/messages";

type Selection = { kind: "cart"; currency: string } | { kind: "course"; courseId: string };
type Notice = { tone: "info" | "success" | "warning" | "error"; text: string };

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
  selection: Selection;
  currency: string;
  clientId: string;
  sdkUrl?: string;
}) {
  const router = useRouter();
  const [step, setStep] = useState<"idle" | "creating" | "capturing" | "redirecting">("idle");
  const [notice, setNotice] = useState<Notice | null>(null);
  // A failure we already explained must not be replaced by the generic onError message.
  const explained = useRef(false);

  return (
    <div className="space-y-3">
      <PayPalScriptProvider
        options={{ clientId, currency, intent: "capture", components: "buttons", ...(sdkUrl ? { sdkBaseUrl: sdkUrl } : {}) }}
      >
        <PayPalButtons
          style={{ layout: "vertical", shape: "rect", label: "pay" }}
          disabled={step !== "idle"}
          forceReRender={[currency, JSON.stringify(selection)]}
          createOrder={async () => {
            explained.current = false;
            setNotice(null);
            setStep("creating");
            try {
              const result = await createPayPalOrder(selection);
              if (result.removed.length) {
                setNotice({ tone: "info", text: `Already yours, so left out of this payment: ${result.removed.join(", ")}.` });
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
            setStep("capturing");
            const result = await capturePayPalOrder({ paypalOrderId: data.orderID });
            if (result.ok) {
              setStep("redirecting");
              router.push(`/orders/${result.orderId}`);
              return;
            }
            setStep("idle");
            setNotice({ tone: result.kind === "declined" ? "warning" : "error", text: result.message });
            if (result.kind === "declined") return actions.restart();
          }}
          onCancel={() => {
            setStep("idle");
            setNotice({ tone: "info", text: CHECKOUT_MESSAGES.cancelled });
          }}
          onError={() => {
            setStep("idle");
            if (!explained.current) setNotice({ tone: "error", text: CHECKOUT_MESSAGES.unexpected });
          }}
        />
      </PayPalScriptProvider>
      {step !== "idle" && (
        <p role="status" className="flex items-center gap-2 text-sm text-slate-700">
          <Spinner />
          {step === "creating" ? "Preparing your PayPal payment…" : step === "capturing" ? "Confirming your payment with PayPal…" : "Payment confirmed. Opening your receipt…"}
        </p>
      )}
      {notice && <Alert tone={notice.tone}>{notice.text}</Alert>}
    </div>
  );
}
