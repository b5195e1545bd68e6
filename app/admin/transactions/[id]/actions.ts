"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { statusLabel } from "@/components/admin/order-status-badge";
import { requireAdmin } from "@/lib/auth/session";
import { formFields, malformed, type FormState } from "@/lib/forms";
import { checkOrderNow } from "@/lib/payments/reconcile";
import { requestRefund } from "@/lib/payments/refunds";
import { depsForOrder } from "@/lib/payments/runtime";

const refundFields = {
  orderId: z.uuid(),
  reason: z.string().trim().max(200).optional(),
  /** What the confirmation dialog showed; the refund is refused if the courses no longer cost that. */
  amount: z.string().trim().min(1).max(40),
};
const refundInput = z.discriminatedUnion("scope", [
  z.object({ scope: z.literal("all"), ...refundFields }),
  z.object({ scope: z.literal("courses"), ...refundFields, courseIds: z.array(z.uuid()).min(1, { error: "Choose at least one course to refund." }).max(100) }),
]);

/** Refunds the whole order or the chosen courses; a second click finds them refunded and changes nothing. */
export async function refundAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const admin = await requireAdmin();
  const parsed = refundInput.safeParse({ ...formFields(formData), courseIds: formData.getAll("courseId") });
  if (!parsed.success) {
    const choose = parsed.error.issues.find((i) => i.path[0] === "courseIds");
    return choose ? { ok: false, message: choose.message } : malformed;
  }
  const input = parsed.data;
  const deps = await depsForOrder(parsed.data.orderId);
  if (!deps) return { ok: false, message: "This order cannot be refunded here: its payment provider is not configured." };
  const result = await requestRefund(deps, {
    orderId: input.orderId,
    courseIds: input.scope === "all" ? "all" : input.courseIds,
    actorId: admin.id,
    reason: input.reason || undefined,
    confirmedAmount: input.amount,
  });
  revalidatePath(`/admin/transactions/${input.orderId}`);
  if (!result.ok) return { ok: false, message: result.message };
  return {
    ok: true,
    message: result.status === "completed" ? "Refunded. The buyer no longer has access to the refunded courses." : "Refund sent; PayPal reports it pending. This page will show when it completes.",
  };
}

const orderInput = z.object({ orderId: z.uuid() });

/** "Check with PayPal" (or Stripe): this order reconciled now with its provider, with what was found. */
export async function checkWithProviderAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const admin = await requireAdmin();
  const parsed = orderInput.safeParse(formFields(formData));
  if (!parsed.success) return malformed;
  const deps = await depsForOrder(parsed.data.orderId);
  if (!deps) return { ok: false, message: "This order does not exist, or its payment provider is not configured." };
  const checked = await checkOrderNow(deps, parsed.data.orderId, admin.id);
  revalidatePath(`/admin/transactions/${parsed.data.orderId}`);
  if (!checked.ok) return { ok: false, message: checked.message };
  const { from, to, note } = checked.result;
  return { ok: true, message: from === to ? `No change (${statusLabel(to)}): ${note}.` : `Updated from ${statusLabel(from)} to ${statusLabel(to)}: ${note}.` };
}
