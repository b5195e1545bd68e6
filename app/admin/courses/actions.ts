"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db/client";
import { requireAdmin } from "@/lib/auth/session";
import { courseFormSchema, courseFormValues, createCourse, setCourseImages, updateCourse, type CourseImages } from "@/lib/catalog/admin";
import { storeImage } from "@/lib/images";
import { formFields, invalid, malformed, type FormState } from "@/lib/forms";
import { addSection, lessonFormSchema, move, removeFromOutline, saveLesson, sectionFormSchema } from "@/lib/learning/editor";

/** Course titles and prices show all over the store (catalog, course pages, carts, learning pages). */
const revalidateStore = () => revalidatePath("/", "layout");

/**
 * The cover and instructor photo chosen in the form (file inputs left empty change nothing): each checked, resized
 * and stored first, so a bad file refuses the save with a message on its field.
 */
async function uploadedImages(formData: FormData): Promise<{ ok: true; ids: CourseImages } | { ok: false; state: FormState }> {
  const ids: CourseImages = {};
  for (const [field, use, key] of [["cover", "cover", "coverImageId"], ["instructorPhoto", "portrait", "instructorImageId"]] as const) {
    const file = formData.get(field);
    if (!(file instanceof File) || file.size === 0) continue;
    const stored = await storeImage(getDb(), new Uint8Array(await file.arrayBuffer()), use);
    if (!stored.ok) return { ok: false, state: { ok: false, message: "Please correct the highlighted fields.", fieldErrors: { [field]: [stored.message] }, values: formFields(formData) } };
    ids[key] = stored.id;
  }
  return { ok: true, ids };
}

export async function createCourseAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const admin = await requireAdmin();
  // Echoed back on errors, so the form keeps everything that was typed.
  const fields = formFields(formData);
  const parsed = courseFormSchema.safeParse(fields);
  if (!parsed.success) return invalid(parsed.error, fields);
  const uploads = await uploadedImages(formData);
  if (!uploads.ok) return uploads.state;
  const result = await createCourse(getDb(), admin.id, parsed.data);
  if (!result.ok) return { ...result, values: fields };
  await setCourseImages(getDb(), admin.id, result.course.id, uploads.ids);
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
  const uploads = await uploadedImages(formData);
  if (!uploads.ok) return uploads.state;
  const result = await updateCourse(getDb(), admin.id, id.data, parsed.data);
  if (!result.ok) return { ...result, values: fields };
  const imagesChanged = await setCourseImages(getDb(), admin.id, id.data, uploads.ids);
  const changed = result.changed || imagesChanged;
  if (changed) revalidateStore();
  return { ok: true, message: changed ? "Changes saved." : "Nothing to save: no field was changed.", values: courseFormValues(result.course) };
}

// ---------------------------------------------------------------------------------------------
// The course outline: sections and lessons
// ---------------------------------------------------------------------------------------------

const outlineTarget = z.object({ courseId: z.uuid(), what: z.enum(["section", "lesson"]), id: z.uuid() });
const revalidateCourse = (courseId: string) => {
  revalidatePath(`/admin/courses/${courseId}`);
  revalidateStore();
};

export async function addSectionAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const admin = await requireAdmin();
  const fields = formFields(formData);
  const courseId = z.uuid().safeParse(fields.courseId);
  if (!courseId.success) return malformed;
  const parsed = sectionFormSchema.safeParse(fields);
  if (!parsed.success) return invalid(parsed.error, fields);
  const result = await addSection(getDb(), admin.id, courseId.data, parsed.data.sectionTitle);
  if (!result.ok) return result;
  revalidateCourse(courseId.data);
  return { ok: true, message: "Section added." };
}

export async function saveLessonAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const admin = await requireAdmin();
  const fields = formFields(formData);
  const courseId = z.uuid().safeParse(fields.courseId);
  const lessonId = fields.lessonId ? z.uuid().safeParse(fields.lessonId) : null;
  if (!courseId.success || (lessonId && !lessonId.success)) return malformed;
  const parsed = lessonFormSchema.safeParse(fields);
  if (!parsed.success) return invalid(parsed.error, fields);
  const result = await saveLesson(getDb(), admin.id, courseId.data, lessonId?.data ?? null, parsed.data);
  if (!result.ok) return { ...result, values: fields };
  revalidateCourse(courseId.data);
  if (!lessonId) redirect(`/admin/courses/${courseId.data}?lesson=added#outline`);
  return { ok: true, message: "Lesson saved.", values: fields };
}

export async function moveInOutlineAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const admin = await requireAdmin();
  const parsed = outlineTarget.extend({ direction: z.enum(["up", "down"]) }).safeParse(formFields(formData));
  if (!parsed.success) return malformed;
  const { courseId, what, id, direction } = parsed.data;
  const moved = await move(getDb(), admin.id, courseId, what, id, direction);
  revalidateCourse(courseId);
  return moved ? { ok: true, message: "Moved." } : { ok: false, message: `Already at the ${direction === "up" ? "top" : "bottom"}.` };
}

export async function removeFromOutlineAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const admin = await requireAdmin();
  const parsed = outlineTarget.safeParse(formFields(formData));
  if (!parsed.success) return malformed;
  const result = await removeFromOutline(getDb(), admin.id, parsed.data.courseId, parsed.data.what, parsed.data.id);
  if (!result.ok) return result;
  revalidateCourse(parsed.data.courseId);
  return { ok: true, message: parsed.data.what === "section" ? "Section removed." : "Lesson removed." };
}
