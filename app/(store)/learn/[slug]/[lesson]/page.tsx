import type { Metadata } from "next";
import Link from "next/link";
import { forbidden, notFound, redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { completeLessonAction } from "@/app/(store)/learn/actions";
import { ActionButton } from "@/components/forms/action-button";
import { CompleteOnRead } from "@/components/learning/complete-on-read";
import { LessonMarkdown } from "@/components/learning/lesson-markdown";
import { CourseProgress, LessonNav } from "@/components/learning/lesson-nav";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { currentUser } from "@/lib/auth/session";
import { findPublishedCourse } from "@/lib/catalog";
import { canViewContent } from "@/lib/enrollment";
import { canReadLesson, courseOutline, findLesson, recordView, validCertificate } from "@/lib/learning";
import { videoEmbedUrl } from "@/lib/learning/video";
import { accessWithSubscriptions } from "@/lib/subscriptions/access";

type Props = { params: Promise<{ slug: string; lesson: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { slug, lesson } = await params;
  const db = getDb();
  const course = await findPublishedCourse(db, slug);
  const found = course ? await findLesson(db, course.id, lesson) : null;
  return { title: found && course ? `${found.title} · ${course.title}` : "Lesson" };
}

/**
 * One lesson: the course's lessons beside it (a menu on phones), the lesson (Markdown, an allowed video), progress,
 * "Mark complete" (and completion when read to the end), previous and next. Preview lessons are open to anyone; the
 * others to enrolled learners (full or audit) — the access rules of lib/learning and lib/enrollment.
 */
export default async function LessonPage({ params }: Props) {
  const { slug, lesson: lessonSlug } = await params;
  const db = getDb();
  const course = await findPublishedCourse(db, slug);
  const lesson = course ? await findLesson(db, course.id, lessonSlug) : null;
  if (!course || !lesson) notFound();
  const user = await currentUser();
  const access = user ? await accessWithSubscriptions(db, user.id, course.id) : null;
  if (!canReadLesson(access, lesson)) {
    if (!user) redirect(`/sign-in?callbackUrl=${encodeURIComponent(`/learn/${slug}/${lessonSlug}`)}`);
    forbidden();
  }
  const enrolled = canViewContent(access);
  if (user && enrolled) await recordView(db, user.id, lesson);
  const outline = await courseOutline(db, course.id, enrolled ? user!.id : null);
  const index = outline.lessons.findIndex((l) => l.id === lesson.id);
  const previous = outline.lessons[index - 1];
  const next = outline.lessons[index + 1];
  const completed = outline.lessons[index]?.completed ?? false;
  const video = videoEmbedUrl(lesson.videoUrl);
  const certificate = enrolled && outline.completed === outline.lessons.length ? await validCertificate(db, user!.id, course.id) : null;
  const fields = { course: course.slug, lesson: lesson.slug };
  const nav = <LessonNav courseSlug={course.slug} outline={outline} current={lesson.slug} />;

  return (
    <div className="grid gap-8 lg:grid-cols-[18rem_1fr]">
      <aside aria-label="Course lessons" className="hidden h-fit rounded-xl border border-slate-200 bg-white p-4 lg:block">
        <p className="mb-3 font-semibold text-slate-900">{course.title}</p>
        {enrolled && (
          <div className="mb-4">
            <CourseProgress outline={outline} />
          </div>
        )}
        <nav aria-label="Lessons">{nav}</nav>
      </aside>
      <div className="min-w-0">
        <nav aria-label="Breadcrumb" className="text-sm text-slate-600">
          <Link href={enrolled ? "/my/courses" : `/courses/${course.slug}`} className="hover:underline">
            {enrolled ? "My courses" : course.title}
          </Link>{" "}
          / <span aria-current="page">{lesson.title}</span>
        </nav>
        <details className="mt-4 rounded-xl border border-slate-200 bg-white p-4 lg:hidden">
          <summary className="cursor-pointer font-semibold text-slate-900">
            Lessons{enrolled ? ` · ${outline.completed} of ${outline.lessons.length} done` : ""}
          </summary>
          <nav aria-label="Lessons (menu)" className="mt-3">
            {nav}
          </nav>
        </details>
        <article className="mt-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
          <p className="flex flex-wrap items-center gap-2 text-sm text-slate-600">
            {outline.sections.find((s) => s.lessons.some((l) => l.id === lesson.id))?.title} · {lesson.durationMinutes} min
            {lesson.preview && <Badge tone="blue">Free preview</Badge>}
            {completed && <Badge tone="green">Completed</Badge>}
          </p>
          <h1 className="mt-2 text-3xl font-bold tracking-tight text-slate-900">{lesson.title}</h1>
          {video && (
            <div className="mt-6 aspect-video overflow-hidden rounded-lg bg-slate-900">
              <iframe src={video} title={`Video: ${lesson.title}`} className="size-full" allow="encrypted-media; picture-in-picture; fullscreen" loading="lazy" />
            </div>
          )}
          <div className="mt-6">
            <LessonMarkdown source={lesson.bodyMarkdown} />
          </div>
          {enrolled && !completed && <CompleteOnRead course={course.slug} lesson={lesson.slug} />}
          <div className="mt-8 border-t border-slate-200 pt-6">
            {enrolled ? (
              completed ? (
                <p role="status" className="text-sm font-medium text-emerald-800">
                  You completed this lesson.
                </p>
              ) : (
                <div className="max-w-xs">
                  <ActionButton action={completeLessonAction} fields={fields} label="Mark complete" pendingLabel="Saving…" />
                </div>
              )
            ) : (
              <div className="flex flex-wrap items-center gap-3">
                <p className="text-sm text-slate-700">This is a free preview. Enroll to read every lesson and track your progress.</p>
                <ButtonLink href={`/courses/${course.slug}`}>See the course</ButtonLink>
              </div>
            )}
            {certificate && (
              <p className="mt-4 rounded-lg bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
                Course complete.{" "}
                <Link href={`/learn/${course.slug}/certificate`} className="font-semibold underline">
                  View your certificate
                </Link>
              </p>
            )}
          </div>
        </article>
        <nav aria-label="Previous and next lesson" className="mt-6 flex flex-wrap justify-between gap-3">
          {previous ? (
            <ButtonLink href={`/learn/${course.slug}/${previous.slug}`} variant="secondary">
              ← {previous.title}
            </ButtonLink>
          ) : (
            <span />
          )}
          {next && (
            <ButtonLink href={`/learn/${course.slug}/${next.slug}`} variant="secondary">
              {next.title} →
            </ButtonLink>
          )}
        </nav>
      </div>
    </div>
  );
}
