import { Alert } from "@/components/ui/alert";
import { browserPayPalOptions } from "@/lib/payments/runtime";
import { SUBSCRIPTION_MESSAGES } from "@/lib/subscriptions/messages";
import { subscribeOnPayPalSiteAction } from "@/app/(store)/subscriptions/actions";
import { ActionButton } from "@/components/forms/action-button";
import { PayPalSubscribe } from "./paypal-subscribe";

/** PayPal's Subscribe button and, under it, the redirect flow; a notice while an admin has turned PayPal off. */
export async function SubscribeOptions({ productId, currency }: { productId: string; currency: string }) {
  const paypal = await browserPayPalOptions();
  if (!paypal) return <Alert tone="warning">{SUBSCRIPTION_MESSAGES.unavailable}</Alert>;
  return (
    <div className="space-y-2">
      <PayPalSubscribe productId={productId} currency={currency} clientId={paypal.clientId} sdkUrl={paypal.sdkUrl} />
      <ActionButton
        action={subscribeOnPayPalSiteAction}
        fields={{ productId, currency }}
        label="Subscribe on PayPal's site instead"
        pendingLabel="Opening PayPal…"
        variant="ghost"
        lostAnswer="We lost the connection before PayPal's page opened. Nothing was charged; please try again."
      />
    </div>
  );
}
