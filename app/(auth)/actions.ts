"use server";

import { AuthError } from "next-auth";
import { headers } from "next/headers";
import { getDb } from "@/db/client";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { createAccount, findUserByEmail, signInRetryAfter } from "@/lib/auth/accounts";
import { currentGuestCart, mergeGuestCart, saveGuestCart } from "@/lib/cart/guest";
import { signIn, signOut } from "@/lib/auth/auth";
import { clientIp } from "@/lib/http/forwarded";
import { signInSchema, signUpSchema } from "@/lib/auth/schemas";
import { formFields, invalid, safeReturnPath, type FormState } from "@/lib/forms";

function minutes(seconds: number) {
  const m = Math.ceil(seconds / 60);
  return `${m} minute${m === 1 ? "" : "s"}`;
}

export async function signInAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const fields = formFields(formData);
  const parsed = signInSchema.safeParse(fields);
  if (!parsed.success) return invalid(parsed.error, { email: fields.email ?? "" });
  try {
    // Credentials are checked (and rate-limited) in the Credentials provider; a failure throws.
    await signIn("credentials", { ...parsed.data, redirect: false });
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    if (error.type === "CredentialsSignin" && (error as AuthError & { code?: string }).code === "rate_limited") {
      const wait = await signInRetryAfter(getDb(), parsed.data.email, clientIp(await headers()));
      return {
        ok: false,
        message: `Too many failed sign-in attempts. For your security, try again in ${minutes(wait)}.`,
        values: { email: parsed.data.email },
      };
    }
    return { ok: false, message: "The email or password is incorrect.", values: { email: parsed.data.email } };
  }
  redirect(await landingAfterSignIn(parsed.data.email, fields.callbackUrl));
}

/**
 * Where a visitor goes once signed in: back where they came from, after the cart they filled as a visitor became
 * their account's — or to the cart, which names what was left out because they already own it.
 */
async function landingAfterSignIn(email: string, callbackUrl: unknown): Promise<string> {
  const back = safeReturnPath(callbackUrl);
  const ids = await currentGuestCart();
  if (ids.length === 0) return back;
  const db = getDb();
  const user = await findUserByEmail(db, email);
  if (!user) return back;
  const { leftOut } = await mergeGuestCart(db, user.id, ids);
  await saveGuestCart([]);
  revalidatePath("/", "layout");
  return leftOut.length ? `/cart?left_out=${leftOut.join(",")}` : back;
}

export async function signUpAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const fields = formFields(formData);
  const parsed = signUpSchema.safeParse(fields);
  const values = { name: fields.name ?? "", email: fields.email ?? "" };
  if (!parsed.success) return invalid(parsed.error, values);
  const created = await createAccount(getDb(), parsed.data);
  if (!created.ok) return { ok: false, message: "Please correct the highlighted fields.", fieldErrors: created.fieldErrors, values };
  await signIn("credentials", { email: parsed.data.email, password: parsed.data.password, redirect: false });
  redirect(await landingAfterSignIn(parsed.data.email, fields.callbackUrl));
}

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/" });
}
