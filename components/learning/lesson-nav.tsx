import Link from "next/link";
import type { Outline } from "@/lib/learning";

/** The course's sections and lessons, the current one marked, completed ones ticked. */
export function LessonNav({ courseSlug, outline, current }: { courseSlug: string; outline: Outline; current: string }) {
  return (
    <ol className="space-y-4">
      {outline.sections.map((section) => (
        <li key={section.id}>
          <p className="text-xs font-semibold uppercase tracking-wide text-slate-600">{section.title}</p>
          <ol className="mt-1 space-y-0.5">
            {section.lessons.map((lesson) => (
              <li key={lesson.id}>
                <Link
                  href={`/learn/${courseSlug}/${lesson.slug}`}
                  aria-current={lesson.slug === current ? "page" : undefined}
                  className="flex items-start gap-2 rounded-md px-2 py-1.5 text-sm text-slate-700 hover:bg-slate-100 aria-[current=page]:bg-brand-50 aria-[current=page]:font-semibold aria-[current=page]:text-brand-900"
                >
                  <span aria-hidden="true" className={`mt-0.5 grid size-4 shrink-0 place-items-center rounded-full border text-[10px] ${lesson.completed ? "border-emerald-600 bg-emerald-600 text-white" : "border-slate-400"}`}>
                    {lesson.completed ? "✓" : ""}
                  </span>
                  <span className="flex-1">
                    {lesson.title}
                    <span className="sr-only">{lesson.completed ? " (completed)" : ""}</span>
                  </span>
                  <span className="shrink-0 text-xs text-slate-600">{lesson.durationMinutes} min</span>
                </Link>
              </li>
            ))}
          </ol>
        </li>
      ))}
    </ol>
  );
}

/** How far the learner is: a labelled progress bar. */
export function CourseProgress({ outline }: { outline: Outline }) {
  const total = outline.lessons.length;
  const percent = total ? Math.round((outline.completed / total) * 100) : 0;
  return (
    <div>
      <p id="course-progress-label" className="flex justify-between text-sm text-slate-700">
        <span>Your progress</span>
        <span>
          {outline.completed} of {total} lessons
        </span>
      </p>
      <div role="progressbar" aria-labelledby="course-progress-label" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} className="mt-1 h-2 overflow-hidden rounded-full bg-slate-200">
        <div className="h-full rounded-full bg-emerald-600" style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}
