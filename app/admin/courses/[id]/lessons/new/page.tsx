import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { LessonForm } from "@/components/admin/lesson-form";
import { requireAdmin } from "@/lib/auth/session";
import { findCourseForAdmin } from "@/lib/catalog/admin";
import { editorOutline } from "@/lib/learning/editor";
import { isUuid } from "@/lib/uuid";

export const metadata: Metadata = { title: "New lesson" };

export default async function NewLessonPage({ params }: { params: Promise<{ id: string }> }) {
  await requireAdmin();
  const { id } = await params;
  const db = getDb();
  const course = isUuid(id) ? await findCourseForAdmin(db, id) : null;
  if (!course) notFound();
  const sections = await editorOutline(db, course.id);
  return (
    <div className="max-w-3xl space-y-6">
      <div>
        <Link href={`/admin/courses/${course.id}#outline`} className="text-sm font-medium text-brand-800 hover:underline">
          {course.title}
        </Link>
        <h1 className="mt-1 text-3xl font-bold tracking-tight text-slate-900">New lesson</h1>
      </div>
      {sections.length === 0 ? (
        <p className="text-slate-700">Add a section to the course first.</p>
      ) : (
        <LessonForm courseId={course.id} sections={sections} initial={{ published: "on", durationMinutes: "10" }} />
      )}
    </div>
  );
}
