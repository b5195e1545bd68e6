"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { currentUser } from "@/lib/auth/session";
import { findPublishedCourse } from "@/lib/catalog";
import { getAccess } from "@/lib/enrollment";
import { formFields, malformed, type FormState } from "@/lib/forms";
import { canReadLesson, completeLesson, findLesson } from "@/lib/learning";

const lessonInput = z.object({ course: z.string().max(80), lesson: z.string().max(80) });

/** "Mark complete" (and a lesson read to its end): only for a learner who may read it; the certificate may follow. */
export async function completeLessonAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const parsed = lessonInput.safeParse(formFields(formData));
  if (!parsed.success) return malformed;
  const user = await currentUser();
  if (!user) return { ok: false, message: "Sign in to keep track of your progress." };
  const db = getDb();
  const course = await findPublishedCourse(db, parsed.data.course);
  const lesson = course ? await findLesson(db, course.id, parsed.data.lesson) : null;
  if (!course || !lesson) return { ok: false, message: "This lesson no longer exists." };
  const access = await getAccess(db, user.id, course.id);
  // A preview lesson can be read by anyone, but progress belongs to enrolled learners.
  if (!canReadLesson(access, { preview: false })) return { ok: false, message: "Enroll in this course to keep track of your progress." };
  const result = await completeLesson(db, user.id, lesson, course);
  revalidatePath(`/learn/${course.slug}`, "layout");
  if (result.certificateId) return { ok: true, message: "Course complete! Your certificate is ready." };
  return { ok: true, message: `Lesson complete: ${result.completed} of ${result.total} done.` };
}
