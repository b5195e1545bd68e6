/**
 * Every message a buyer sees about a payment, in one place. Provider failures arrive as typed values
 * (lib/paypal/errors.ts maps PayPal's issues to them); this maps them to words.
 */
import type { ProviderFailure } from "./types";

export const CHECKOUT_MESSAGES = {
  notFound: "We could not find this checkout. Please start again from your cart.",
  nothingToPay: "There is nothing to pay for: your cart has no paid courses in this currency.",
  allOwned: "You already own these courses, so there is nothing to pay. They are in My courses.",
  paymentPending: "PayPal is still clearing your earlier payment for this, so there is nothing to pay now. You will be enrolled as soon as it completes.",
  otherPaymentInFlight: "Another payment for one of these courses is being processed. Check My courses in a minute before paying again.",
  failed: "This payment did not go through. No money was taken. Please start a new checkout.",
  expired: "This checkout has expired or was cancelled. No money was taken. Please start again from your cart.",
  cancelled: "You closed PayPal before approving the payment. Nothing was charged — you can try again whenever you like.",
  underReview: "PayPal took a different amount than this order's total. Nothing was granted yet; we are reviewing the payment and will contact you.",
  unexpected: "Something went wrong while talking to PayPal. Nothing was charged. Please try again.",
  paymentsUnavailable: "Payments are currently unavailable. Nothing was charged; please try again later.",
} as const;

/** What the cart says when a provider's page sent the buyer back to it (the redirect flow's `?payment=`). */
export const RETURN_NOTICES = {
  cancelled: { tone: "info", text: "You went back from the payment page. Nothing was charged — you can pay whenever you like." },
  declined: { tone: "warning", text: "That payment was declined. Nothing was charged; please pay another way." },
  unknown: {
    tone: "warning",
    text: "We could not confirm that payment. If you paid, it appears under My orders within a few minutes and you will be enrolled; you are never charged twice.",
  },
} as const;

export function failureMessage(failure: ProviderFailure): string {
  switch (failure.kind) {
    case "declined":
      return "PayPal declined that payment method. Please choose another way to pay in the PayPal window.";
    case "not_approved":
      return "PayPal has not received your approval yet. Please complete the payment in the PayPal window.";
    case "not_found":
      return CHECKOUT_MESSAGES.expired;
    case "unavailable":
      return "PayPal is not responding right now. If you approved the payment we will confirm it shortly; otherwise please try again in a moment.";
    case "rejected":
      return REJECTIONS[failure.issue] ?? "PayPal could not process this payment. No money was taken. Please try again or use another payment method.";
  }
}

const REJECTIONS: Record<string, string> = {
  TRANSACTION_REFUSED: "PayPal refused this payment. No money was taken. Please try another payment method.",
  PAYER_CANNOT_PAY: "PayPal cannot take this payment from your account. Please use another payment method.",
  PAYER_ACCOUNT_RESTRICTED: "Your PayPal account cannot make this payment right now. Please contact PayPal or use another payment method.",
  PAYER_ACCOUNT_LOCKED_OR_CLOSED: "Your PayPal account cannot make this payment right now. Please contact PayPal or use another payment method.",
  MAX_NUMBER_OF_PAYMENT_ATTEMPTS_EXCEEDED: "Too many payment attempts for this order. Please start a new checkout.",
  COMPLIANCE_VIOLATION: "PayPal could not process this payment. Please contact PayPal for details.",
  PERMISSION_DENIED: "Payments are temporarily unavailable. Please try again later.",
  invalid_client: "Payments are temporarily unavailable. Please try again later.",
};

/** What an admin reads when a refund could not be made. */
export function refundFailureMessage(failure: ProviderFailure): string {
  if (failure.kind === "unavailable") return "PayPal did not answer. The refund is recorded as pending and will be retried automatically.";
  if (failure.kind === "not_found") return "PayPal does not know this capture any more, so it cannot be refunded here.";
  const byIssue: Record<string, string> = {
    CAPTURE_FULLY_REFUNDED: "PayPal says this payment is already fully refunded.",
    REFUND_AMOUNT_EXCEEDED: "PayPal refused: the amount is more than what is left to refund (was part of it refunded in PayPal?).",
    PENDING_CAPTURE: "This payment is still pending at PayPal and cannot be refunded until it completes.",
    REFUND_TIME_LIMIT_EXCEEDED: "PayPal's refund window for this payment has passed.",
    TRANSACTION_DISPUTED: "The buyer opened a dispute on this payment; resolve it in PayPal's Resolution Center.",
    REFUND_NOT_ALLOWED: "PayPal does not allow refunding this payment.",
  };
  return (failure.kind === "rejected" && byIssue[failure.issue]) || `PayPal refused the refund (${failure.kind === "rejected" ? failure.issue : failure.kind}).`;
}
