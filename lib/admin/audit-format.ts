/** How audit-log lines read to an admin: action names as labels, details as short key/value lines. */
import { formatMoney, isCurrencyCode, money } from "@/lib/money";
import type { AdminAction } from "@/lib/audit";

// A Record over the union: adding an action without a label fails to compile.
const ACTION_LABELS: Record<AdminAction, string> = {
  // The "settings.payments.*" names predate Stripe and are kept as stored; they are PayPal's.
  "settings.payments.updated": "PayPal settings changed",
  "settings.payments.tested": "PayPal connection tested",
  "settings.stripe.updated": "Stripe settings changed",
  "settings.stripe.tested": "Stripe connection tested",
  "course.created": "Course created",
  "course.updated": "Course changed",
  "course.outline_changed": "Course outline changed",
  "refund.requested": "Refund requested",
  "order.reconciled": "Checked with the provider",
  "subscription.cancel": "Subscription cancelled",
  "subscription.suspend": "Subscription suspended",
  "subscription.refund_last": "Subscription payment refunded",
  "subscription_product.saved": "Membership or payment plan saved",
  "outbox.retried": "Outbox job retried",
  "gateway_connection.created": "LMS connection created",
  "gateway_connection.updated": "LMS connection updated",
  "webhook_endpoint.created": "Webhook endpoint created",
  "webhook_endpoint.updated": "Webhook endpoint updated",
  "webhook_endpoint.tested": "Webhook test event sent",
};

/** The label of a stored action; an action this version does not know (an older or newer one) shows as stored. */
export function actionLabel(action: string): string {
  return Object.hasOwn(ACTION_LABELS, action) ? ACTION_LABELS[action as AdminAction] : action;
}

export type DetailLine = { key: string; value: string };

const MAX_VALUE_LENGTH = 120;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

const isChange = (value: unknown): value is { before: unknown; after: unknown } =>
  isRecord(value) && Object.keys(value).length === 2 && "before" in value && "after" in value;

/** "refundId" → "refund id". */
const words = (key: string) => key.replace(/([a-z\d])([A-Z])/g, "$1 $2").toLowerCase();

function show(value: unknown): string {
  const text =
    value === null || value === undefined
      ? "—"
      : typeof value === "boolean"
        ? value ? "yes" : "no"
        : typeof value === "string"
          ? value
          : Array.isArray(value) && value.every((item) => !isRecord(item) && !Array.isArray(item))
            ? value.map(show).join(", ")
            : JSON.stringify(value);
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > MAX_VALUE_LENGTH ? `${oneLine.slice(0, MAX_VALUE_LENGTH - 1)}…` : oneLine;
}

/**
 * An audit line's details, one short line per top-level key: a `{ before, after }` change as "before → after"
 * (only the new value when there was none), `…Minor` amounts next to a `currency` as money ("$12.50"), long
 * texts cut. Details never hold secrets (writers redact them), so everything is shown.
 */
export function detailLines(details: unknown): DetailLine[] {
  if (!isRecord(details)) return details === null || details === undefined ? [] : [{ key: "details", value: show(details) }];
  const currency = typeof details.currency === "string" && isCurrencyCode(details.currency) ? details.currency : null;
  const isAmount = (key: string, value: unknown): value is number => key.endsWith("Minor") && Number.isSafeInteger(value);
  const hasAmounts = currency !== null && Object.entries(details).some(([key, value]) => isAmount(key, value));
  return Object.entries(details).flatMap(([key, value]): DetailLine[] => {
    if (currency && isAmount(key, value)) return [{ key: words(key.slice(0, -"Minor".length)), value: formatMoney(money(value, currency)) }];
    if (key === "currency" && hasAmounts) return [];
    if (isChange(value)) {
      const after = show(value.after);
      return [{ key: words(key), value: value.before === null || value.before === undefined ? after : `${show(value.before)} → ${after}` }];
    }
    return [{ key: words(key), value: show(value) }];
  });
}
