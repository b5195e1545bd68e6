"use client";

import { useActionState } from "react";
import type { FormState } from "@/lib/forms";

/**
 * useActionState for actions whose effect matters (refunds, checks with PayPal, enrolments): when the answer never
 * arrives — the connection dropped, the server failed after acting — the form must not claim "nothing happened".
 * It says the outcome is unknown instead, so the page can point to the current state. Next.js's own signals
 * (redirect, notFound, forbidden) still pass through.
 */
export function useGuardedActionState(action: (state: FormState, formData: FormData) => Promise<FormState>, unknownOutcome: string) {
  return useActionState(async (state: FormState, formData: FormData): Promise<FormState> => {
    try {
      return await action(state, formData);
    } catch (error) {
      const digest = (error as { digest?: unknown } | null)?.digest;
      if (typeof digest === "string" && digest.startsWith("NEXT_")) throw error;
      return { ok: false, outcomeUnknown: true, message: unknownOutcome };
    }
  }, null);
}
