"use client";

import Link from "next/link";
import { useState } from "react";
import { createCourseAction, updateCourseAction } from "@/app/admin/courses/actions";
import { CheckboxField, Field, SelectField, TextAreaField } from "@/components/forms/field";
import { SubmitButton } from "@/components/forms/submit-button";
import { FormMessage } from "@/components/forms/form-message";
import { useGuardedActionState } from "@/components/forms/use-guarded-action";
import { buttonClass } from "@/components/ui/button";
import { COURSE_LEVELS, COURSE_LIMITS, slugify } from "@/lib/catalog/course-fields";
import { exponent, isCurrencyCode } from "@/lib/money";

export type CurrencyOption = { code: string; accepted: boolean };

/** The parts of the form that react to what is typed: the slug suggestion, the price's currency, "Free". */
const live = (values: Record<string, string>) => ({ title: values.title ?? "", currency: values.currency ?? "", free: values.free === "on" });

function priceHint(currency: string, free: boolean): string {
  const unchanged = "Existing orders keep the price they were placed at; a new price applies to new checkouts only.";
  if (free) return `Free courses have no price. ${unchanged}`;
  if (!isCurrencyCode(currency)) return unchanged;
  const format = exponent(currency) === 0 ? `${currency} has no decimals: a whole amount such as 1200.` : `In ${currency}, e.g. 49.00.`;
  return `${format} ${unchanged}`;
}

