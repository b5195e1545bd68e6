import "server-only";
import { insertOrder, openProviderOrder, type StartDeps, type StartResult } from "@/lib/payments/checkout";
import { CHECKOUT_MESSAGES } from "@/lib/payments/messages";
import { money } from "@/lib/money";
import { handoffForBrowser } from "./handoffs";

export const GATEWAY_MESSAGES = {
  notFound: "We could not find this checkout. Please go back to the course and press “Join” again.",
  alreadyPaid: "You have already paid for this class. You will be taken back to the course as soon as your enrolment is confirmed.",
} as const;

/**
 * Starts paying for an LMS class: the price is the verified handoff's (never the browser's), the order belongs to
 * the handoff, and the provider order is created exactly as for a store checkout. Only the browser the handoff is
 * bound to may start it, and not when this learner's class is paid (or clearing) already.
 */
export async function startGatewayCheckout(
  deps: StartDeps,
  browserHash: string,
  handoffId: string,
  options: { returnUrls?: (orderId: string) => { success: string; cancel: string } } = {},
): Promise<StartResult> {
  if (!deps.checkoutEnabled) return { ok: false, message: CHECKOUT_MESSAGES.paymentsUnavailable, removed: [] };
  const found = await handoffForBrowser(deps.db, handoffId, browserHash);
  if (!found) return { ok: false, message: GATEWAY_MESSAGES.notFound, removed: [] };
  if (found.paidOrder) return { ok: false, message: GATEWAY_MESSAGES.alreadyPaid, removed: [] };
  const { handoff, connection } = found;
  const price = money(handoff.priceMinor, handoff.currency);
  const item = { courseId: null, externalRef: `${connection.slug}:${handoff.lmsCourse}:${handoff.lmsClass}`, sku: `lms-${handoff.id}`, title: handoff.title, price };
  const order = await insertOrder(deps.db, { gatewayHandoffId: handoff.id }, deps.provider.name, [item]);
  return openProviderOrder(deps, order.id, order.total, [item], options.returnUrls?.(order.id));
}
