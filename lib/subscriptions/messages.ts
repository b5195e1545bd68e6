/** Every message a buyer sees about a subscription, in one place. */
export const SUBSCRIPTION_MESSAGES = {
  notFound: "We could not find this subscription. Please start again from the membership page.",
  unavailable: "Subscriptions are currently unavailable. Nothing was charged; please try again later.",
  providerUnavailable: "PayPal is not responding right now. Nothing was charged; please try again in a moment.",
  alreadySubscribed: "You already have this subscription. You can manage it under My subscriptions.",
  alreadyOwned: "You already own this course, so there is nothing to pay.",
  firstPaymentFailed: "PayPal could not take the first payment, so the subscription did not start and nothing was granted. Please subscribe again with another payment method.",
  notApproved: "PayPal has not received your approval yet. Please complete it in the PayPal window.",
  unknownAtProvider: "PayPal does not know this subscription. Nothing was granted; please start again.",
  mismatch: "This subscription does not match what was offered. Nothing was granted; we are looking into it.",
  notCancellable: "This subscription is not running, so there is nothing to cancel.",
  paymentFailed: "Your last payment did not go through. Update your payment method at PayPal to keep your access.",
} as const;
