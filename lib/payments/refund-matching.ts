/**
 * Which courses a refund paid back, when the refund did not come from us (a merchant refunding in PayPal's
 * own interface names an amount, not courses). Pure, so the rule is tested on its own:
 *
 * - the refund covers everything not yet refunded → all those items;
 * - exactly one set of not-yet-refunded items adds up to the amount → those items;
 * - no set, or several equally good ones (two courses at the same price) → no items: the buyer keeps access
 *   and the order is flagged for an admin, because revoking the wrong course is worse than revoking none.
 */
export type RefundableItem = { id: string; amountMinor: number };

export type RefundMatch = { kind: "items"; itemIds: string[] } | { kind: "none"; reason: "no-match" | "ambiguous" };

/** Orders are small (a cart); beyond this many items we do not search subsets. */
const MAX_ITEMS_SEARCHED = 16;

export function matchRefundToItems(remaining: RefundableItem[], amountMinor: number): RefundMatch {
  const total = remaining.reduce((sum, item) => sum + item.amountMinor, 0);
  if (remaining.length > 0 && amountMinor === total) return { kind: "items", itemIds: remaining.map((i) => i.id) };
  if (remaining.length === 0 || remaining.length > MAX_ITEMS_SEARCHED || amountMinor <= 0 || amountMinor > total) {
    return { kind: "none", reason: "no-match" };
  }
  let found: string[] | null = null;
  for (let mask = 1; mask < 1 << remaining.length; mask++) {
    let sum = 0;
    for (let i = 0; i < remaining.length; i++) if (mask & (1 << i)) sum += remaining[i]!.amountMinor;
    if (sum !== amountMinor) continue;
    if (found) return { kind: "none", reason: "ambiguous" };
    found = remaining.filter((_, i) => mask & (1 << i)).map((item) => item.id);
  }
  return found ? { kind: "items", itemIds: found } : { kind: "none", reason: "no-match" };
}
