import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { lessons } from "@/db/schema";
import { LessonForm } from "@/components/admin/lesson-form";
import { requireAdmin } from "@/lib/auth/session";
import { findCourseForAdmin } from "@/lib/catalog/admin";
import { editorOutline, lessonFormValues } from "@/lib/learning/editor";
import { isUuid } from "@/lib/uuid";

export const metadata: Metadata = { title: "Edit lesson" };

export default async function EditLessonPage({ params }: { params: Promise<{ id: string; lessonId: string }> }) {
  await requireAdmin();
  const { id, lessonId } = await params;
  if (!isUuid(id) || !isUuid(lessonId)) notFound();
  const db = getDb();
  const [course, [lesson], sections] = await Promise.all([
    findCourseForAdmin(db, id),
    db.select().from(lessons).where(and(eq(lessons.id, lessonId), eq(lessons.courseId, id))),
    editorOutline(db, id),
  ]);
  if (!course || !lesson) notFound();
  return (
    <div className="max-w-3xl space-y-6">
      <div>
        <Link href={`/admin/courses/${course.id}#outline`} className="text-sm font-medium text-brand-800 hover:underline">
          {course.title}
        </Link>
        <h1 className="mt-1 text-3xl font-bold tracking-tight text-slate-900">{lesson.title}</h1>
        {course.published && lesson.published && (
          <Link href={`/learn/${course.slug}/${lesson.slug}`} className="mt-1 inline-block text-sm font-medium text-brand-800 hover:underline">
            View as a learner
          </Link>
        )}
      </div>
      <LessonForm key={lesson.updatedAt.toISOString()} courseId={course.id} lessonId={lesson.id} sections={sections} initial={lessonFormValues(lesson)} />
    </div>
  );
}
