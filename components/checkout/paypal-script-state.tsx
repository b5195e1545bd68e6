"use client";

import { usePayPalScriptReducer } from "@paypal/react-paypal-js";
import { Alert } from "@/components/ui/alert";
import { Spinner } from "@/components/ui/spinner";

/**
 * What a PayPal button shows while PayPal's script loads, and when it could not load: `fallback` names the
 * "…on PayPal's site instead" button under it, which works without the script.
 */
export function usePayPalScript(fallback: string) {
  const [{ isPending, isRejected }] = usePayPalScriptReducer();
  const failed = isRejected ? (
    <Alert tone="error" title="PayPal did not load">
      Check your internet connection, or allow paypal.com in your content blocker, then reload this page — or use “{fallback}” below. Nothing was
      charged.
    </Alert>
  ) : null;
  const loading = isPending ? (
    <div role="status" className="grid h-12 place-items-center rounded-md bg-slate-100 text-sm text-slate-700">
      <span className="flex items-center gap-2">
        <Spinner />
        Loading PayPal…
      </span>
    </div>
  ) : null;
  return { failed, loading };
}
