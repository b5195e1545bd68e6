"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { changeName, changePassword, deleteAccount, deleteFormSchema, emailFormSchema, nameFormSchema, passwordFormSchema, requestEmailChange } from "@/lib/auth/account-settings";
import { signOut } from "@/lib/auth/auth";
import { currentUser } from "@/lib/auth/session";
import { formFields, invalid, type FormState } from "@/lib/forms";

const signedOut: FormState = { ok: false, message: "Your session has ended. Sign in again to change your account." };

export async function changeNameAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const user = await currentUser();
  if (!user) return signedOut;
  const parsed = nameFormSchema.safeParse(formFields(formData));
  if (!parsed.success) return invalid(parsed.error);
  const result = await changeName(getDb(), user.id, parsed.data.name);
  revalidatePath("/", "layout");
  return result;
}

export async function changePasswordAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const user = await currentUser();
  if (!user) return signedOut;
  const parsed = passwordFormSchema.safeParse(formFields(formData));
  if (!parsed.success) return invalid(parsed.error);
  return changePassword(getDb(), user.id, parsed.data.currentPassword, parsed.data.newPassword);
}

export async function changeEmailAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const user = await currentUser();
  if (!user) return signedOut;
  const fields = formFields(formData);
  const parsed = emailFormSchema.safeParse(fields);
  if (!parsed.success) return invalid(parsed.error, { email: fields.email ?? "" });
  return requestEmailChange(getDb(), user.id, parsed.data.email, parsed.data.currentPassword);
}

export async function deleteAccountAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const user = await currentUser();
  if (!user) return signedOut;
  const parsed = deleteFormSchema.safeParse(formFields(formData));
  if (!parsed.success) return invalid(parsed.error);
  const result = await deleteAccount(getDb(), user.id, parsed.data.currentPassword);
  if (!result.ok) return result;
  await signOut({ redirect: false });
  redirect("/?account=deleted");
}
