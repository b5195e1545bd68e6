"use server";

import { revalidatePath } from "next/cache";
import { storeOrigin } from "@/lib/http/origin";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db/client";
import type { OrderStatus } from "@/db/schema";
import { currentUser } from "@/lib/auth/session";
import { currentBrowserHash } from "@/lib/gateway/browser";
import { GATEWAY_MESSAGES, startGatewayCheckout } from "@/lib/gateway/checkout";
import { currentBuyer } from "@/lib/payments/current-buyer";
import { wakeOutbox } from "@/lib/outbox";
import { cancelCheckout, captureCheckout, checkoutSelectionSchema, startCheckout, type CaptureResult, type CheckoutSelection, type StartDeps, type StartResult } from "@/lib/payments/checkout";
import { CHECKOUT_MESSAGES } from "@/lib/payments/messages";
import { formFields, type FormState } from "@/lib/forms";
import { checkoutState } from "@/lib/payments/receipts";
import { providerName, returnUrls } from "@/lib/payments/redirects";
import { depsFor, paymentDeps } from "@/lib/payments/runtime";

const captureSchema = z.object({ paypalOrderId: z.string().regex(/^[A-Z0-9]{1,36}$/) });

export type CreateOrderResponse = { ok: true; paypalOrderId: string; removed: string[] } | { ok: false; message: string; removed: string[] };

const signInFirst = "Please sign in again to pay: your session has ended.";

/**
 * Starts a checkout for what the browser named: a store buyer's cart or course (signed in), or an LMS learner's
 * handoff (bound to this browser's gateway cookie). Prices always come from the database.
 */
async function start(deps: StartDeps, selection: CheckoutSelection, returnUrls?: (orderId: string) => { success: string; cancel: string }): Promise<StartResult> {
  if (selection.kind === "gateway") {
    const browser = await currentBrowserHash();
    if (!browser) return { ok: false, message: GATEWAY_MESSAGES.notFound, removed: [] };
    return startGatewayCheckout(deps, browser, selection.handoffId, { returnUrls });
  }
  const user = await currentUser();
  if (!user) return { ok: false, message: signInFirst, removed: [] };
  const result = await startCheckout(deps, user.id, selection, { returnUrls });
  if (result.removed.length) revalidatePath("/", "layout");
  return result;
}

/** PayPalButtons.createOrder → our order + a PayPal order, priced from the database. */
export async function createPayPalOrder(input: unknown): Promise<CreateOrderResponse> {
  const parsed = checkoutSelectionSchema.safeParse(input);
  if (!parsed.success) return { ok: false, message: CHECKOUT_MESSAGES.unexpected, removed: [] };
  const result = await start(await paymentDeps(), parsed.data);
  return result.ok ? { ok: true, paypalOrderId: result.providerOrderId, removed: result.removed } : result;
}

/** PayPalButtons.onApprove → capture, fulfil, and tell the browser where to go. */
export async function capturePayPalOrder(input: unknown): Promise<CaptureResult> {
  const parsed = captureSchema.safeParse(input);
  if (!parsed.success) return { ok: false, kind: "refused", message: CHECKOUT_MESSAGES.notFound };
  const buyer = await currentBuyer();
  if (!buyer) return { ok: false, kind: "refused", message: signInFirst };
  const result = await captureCheckout(await paymentDeps(), buyer, parsed.data.paypalOrderId);
  // A paid LMS order's enrolment is queued: have this instance's worker send it now, while the learner waits.
  if (result.ok) wakeOutbox();
  revalidatePath("/", "layout");
  return result;
}

/** The buyer's page, following a payment it could not confirm itself: the order's status now, or null. */
export async function paypalCheckoutState(input: unknown): Promise<{ orderId: string; status: OrderStatus } | null> {
  const parsed = captureSchema.safeParse(input);
  const buyer = await currentBuyer();
  if (!parsed.success || !buyer) return null;
  return checkoutState(getDb(), buyer, "paypal", parsed.data.paypalOrderId);
}

/**
 * Paying on the provider's own page: "Pay by card" (Stripe Checkout) and "Pay on PayPal's site instead" (PayPal's
 * redirect flow, for blocked popups, phones, or when PayPal's buttons cannot load). Our order and the provider's are
 * priced from the database like every checkout; the buyer is sent to the provider's page, which returns to
 * /api/payments/<provider>/return or /cancel. Only what to buy, and with whom, comes from the form.
 */
export async function payOnProviderPageAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const fields = formFields(formData);
  const parsed = checkoutSelectionSchema.safeParse(
    fields.kind === "course" ? { kind: "course", courseId: fields.courseId } : fields.kind === "gateway" ? { kind: "gateway", handoffId: fields.handoffId } : { kind: "cart", currency: fields.currency },
  );
  const provider = providerName.safeParse(fields.provider);
  if (!parsed.success || !provider.success) return { ok: false, message: CHECKOUT_MESSAGES.unexpected };
  const deps = await depsFor(provider.data);
  if (!deps) return { ok: false, message: CHECKOUT_MESSAGES.paymentsUnavailable };
  const urls = returnUrls(await storeOrigin(), provider.data);
  const result = await start(deps, parsed.data, () => urls);
  if (!result.ok || !result.approvalUrl) return { ok: false, message: result.ok ? CHECKOUT_MESSAGES.unexpected : result.message };
  redirect(result.approvalUrl);
}

/** PayPalButtons.onCancel → the abandoned order is closed as cancelled (the admin sees it in Unfinished). */
export async function cancelPayPalOrder(input: unknown): Promise<void> {
  const parsed = captureSchema.safeParse(input);
  const buyer = await currentBuyer();
  if (!parsed.success || !buyer) return;
  await cancelCheckout(await paymentDeps(), buyer, parsed.data.paypalOrderId);
}
