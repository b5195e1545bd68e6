"use server";

import { revalidatePath } from "next/cache";
import { storeOrigin } from "@/lib/http/origin";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db/client";
import type { OrderStatus } from "@/db/schema";
import { currentUser } from "@/lib/auth/session";
import { cancelCheckout, captureCheckout, selectionSchema, startCheckout, type CaptureResult } from "@/lib/payments/checkout";
import { CHECKOUT_MESSAGES } from "@/lib/payments/messages";
import { formFields, type FormState } from "@/lib/forms";
import { checkoutState } from "@/lib/payments/receipts";
import { providerName, returnUrls } from "@/lib/payments/redirects";
import { depsFor, paymentDeps } from "@/lib/payments/runtime";

const captureSchema = z.object({ paypalOrderId: z.string().regex(/^[A-Z0-9]{1,36}$/) });

export type CreateOrderResponse = { ok: true; paypalOrderId: string; removed: string[] } | { ok: false; message: string; removed: string[] };

const signInFirst = "Please sign in again to pay: your session has ended.";

/** PayPalButtons.createOrder → our order + a PayPal order, priced from the database. */
export async function createPayPalOrder(input: unknown): Promise<CreateOrderResponse> {
  const parsed = selectionSchema.safeParse(input);
  if (!parsed.success) return { ok: false, message: CHECKOUT_MESSAGES.unexpected, removed: [] };
  const user = await currentUser();
  if (!user) return { ok: false, message: signInFirst, removed: [] };
  const result = await startCheckout(await paymentDeps(), user.id, parsed.data);
  if (result.removed.length) revalidatePath("/", "layout");
  return result.ok ? { ok: true, paypalOrderId: result.providerOrderId, removed: result.removed } : result;
}

/** PayPalButtons.onApprove → capture, fulfil, and tell the browser where to go. */
export async function capturePayPalOrder(input: unknown): Promise<CaptureResult> {
  const parsed = captureSchema.safeParse(input);
  if (!parsed.success) return { ok: false, kind: "refused", message: CHECKOUT_MESSAGES.notFound };
  const user = await currentUser();
  if (!user) return { ok: false, kind: "refused", message: signInFirst };
  const result = await captureCheckout(await paymentDeps(), user.id, parsed.data.paypalOrderId);
  revalidatePath("/", "layout");
  return result;
}

/** The buyer's page, following a payment it could not confirm itself: the order's status now, or null. */
export async function paypalCheckoutState(input: unknown): Promise<{ orderId: string; status: OrderStatus } | null> {
  const parsed = captureSchema.safeParse(input);
  const user = await currentUser();
  if (!parsed.success || !user) return null;
  return checkoutState(getDb(), user.id, "paypal", parsed.data.paypalOrderId);
}

/**
 * Paying on the provider's own page: "Pay by card" (Stripe Checkout) and "Pay on PayPal's site instead" (PayPal's
 * redirect flow, for blocked popups, phones, or when PayPal's buttons cannot load). Our order and the provider's are
 * priced from the database like every checkout; the buyer is sent to the provider's page, which returns to
 * /api/payments/<provider>/return or /cancel. Only what to buy, and with whom, comes from the form.
 */
export async function payOnProviderPageAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const fields = formFields(formData);
  const parsed = selectionSchema.safeParse(fields.kind === "course" ? { kind: "course", courseId: fields.courseId } : { kind: "cart", currency: fields.currency });
  const provider = providerName.safeParse(fields.provider);
  if (!parsed.success || !provider.success) return { ok: false, message: CHECKOUT_MESSAGES.unexpected };
  const user = await currentUser();
  if (!user) return { ok: false, message: signInFirst };
  const deps = await depsFor(provider.data);
  if (!deps) return { ok: false, message: CHECKOUT_MESSAGES.paymentsUnavailable };
  const urls = returnUrls(await storeOrigin(), provider.data);
  const result = await startCheckout(deps, user.id, parsed.data, { returnUrls: () => urls });
  if (result.removed.length) revalidatePath("/", "layout");
  if (!result.ok || !result.approvalUrl) return { ok: false, message: result.ok ? CHECKOUT_MESSAGES.unexpected : result.message };
  redirect(result.approvalUrl);
}

/** PayPalButtons.onCancel → the abandoned order is closed as cancelled (the admin sees it in Unfinished). */
export async function cancelPayPalOrder(input: unknown): Promise<void> {
  const parsed = captureSchema.safeParse(input);
  const user = await currentUser();
  if (!parsed.success || !user) return;
  await cancelCheckout(await paymentDeps(), user.id, parsed.data.paypalOrderId);
}
