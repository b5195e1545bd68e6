import Link from "next/link";
import { addSectionAction, moveInOutlineAction, removeFromOutlineAction } from "@/app/admin/courses/actions";
import { ActionButton } from "@/components/forms/action-button";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import type { editorOutline } from "@/lib/learning/editor";
import { SimpleForm } from "@/components/forms/simple-form";

type Outline = Awaited<ReturnType<typeof editorOutline>>;

/** The course's sections and lessons for the admin: order (up/down), edit, remove, add. */
export function OutlineEditor({ courseId, outline }: { courseId: string; outline: Outline }) {
  const target = (what: "section" | "lesson", id: string) => ({ courseId, what, id });
  const controls = (what: "section" | "lesson", id: string, name: string, removable: boolean) => (
    <div className="flex shrink-0 gap-1">
      <div className="w-20">
        <ActionButton action={moveInOutlineAction} fields={{ ...target(what, id), direction: "up" }} label="Up" detail={name} pendingLabel="…" variant="ghost" />
      </div>
      <div className="w-20">
        <ActionButton action={moveInOutlineAction} fields={{ ...target(what, id), direction: "down" }} label="Down" detail={name} pendingLabel="…" variant="ghost" />
      </div>
      {removable && (
        <div className="w-24">
          <ActionButton action={removeFromOutlineAction} fields={target(what, id)} label="Remove" detail={name} pendingLabel="…" variant="ghost" />
        </div>
      )}
    </div>
  );
  return (
    <section id="outline" aria-labelledby="outline-heading" className="space-y-4 rounded-xl border border-slate-200 bg-white p-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id="outline-heading" className="text-lg font-semibold text-slate-900">
          Sections and lessons
        </h2>
        {outline.length > 0 && <ButtonLink href={`/admin/courses/${courseId}/lessons/new`}>Add a lesson</ButtonLink>}
      </div>
      {outline.length === 0 && <p className="text-sm text-slate-600">No section yet. Add one, then its lessons.</p>}
      <ol className="space-y-4">
        {outline.map((section) => (
          <li key={section.id} className="rounded-lg border border-slate-200 p-4">
            <div className="flex flex-wrap items-center justify-between gap-2">
              <h3 className="font-semibold text-slate-900">{section.title}</h3>
              {controls("section", section.id, `section ${section.title}`, section.lessons.length === 0)}
            </div>
            {section.lessons.length === 0 ? (
              <p className="mt-2 text-sm text-slate-600">No lesson in this section yet.</p>
            ) : (
              <ol className="mt-2 divide-y divide-slate-100">
                {section.lessons.map((lesson) => (
                  <li key={lesson.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
                    <span className="flex flex-wrap items-center gap-2">
                      <Link href={`/admin/courses/${courseId}/lessons/${lesson.id}`} className="font-medium text-brand-800 hover:underline">
                        {lesson.title}
                      </Link>
                      <span className="text-slate-600">{lesson.durationMinutes} min</span>
                      {lesson.preview && <Badge tone="blue">preview</Badge>}
                      {!lesson.published && <Badge>draft</Badge>}
                    </span>
                    {controls("lesson", lesson.id, `lesson ${lesson.title}`, true)}
                  </li>
                ))}
              </ol>
            )}
          </li>
        ))}
      </ol>
      <div className="border-t border-slate-200 pt-4">
        <SimpleForm id="section" action={addSectionAction} hidden={{ courseId }} fields={[{ name: "sectionTitle", label: "New section", maxLength: 120 }]} submit="Add section" pending="Adding…" variant="secondary" />
      </div>
    </section>
  );
}
