import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { CourseForm, type CurrencyOption } from "@/components/admin/course-form";
import { OutlineEditor } from "@/components/admin/outline-editor";
import { editorOutline } from "@/lib/learning/editor";
import { isUuid } from "@/lib/uuid";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { requireAdmin } from "@/lib/auth/session";
import { courseFormValues, findCourseForAdmin } from "@/lib/catalog/admin";
import { readPaymentSettings } from "@/lib/settings/payments";

export const metadata: Metadata = { title: "Edit course" };

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function EditCoursePage({ params, searchParams }: Props) {
  await requireAdmin();
  const [{ id }, { created, lesson: lessonAdded }] = await Promise.all([params, searchParams]);
  const db = getDb();
  const [course, { allowedCurrencies }, outline] = await Promise.all([findCourseForAdmin(db, id), readPaymentSettings(db), isUuid(id) ? editorOutline(db, id) : []]);
  if (!course) notFound();
  const currencies: CurrencyOption[] = allowedCurrencies.map((code) => ({ code, accepted: true }));
  // Listed anyway, or the select would silently switch the course to another currency.
  if (!allowedCurrencies.some((code) => code === course.currency)) currencies.push({ code: course.currency, accepted: false });

  return (
    <div className="max-w-3xl space-y-6">
      <div>
        <p className="text-sm">
          <Link href="/admin/courses" className="font-medium text-brand-800 hover:underline">
            Courses
          </Link>
        </p>
        <h1 className="mt-1 text-3xl font-bold tracking-tight text-slate-900">Edit course</h1>
        <div className="mt-2 flex flex-wrap items-center gap-3 text-sm text-slate-600">
          <span className="font-medium text-slate-900">{course.title}</span>
          {course.published ? <Badge tone="green">Published</Badge> : <Badge>Draft</Badge>}
          {course.published && (
            <Link href={`/courses/${course.slug}`} className="font-medium text-brand-800 hover:underline">
              View on the store
            </Link>
          )}
        </div>
      </div>
      {created === "1" && <Alert tone="success">Course created.</Alert>}
      {lessonAdded === "added" && <Alert tone="success">Lesson added.</Alert>}
      <CourseForm key={course.id} courseId={course.id} initial={courseFormValues(course)} currencies={currencies} />
      <OutlineEditor courseId={course.id} outline={outline} />
    </div>
  );
}
