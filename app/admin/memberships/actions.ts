"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db/client";
import { requireAdmin } from "@/lib/auth/session";
import { formFields, invalid, malformed, type FormState } from "@/lib/forms";
import { productFormSchema, saveProduct } from "@/lib/subscriptions/editor";

/** Creates (no id) or updates a membership or payment plan; a changed price becomes a new price version. */
export async function saveProductAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const admin = await requireAdmin();
  const fields = formFields(formData);
  const courseIds = formData.getAll("courseIds").filter((v): v is string => typeof v === "string");
  // Echoed back on errors, so the form keeps everything that was typed.
  const values = { ...fields, courseIds: courseIds.join(",") };
  const id = fields.id ? z.uuid().safeParse(fields.id) : null;
  if (id && !id.success) return malformed;
  const parsed = productFormSchema.safeParse({ ...fields, courseIds });
  if (!parsed.success) return invalid(parsed.error, values);
  const saved = await saveProduct(getDb(), admin.id, id?.data ?? null, parsed.data);
  if (!saved.ok) return { ok: false, message: "Please correct the highlighted fields. Nothing was saved.", fieldErrors: saved.fieldErrors, values };
  revalidatePath("/", "layout");
  redirect(`/admin/memberships/${saved.id}?saved=${saved.newPriceVersion ?? "same-price"}`);
}
