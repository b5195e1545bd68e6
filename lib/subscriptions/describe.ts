/**
 * How a subscription product's price reads to a buyer, and what each status means to them: written once, used by
 * the product page, My subscriptions and the admin. Pure.
 */
import type { BillingInterval, SubscriptionKind, SubscriptionStatus } from "@/db/schema";
import { formatMoney, money } from "@/lib/money";

export type PriceTerms = {
  kind: SubscriptionKind;
  interval: BillingInterval;
  intervalCount: number;
  trialDays: number;
  instalments: number | null;
  amountMinor: number;
  setupFeeMinor: number;
  currency: string;
};

const every = (interval: BillingInterval, count: number) => (count === 1 ? `a ${interval}` : `every ${count} ${interval}s`);
const adverb = { day: "daily", week: "weekly", month: "monthly", year: "yearly" } as const;

/** "$19.00 a month", "3 payments of $33.00, monthly", each with the setup fee and the trial when there are. */
export function describePrice(terms: PriceTerms): { headline: string; details: string[] } {
  const amount = formatMoney(money(terms.amountMinor, terms.currency));
  const headline =
    terms.kind === "plan"
      ? `${terms.instalments} payments of ${amount}, ${terms.intervalCount === 1 ? adverb[terms.interval] : every(terms.interval, terms.intervalCount)}`
      : `${amount} ${every(terms.interval, terms.intervalCount)}`;
  const details: string[] = [];
  if (terms.trialDays > 0) details.push(`Free for the first ${terms.trialDays} days; the first ${amount} is charged when the trial ends.`);
  if (terms.setupFeeMinor > 0) details.push(`A one-off setup fee of ${formatMoney(money(terms.setupFeeMinor, terms.currency))} is charged when you subscribe.`);
  if (terms.kind === "plan") details.push(`Full access from the first payment; after the last one the course is yours for good.`);
  else details.push("Cancel whenever you like: you keep access until the end of the period you paid for.");
  return { headline, details };
}

export const STATUS_TEXT: Record<SubscriptionStatus, { label: string; tone: "green" | "amber" | "neutral" | "red" | "blue" }> = {
  pending: { label: "Waiting for PayPal", tone: "blue" },
  active: { label: "Active", tone: "green" },
  suspended: { label: "Suspended", tone: "amber" },
  cancelled: { label: "Cancelled", tone: "neutral" },
  expired: { label: "Ended", tone: "neutral" },
  completed: { label: "Paid in full", tone: "green" },
  abandoned: { label: "Not completed", tone: "neutral" },
};
