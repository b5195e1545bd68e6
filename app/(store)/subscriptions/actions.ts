"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { currentUser } from "@/lib/auth/session";
import { formFields, type FormState } from "@/lib/forms";
import { storeOrigin } from "@/lib/http/origin";
import { paymentDeps } from "@/lib/payments/runtime";
import { activateSubscription, cancelSubscription, startSubscription, subscribeSchema, type ActivateResult } from "@/lib/subscriptions/checkout";
import { SUBSCRIPTION_MESSAGES } from "@/lib/subscriptions/messages";

const signInFirst = "Please sign in again to subscribe: your session has ended.";
const approvedSchema = z.object({ subscriptionId: z.string().regex(/^I-[A-Z0-9]{6,40}$/) });

export type CreateSubscriptionResponse = { ok: true; subscriptionId: string } | { ok: false; message: string };

/** PayPalButtons.createSubscription → our pending subscription + PayPal's, priced from the database. */
export async function createPayPalSubscription(input: unknown): Promise<CreateSubscriptionResponse> {
  const parsed = subscribeSchema.safeParse(input);
  if (!parsed.success) return { ok: false, message: SUBSCRIPTION_MESSAGES.notFound };
  const user = await currentUser();
  if (!user) return { ok: false, message: signInFirst };
  const started = await startSubscription(await paymentDeps(), user.id, parsed.data);
  return started.ok ? { ok: true, subscriptionId: started.providerSubscriptionId } : started;
}

/** PayPalButtons.onApprove → PayPal's truth about the subscription activates ours. */
export async function activatePayPalSubscription(input: unknown): Promise<ActivateResult> {
  const parsed = approvedSchema.safeParse(input);
  if (!parsed.success) return { ok: false, message: SUBSCRIPTION_MESSAGES.notFound };
  const user = await currentUser();
  if (!user) return { ok: false, message: signInFirst };
  const result = await activateSubscription(await paymentDeps(), user.id, parsed.data.subscriptionId);
  revalidatePath("/", "layout");
  return result;
}

/** "Subscribe on PayPal's site instead": the redirect flow; PayPal returns the buyer to /api/subscriptions/paypal/return. */
export async function subscribeOnPayPalSiteAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const parsed = subscribeSchema.safeParse(formFields(formData));
  if (!parsed.success) return { ok: false, message: SUBSCRIPTION_MESSAGES.notFound };
  const user = await currentUser();
  if (!user) return { ok: false, message: signInFirst };
  const origin = await storeOrigin();
  const started = await startSubscription(await paymentDeps(), user.id, parsed.data, {
    returnUrls: () => ({ success: `${origin}/api/subscriptions/paypal/return`, cancel: `${origin}/api/subscriptions/paypal/cancel` }),
  });
  if (!started.ok || !started.approvalUrl) return { ok: false, message: started.ok ? SUBSCRIPTION_MESSAGES.providerUnavailable : started.message };
  redirect(started.approvalUrl);
}

const cancelSchema = z.object({ subscriptionId: z.uuid() });

/** My subscriptions → Cancel: no more payments; access until the end of the paid period. */
export async function cancelMySubscriptionAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const parsed = cancelSchema.safeParse(formFields(formData));
  if (!parsed.success) return { ok: false, message: SUBSCRIPTION_MESSAGES.notFound };
  const user = await currentUser();
  if (!user) return { ok: false, message: signInFirst };
  const result = await cancelSubscription(await paymentDeps(), user.id, parsed.data.subscriptionId, "Cancelled by the member in My subscriptions");
  if (!result.ok) return { ok: false, message: result.message };
  // The card loses its Cancel button: the page says what happened instead.
  revalidatePath("/my/subscriptions");
  redirect("/my/subscriptions?subscription=ended");
}
