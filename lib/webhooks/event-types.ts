/**
 * What the store tells other systems through outgoing webhooks (Admin → Webhooks): the one list the schema, the
 * form and the deliveries derive from, each type with what it means. No server code here: the admin form uses it.
 */
export const WEBHOOK_EVENTS = {
  "order.completed": "a payment was received",
  "order.refunded": "money went back to the buyer (in part or in full)",
  "order.reversed": "a chargeback or lost dispute",
  "enrollment.granted": "a purchase opened a course",
  "enrollment.revoked": "a refund or reversal closed a course",
  "subscription.activated": "a subscription started",
  "subscription.payment_failed": "a renewal was declined",
  "subscription.suspended": "billing paused, access paused",
  "subscription.cancelled": "no more billing",
  "subscription.expired": "its last cycle ran out",
  "subscription.completed": "a payment plan was paid in full",
} as const;
export type WebhookEventType = keyof typeof WEBHOOK_EVENTS;
export const WEBHOOK_EVENT_TYPES = Object.keys(WEBHOOK_EVENTS) as [WebhookEventType, ...WebhookEventType[]];
