"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { requireAdmin } from "@/lib/auth/session";
import { formFields, malformed, type FormState } from "@/lib/forms";
import { paymentDeps } from "@/lib/payments/runtime";
import { adminSubscriptionAction } from "@/lib/subscriptions/admin";

const input = z.object({ subscriptionId: z.uuid(), action: z.enum(["cancel", "suspend", "refund_last"]) });

/** Cancel, suspend, or refund the last payment of a subscription at PayPal (lib/subscriptions/admin.ts). */
export async function subscriptionAdminAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const admin = await requireAdmin();
  const parsed = input.safeParse(formFields(formData));
  if (!parsed.success) return malformed;
  const { subscriptionId, action } = parsed.data;
  const result = await adminSubscriptionAction(await paymentDeps(), admin.id, subscriptionId, action);
  if (!result.ok) return result;
  // The buttons change with the status: the page itself says what was done.
  revalidatePath(`/admin/subscriptions/${subscriptionId}`);
  redirect(`/admin/subscriptions/${subscriptionId}?done=${action}`);
}
