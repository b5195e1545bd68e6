/**
 * Stripe's failures as the payment domain's typed values: the SDK already classifies by HTTP status (card
 * declines 402, unknown objects 404, connection trouble), so the mapping reads its error classes and codes.
 */
import "server-only";
import Stripe from "stripe";
import type { ProviderFailure } from "@/lib/payments/types";

export function toFailure(error: unknown): ProviderFailure {
  if (!(error instanceof Stripe.errors.StripeError)) return { kind: "unavailable", detail: String((error as Error)?.message ?? error) };
  if (error instanceof Stripe.errors.StripeConnectionError || error instanceof Stripe.errors.StripeRateLimitError || error instanceof Stripe.errors.StripeAPIError) {
    return { kind: "unavailable", detail: `${error.type}: ${error.message}` };
  }
  if (error instanceof Stripe.errors.StripeCardError) return { kind: "declined" };
  if (error.statusCode === 404 || error.code === "resource_missing") return { kind: "not_found" };
  if (error instanceof Stripe.errors.StripeAuthenticationError || error instanceof Stripe.errors.StripePermissionError) {
    return { kind: "rejected", issue: "invalid_client", detail: error.message };
  }
  return { kind: "rejected", issue: error.code ?? error.type, detail: error.message };
}
