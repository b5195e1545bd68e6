"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db/client";
import { requireAdmin } from "@/lib/auth/session";
import { courseFormSchema, courseFormValues, createCourse, updateCourse } from "@/lib/catalog/admin";
import { formFields, invalid, malformed, type FormState } from "@/lib/forms";

/** Course titles and prices show all over the store (catalog, course pages, carts, learning pages). */
const revalidateStore = () => revalidatePath("/", "layout");

export async function createCourseAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const admin = await requireAdmin();
  // Echoed back on errors, so the form keeps everything that was typed.
  const fields = formFields(formData);
  const parsed = courseFormSchema.safeParse(fields);
  if (!parsed.success) return invalid(parsed.error, fields);
  const result = await createCourse(getDb(), admin.id, parsed.data);
  if (!result.ok) return { ...result, values: fields };
  revalidateStore();
  redirect(`/admin/courses/${result.course.id}?created=1`);
}

export async function updateCourseAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const admin = await requireAdmin();
  const fields = formFields(formData);
  const id = z.uuid().safeParse(fields.id);
  if (!id.success) return malformed;
  const parsed = courseFormSchema.safeParse(fields);
  if (!parsed.success) return invalid(parsed.error, fields);
  const result = await updateCourse(getDb(), admin.id, id.data, parsed.data);
  if (!result.ok) return { ...result, values: fields };
  if (result.changed) revalidateStore();
  return { ok: true, message: result.changed ? "Changes saved." : "Nothing to save: no field was changed.", values: courseFormValues(result.course) };
}
