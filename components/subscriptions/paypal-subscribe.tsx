"use client";

import { PayPalButtons, PayPalScriptProvider } from "@paypal/react-paypal-js";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { activatePayPalSubscription, createPayPalSubscription } from "@/app/(store)/subscriptions/actions";
import { usePayPalScript } from "@/components/checkout/paypal-script-state";
import { Alert } from "@/components/ui/alert";
import { Spinner } from "@/components/ui/spinner";
import { SUBSCRIPTION_MESSAGES } from "@/lib/subscriptions/messages";

type Step = "idle" | "creating" | "activating" | "opening";
const STEP_TEXT: Record<Exclude<Step, "idle">, string> = {
  creating: "Preparing your subscription at PayPal…",
  activating: "Confirming your subscription with PayPal…",
  opening: "Subscribed. Opening My subscriptions…",
};

/**
 * PayPal's Subscribe button for one product and currency. The browser only names them; the server picks the price
 * version, creates the subscription at PayPal, and activates it from PayPal's own answer after approval.
 */
export function PayPalSubscribe({ productId, currency, clientId, sdkUrl }: { productId: string; currency: string; clientId: string; sdkUrl?: string }) {
  return (
    <PayPalScriptProvider options={{ clientId, vault: true, intent: "subscription", components: "buttons", ...(sdkUrl ? { sdkBaseUrl: sdkUrl } : {}) }}>
      <SubscribeButton productId={productId} currency={currency} />
    </PayPalScriptProvider>
  );
}

function SubscribeButton({ productId, currency }: { productId: string; currency: string }) {
  const router = useRouter();
  const { failed, loading } = usePayPalScript("Subscribe on PayPal's site instead");
  const [step, setStep] = useState<Step>("idle");
  const [notice, setNotice] = useState<{ tone: "info" | "warning" | "error"; text: string } | null>(null);
  const explained = useRef(false);

  if (failed) return failed;

  return (
    <div className="space-y-3">
      {loading}
      <PayPalButtons
        style={{ layout: "vertical", shape: "rect", label: "subscribe" }}
        disabled={step !== "idle"}
        forceReRender={[productId, currency]}
        createSubscription={async () => {
          explained.current = false;
          setNotice(null);
          setStep("creating");
          try {
            const result = await createPayPalSubscription({ productId, currency });
            if (!result.ok) {
              explained.current = true;
              setNotice({ tone: "error", text: result.message });
              throw new Error(result.message);
            }
            return result.subscriptionId;
          } finally {
            setStep("idle");
          }
        }}
        onApprove={async (data) => {
          explained.current = true;
          setStep("activating");
          const result = await activatePayPalSubscription({ subscriptionId: data.subscriptionID }).catch(() => null);
          if (result?.ok) {
            setStep("opening");
            router.push("/my/subscriptions?subscription=started");
            return;
          }
          setStep("idle");
          // No answer, or PayPal not confirming yet: PayPal's notification activates it; My subscriptions shows it then.
          setNotice({ tone: "warning", text: result?.message ?? "We could not confirm your subscription from this page. If you approved it at PayPal, it appears under My subscriptions within a minute." });
        }}
        onCancel={() => {
          setStep("idle");
          setNotice({ tone: "info", text: "You closed PayPal before approving. Nothing was charged." });
        }}
        onError={() => {
          setStep("idle");
          if (!explained.current) setNotice({ tone: "error", text: SUBSCRIPTION_MESSAGES.providerUnavailable });
        }}
      />
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
