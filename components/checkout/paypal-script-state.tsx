"use client";

import { usePayPalScriptReducer } from "@paypal/react-paypal-js";
import { Alert } from "@/components/ui/alert";
import { PayPalLoading } from "./paypal-loading";

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
  const loading = isPending ? <PayPalLoading /> : null;
  return { failed, loading };
}