/** Creates a course (no `courseId`) or edits one; the server action validates everything again. */
export function CourseForm({
  courseId,
  initial,
  currencies,
}: {
  courseId?: string;
  initial: Record<string, string>;
  currencies: CurrencyOption[];
}) {
  const [state, action] = useGuardedActionState(courseId ? updateCourseAction : createCourseAction, "The connection dropped before the answer arrived, so we cannot tell whether the course was saved. Open the course list to see what is saved now before trying again.");
  const values = state?.values ?? initial;
  const errors = state?.fieldErrors ?? {};

  const [form, setForm] = useState(() => live(values));
  // After each submit React resets the fields to the values the action sent back; follow them.
  // React's reset after a submit does not re-apply a select's changed defaultValue, so each answer remounts the fields.
  const [seenState, setSeenState] = useState(state);
  const [generation, setGeneration] = useState(0);
  if (state !== seenState) {
    setSeenState(state);
    setForm(live(values));
    setGeneration(generation + 1);
  }

  const suggestedSlug = slugify(form.title);
  const slugHint = [
    "Lower-case words joined by hyphens; the course's address is /courses/ followed by the slug.",
    courseId && "Changing it changes that address: links to the old one stop working.",
    suggestedSlug && `Leave empty to use “${suggestedSlug}”.`,
  ]
    .filter(Boolean)
    .join(" ");

  return (
    <form key={generation} action={action} className="space-y-8" noValidate>
      {courseId && <input type="hidden" name="id" value={courseId} />}

      <fieldset className="space-y-4 rounded-xl border border-slate-200 bg-white p-6">
        <legend className="px-1 text-base font-semibold text-slate-900">Course</legend>
        <Field
          label="Title"
          name="title"
          required
          maxLength={COURSE_LIMITS.title}
          defaultValue={values.title}
          onChange={(e) => setForm({ ...form, title: e.target.value })}
          errors={errors.title}
        />
        <Field
          label="Slug"
          name="slug"
          maxLength={COURSE_LIMITS.slug}
          autoComplete="off"
          spellCheck={false}
          placeholder={suggestedSlug || undefined}
          defaultValue={values.slug}
          hint={slugHint}
          errors={errors.slug}
        />
        <Field
          label="Subtitle"
          name="subtitle"
          maxLength={COURSE_LIMITS.subtitle}
          defaultValue={values.subtitle}
          hint="Optional: one line under the title, on the course card and page. Searched with the title."
          errors={errors.subtitle}
        />
        <TextAreaField
          label="Summary"
          name="summary"
          required
          rows={2}
          maxLength={COURSE_LIMITS.summary}
          defaultValue={values.summary}
          hint="One or two sentences, shown on the catalog's course cards."
          errors={errors.summary}
        />
        <TextAreaField
          label="Description"
          name="body"
          required
          rows={10}
          maxLength={COURSE_LIMITS.body}
          defaultValue={values.body}
          hint="Shown on the course page. Separate paragraphs with an empty line."
          errors={errors.body}
        />
      </fieldset>

      <fieldset className="space-y-4 rounded-xl border border-slate-200 bg-white p-6">
        <legend className="px-1 text-base font-semibold text-slate-900">For the catalog&apos;s filters</legend>
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField label="Level" name="level" required defaultValue={values.level ?? "beginner"} errors={errors.level}>
            {COURSE_LEVELS.map((level) => (
              <option key={level} value={level}>
                {level.charAt(0).toUpperCase() + level.slice(1)}
              </option>
            ))}
          </SelectField>
          <Field label="Topic" name="topic" required maxLength={COURSE_LIMITS.topic} defaultValue={values.topic ?? "General"} hint="e.g. Payments, Databases. Courses with the same topic are filtered together." errors={errors.topic} />
          <Field label="Language" name="language" required maxLength={COURSE_LIMITS.language} defaultValue={values.language ?? "English"} errors={errors.language} />
          <Field label="Instructor" name="instructorName" maxLength={COURSE_LIMITS.instructorName} defaultValue={values.instructorName} hint="Optional; searched like the title." errors={errors.instructorName} />
        </div>
        <TextAreaField label="Instructor bio" name="instructorBio" rows={3} maxLength={COURSE_LIMITS.instructorBio} defaultValue={values.instructorBio} hint="Optional: two or three sentences on the course page." errors={errors.instructorBio} />
        <TextAreaField label="What you will learn" name="outcomes" rows={4} maxLength={COURSE_LIMITS.outcomes} defaultValue={values.outcomes} hint="One outcome per line; shown as a checklist on the course page." errors={errors.outcomes} />
      </fieldset>

      <fieldset className="space-y-4 rounded-xl border border-slate-200 bg-white p-6">
        <legend className="px-1 text-base font-semibold text-slate-900">Pictures</legend>
        <div className="grid gap-4 sm:grid-cols-2">
          <div className="space-y-2">
            {initial.coverImageId && (
              // A small preview of the stored 960×540 cover (a plain img: no layout to protect in a form).
              <img src={`/images/${initial.coverImageId}`} alt="Current cover" width={240} height={135} className="rounded-lg border border-slate-200" />
            )}
            <Field label="Cover image" name="cover" type="file" accept="image/png,image/jpeg,image/webp" errors={errors.cover} hint="PNG, JPEG or WebP, up to 5 MB; cropped to 16:9 (960×540). Leave empty to keep the current one." />
          </div>
          <div className="space-y-2">
            {initial.instructorImageId && (
              // A small preview of the stored 256×256 photo.
              <img src={`/images/${initial.instructorImageId}`} alt="Current instructor photo" width={64} height={64} className="rounded-full border border-slate-200" />
            )}
            <Field label="Instructor photo" name="instructorPhoto" type="file" accept="image/png,image/jpeg,image/webp" errors={errors.instructorPhoto} hint="Square works best (256×256). Leave empty to keep the current one." />
          </div>
        </div>
      </fieldset>

      <fieldset className="space-y-4 rounded-xl border border-slate-200 bg-white p-6">
        <legend className="px-1 text-base font-semibold text-slate-900">Price</legend>
        <CheckboxField
          label="Free"
          name="free"
          defaultChecked={values.free === "on"}
          onChange={(e) => setForm({ ...form, free: e.target.checked })}
          hint="Anyone signed in can enroll at once. A price of 0 also makes a course free."
          errors={errors.free}
        />
        <div className="grid gap-4 sm:grid-cols-2">
          <Field
            label="Price"
            name="price"
            inputMode="decimal"
            autoComplete="off"
            disabled={form.free}
            required={!form.free}
            defaultValue={values.price}
            hint={priceHint(form.currency, form.free)}
            errors={errors.price}
          />
          <SelectField
            label="Currency"
            name="currency"
            required
            defaultValue={values.currency}
            onChange={(e) => setForm({ ...form, currency: e.target.value })}
            hint="The currencies the payment settings accept."
            errors={errors.currency}
          >
            {currencies.map(({ code, accepted }) => (
              <option key={code} value={code}>
                {accepted ? code : `${code} (no longer accepted)`}
              </option>
            ))}
          </SelectField>
        </div>
      </fieldset>

      <fieldset className="space-y-4 rounded-xl border border-slate-200 bg-white p-6">
        <legend className="px-1 text-base font-semibold text-slate-900">Access and visibility</legend>
        <CheckboxField
          label="Auditable"
          name="auditable"
          defaultChecked={values.auditable === "on"}
          hint="Students may take a paid course's content for free, without a certificate."
          errors={errors.auditable}
        />
        <CheckboxField
          label="Published"
          name="published"
          defaultChecked={values.published === "on"}
          hint="Only published courses appear in the store."
          errors={errors.published}
        />
      </fieldset>

      <FormMessage state={state} />
      <div className="flex flex-wrap gap-3">
        <SubmitButton pendingLabel={courseId ? "Saving…" : "Creating…"}>{courseId ? "Save changes" : "Create course"}</SubmitButton>
        <Link href="/admin/courses" className={buttonClass("secondary")}>
          Back to courses
        </Link>
      </div>
    </form>
  );
}
