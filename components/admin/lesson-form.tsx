"use client";

import Link from "next/link";
import { saveLessonAction } from "@/app/admin/courses/actions";
import { CheckboxField, Field, SelectField, TextAreaField } from "@/components/forms/field";
import { FormMessage } from "@/components/forms/form-message";
import { SubmitButton } from "@/components/forms/submit-button";
import { useGuardedActionState } from "@/components/forms/use-guarded-action";
import { buttonClass } from "@/components/ui/button";

/** Adds (no `lessonId`) or edits a lesson of a course; the server checks every field again. */
export function LessonForm({ courseId, lessonId, sections, initial }: { courseId: string; lessonId?: string; sections: { id: string; title: string }[]; initial: Record<string, string> }) {
  const [state, action] = useGuardedActionState(saveLessonAction, "The connection dropped before the answer arrived, so we cannot tell whether the lesson was saved. Open the course to see.");
  const values = state?.values ?? initial;
  const errors = state?.fieldErrors ?? {};
  return (
    <form action={action} className="space-y-5 rounded-xl border border-slate-200 bg-white p-6" noValidate>
      <input type="hidden" name="courseId" value={courseId} />
      {lessonId && <input type="hidden" name="lessonId" value={lessonId} />}
      <SelectField label="Section" name="sectionId" required defaultValue={values.sectionId ?? sections[0]?.id} errors={errors.sectionId}>
        {sections.map((s) => (
          <option key={s.id} value={s.id}>
            {s.title}
          </option>
        ))}
      </SelectField>
      <Field label="Title" name="title" required maxLength={160} defaultValue={values.title} errors={errors.title} />
      <Field label="Slug" name="slug" maxLength={80} defaultValue={values.slug} errors={errors.slug} hint="The lesson's address: /learn/<course>/<slug>. Leave empty to make one from the title." />
      <TextAreaField
        label="Lesson (Markdown)"
        name="bodyMarkdown"
        required
        rows={14}
        className="font-mono text-sm"
        defaultValue={values.bodyMarkdown}
        errors={errors.bodyMarkdown}
        hint="Headings (##), lists, links, **bold**, > quotes. HTML is not rendered."
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Video link" name="videoUrl" type="url" defaultValue={values.videoUrl} errors={errors.videoUrl} hint="Optional: a YouTube or Vimeo link, embedded with their privacy-friendly player." />
        <Field label="Duration (minutes)" name="durationMinutes" inputMode="numeric" required defaultValue={values.durationMinutes ?? "10"} errors={errors.durationMinutes} />
      </div>
      <CheckboxField label="Free preview" name="preview" defaultChecked={values.preview === "on"} hint="Anyone may read it, enrolled or not; the course page links to it." />
      <CheckboxField label="Published" name="published" defaultChecked={values.published === "on"} hint="Drafts are not shown to learners and do not count for completion." />
      <FormMessage state={state} />
      <div className="flex flex-wrap gap-3">
        <SubmitButton pendingLabel="Saving…">{lessonId ? "Save lesson" : "Add lesson"}</SubmitButton>
        <Link href={`/admin/courses/${courseId}#outline`} className={buttonClass("secondary")}>
          Back to the course
        </Link>
      </div>
    </form>
  );
}
