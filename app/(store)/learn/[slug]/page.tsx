import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { requireCourseAccess } from "@/lib/enrollment/access";
import { courseOutline, resumeLessonSlug } from "@/lib/learning";

type Props = { params: Promise<{ slug: string }> };

export const metadata: Metadata = { title: "Course" };

/** A course with lessons opens where the learner left off (else at its first lesson); one without shows its text. */
export default async function LearnPage({ params }: Props) {
  const { slug } = await params;
  const { course, user, enrollment: access } = await requireCourseAccess(slug, "content", `/learn/${slug}`);
  const db = getDb();
  const outline = await courseOutline(db, course.id, user.id);
  const resume = outline.lessons.length ? await resumeLessonSlug(db, user.id, course.id, outline) : null;
  if (resume) redirect(`/learn/${course.slug}/${resume}`);
  const sections = course.body.split("\n\n");
  return (
    <div className="mx-auto max-w-3xl">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-600">
        <Link href="/my/courses" className="hover:underline">
          My courses
        </Link>{" "}
        / <span aria-current="page">{course.title}</span>
      </nav>
      <div className="mt-4 flex items-center gap-3">
        {access.mode === "audit" ? <Badge tone="blue">Auditing</Badge> : <Badge tone="green">Enrolled</Badge>}
      </div>
      <h1 className="mt-2 text-3xl font-bold tracking-tight text-slate-900">{course.title}</h1>
      <p className="mt-2 text-lg text-slate-600">{course.summary}</p>

      <ol className="mt-8 space-y-4">
        {sections.map((text, index) => (
          <li key={index} className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
            <h2 className="text-sm font-semibold uppercase tracking-wide text-brand-700">Lesson {index + 1}</h2>
            <p className="mt-2 leading-relaxed text-slate-800">{text}</p>
          </li>
        ))}
      </ol>

      <div className="mt-8 rounded-xl border border-slate-200 bg-white p-6">
        {access.mode === "full" ? (
          <div className="flex flex-wrap items-center justify-between gap-4">
            <p className="text-slate-700">Finished the course? Your certificate is ready.</p>
            <ButtonLink href={`/learn/${course.slug}/certificate`}>View certificate</ButtonLink>
          </div>
        ) : (
          <div className="flex flex-wrap items-center justify-between gap-4">
            <p className="text-slate-700">You are auditing: the content is yours to read, but audits do not include a certificate.</p>
            <ButtonLink href={`/courses/${course.slug}`} variant="secondary">
              Buy to earn a certificate
            </ButtonLink>
          </div>
        )}
      </div>
    </div>
  );
}
