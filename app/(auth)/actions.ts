"use server";

import { AuthError } from "next-auth";
import { headers } from "next/headers";
import { getDb } from "@/db/client";
import { createAccount, signInRetryAfter } from "@/lib/auth/accounts";
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
    // Credentials are checked (and rate-limited) in the Credentials provider; on success this redirects.
    await signIn("credentials", { ...parsed.data, redirectTo: safeReturnPath(fields.callbackUrl) });
    return null;
  } catch (error) {
    if (!(error instanceof AuthError)) throw error; // includes Next's redirect signal
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
}

export async function signUpAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const fields = formFields(formData);
  const parsed = signUpSchema.safeParse(fields);
  const values = { name: fields.name ?? "", email: fields.email ?? "" };
  if (!parsed.success) return invalid(parsed.error, values);
  const created = await createAccount(getDb(), parsed.data);
  if (!created.ok) return { ok: false, message: "Please correct the highlighted fields.", fieldErrors: created.fieldErrors, values };
  await signIn("credentials", {
    email: parsed.data.email,
    password: parsed.data.password,
    redirectTo: safeReturnPath(fields.callbackUrl),
  });
  return null;
}

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/" });
}
