"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db/client";
import { currentUser } from "@/lib/auth/session";
import { addToCart, removeFromCart } from "@/lib/cart";
import { currentGuestCart, guestCanAdd, saveGuestCart } from "@/lib/cart/guest";
import { enroll } from "@/lib/enrollment";
import { formFields, malformed, safeReturnPath, type FormState } from "@/lib/forms";

const courseInput = z.object({ courseId: z.uuid(), returnTo: z.string().optional() });

/** Parses the course form and requires a session; visitors are sent to sign in and brought back. */
async function courseRequest(formData: FormData) {
  const parsed = courseInput.safeParse(formFields(formData));
  if (!parsed.success) return null;
  const user = await currentUser();
  if (!user) redirect(`/sign-in?callbackUrl=${encodeURIComponent(safeReturnPath(parsed.data.returnTo))}`);
  return { user, courseId: parsed.data.courseId };
}

async function enrollAction(formData: FormData, mode: "free" | "audit"): Promise<FormState> {
  const request = await courseRequest(formData);
  if (!request) return malformed;
  const result = await enroll(getDb(), request.user.id, request.courseId, mode);
  if (!result.ok) return { ok: false, message: result.message };
  revalidatePath("/", "layout");
  redirect(`/learn/${result.slug}`);
}

export async function enrollFreeAction(_prev: FormState, formData: FormData): Promise<FormState> {
  return enrollAction(formData, "free");
}

export async function enrollAuditAction(_prev: FormState, formData: FormData): Promise<FormState> {
  return enrollAction(formData, "audit");
}

/** A visitor's cart lives in a signed cookie until they sign in (lib/cart/guest.ts); an account's, in the database. */
export async function addToCartAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const parsed = courseInput.safeParse(formFields(formData));
  if (!parsed.success) return malformed;
  const { courseId } = parsed.data;
  const user = await currentUser();
  if (!user) {
    const ids = await currentGuestCart();
    const allowed = await guestCanAdd(getDb(), ids, courseId);
    if (!allowed.ok) return allowed;
    await saveGuestCart(ids.includes(courseId) ? ids : [...ids, courseId]);
    revalidatePath("/", "layout");
    return { ok: true, message: "Added to your cart. Sign in or create an account when you are ready to pay." };
  }
  const result = await addToCart(getDb(), user.id, courseId);
  if (!result.ok) return result;
  revalidatePath("/", "layout");
  return { ok: true, message: "Added to your cart." };
}

export async function removeFromCartAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const parsed = courseInput.safeParse(formFields(formData));
  if (!parsed.success) return malformed;
  const user = await currentUser();
  if (user) await removeFromCart(getDb(), user.id, parsed.data.courseId);
  else await saveGuestCart((await currentGuestCart()).filter((id) => id !== parsed.data.courseId));
  revalidatePath("/", "layout");
  return { ok: true, message: "Removed from your cart." };
}
