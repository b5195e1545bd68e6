"use client";

import { useState } from "react";
import { saveProductAction } from "@/app/admin/memberships/actions";
import { CheckboxField, Field, SelectField, TextAreaField } from "@/components/forms/field";
import { FormMessage } from "@/components/forms/form-message";
import { SubmitButton } from "@/components/forms/submit-button";
import { useGuardedActionState } from "@/components/forms/use-guarded-action";

type Course = { id: string; title: string; published: boolean };

/** The membership / payment-plan editor: what it sells, how often it bills, what it costs in one currency. */
export function ProductForm({ id, initial, courses, currencies, locked }: { id?: string; initial: Record<string, string>; courses: Course[]; currencies: readonly string[]; locked: boolean }) {
  const [state, action] = useGuardedActionState(saveProductAction, "The connection dropped before the answer arrived, so we cannot tell whether it was saved. Reload the page to see.");
  const values = state?.values ?? initial;
  const errors = state?.fieldErrors ?? {};
  const [kind, setKind] = useState(values.kind ?? "membership");
  const [all, setAll] = useState(values.allCourses === "on");
  const chosen = new Set((values.courseIds ?? "").split(",").filter(Boolean));
  const rhythmHint = locked ? "Buyers have subscribed: the billing rhythm is fixed. Create a new membership or plan to change it." : undefined;
  return (
    <form action={action} noValidate className="space-y-6">
      {id && <input type="hidden" name="id" value={id} />}
      <fieldset className="space-y-4 rounded-xl border border-slate-200 bg-white p-6">
        <legend className="px-1 text-lg font-semibold text-slate-900">What it sells</legend>
        <SelectField label="Kind" name="kind" value={kind} onChange={(e) => setKind(e.target.value)} disabled={locked} errors={errors.kind}>
          <option value="membership">Membership — every course, or chosen ones, while paid</option>
          <option value="plan">Payment plan — one course in several payments</option>
        </SelectField>
        {locked && <input type="hidden" name="kind" value={kind} />}
        <Field label="Name" name="name" defaultValue={values.name} errors={errors.name} />
        <Field label="Slug" name="slug" defaultValue={values.slug} hint="Its address: /memberships/<slug>. Leave empty to make one from the name." errors={errors.slug} />
        <TextAreaField label="Description" name="description" defaultValue={values.description} rows={3} errors={errors.description} />
        {kind === "plan" ? (
          <SelectField label="Course" name="courseId" defaultValue={values.courseId} disabled={locked} errors={errors.courseId}>
            <option value="">Choose a course…</option>
            {courses.map((c) => (
              <option key={c.id} value={c.id}>
                {c.title}
                {c.published ? "" : " (draft)"}
              </option>
            ))}
          </SelectField>
        ) : (
          <fieldset aria-describedby={errors.courseIds?.length ? "field-courseIds-error" : undefined} className="space-y-2">
            <legend className="text-sm font-medium text-slate-800">Courses included</legend>
            <CheckboxField label="Every published course (including later ones)" name="allCourses" checked={all} onChange={(e) => setAll(e.target.checked)} />
            {!all && (
              <div className="grid gap-1 sm:grid-cols-2">
                {courses.map((c) => (
                  <label key={c.id} className="flex items-center gap-2 text-sm text-slate-800">
                    <input type="checkbox" name="courseIds" value={c.id} defaultChecked={chosen.has(c.id)} className="size-4 rounded border-slate-300" />
                    {c.title}
                    {c.published ? "" : " (draft)"}
                  </label>
                ))}
              </div>
            )}
            {errors.courseIds?.length ? (
              <p id="field-courseIds-error" className="text-sm text-red-700">
                {errors.courseIds.join(" ")}
              </p>
            ) : null}
          </fieldset>
        )}
        {locked && kind === "plan" && <input type="hidden" name="courseId" value={values.courseId} />}
      </fieldset>

      <fieldset className="space-y-4 rounded-xl border border-slate-200 bg-white p-6">
        <legend className="px-1 text-lg font-semibold text-slate-900">Billing</legend>
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField label="Bills every" name="interval" defaultValue={values.interval ?? "month"} disabled={locked} hint={rhythmHint} errors={errors.interval}>
            <option value="day">day</option>
            <option value="week">week</option>
            <option value="month">month</option>
            <option value="year">year</option>
          </SelectField>
          <Field label="Number of periods between payments" name="intervalCount" type="number" min={1} max={12} defaultValue={values.intervalCount ?? "1"} readOnly={locked} errors={errors.intervalCount} />
          {kind === "plan" ? (
            <Field label="Number of payments" name="instalments" type="number" min={2} max={36} defaultValue={values.instalments} readOnly={locked} errors={errors.instalments} />
          ) : (
            <Field label="Free trial (days)" name="trialDays" type="number" min={0} max={90} defaultValue={values.trialDays ?? "0"} readOnly={locked} hint="0 for no trial." errors={errors.trialDays} />
          )}
        </div>
        {locked && <input type="hidden" name="interval" value={values.interval} />}
      </fieldset>

      <fieldset className="space-y-4 rounded-xl border border-slate-200 bg-white p-6">
        <legend className="px-1 text-lg font-semibold text-slate-900">Price</legend>
        <p className="text-sm text-slate-600">A changed price or setup fee is a new price version for new buyers; everyone subscribed keeps theirs.</p>
        <div className="grid gap-4 sm:grid-cols-3">
          <SelectField label="Currency" name="currency" defaultValue={values.currency ?? "USD"} errors={errors.currency}>
            {currencies.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </SelectField>
          <Field label={kind === "plan" ? "Each payment" : "Each period"} name="amount" inputMode="decimal" defaultValue={values.amount} errors={errors.amount} />
          <Field label="Setup fee" name="setupFee" inputMode="decimal" defaultValue={values.setupFee} hint="Charged once, with the first payment. Empty for none." errors={errors.setupFee} />
        </div>
      </fieldset>

      <CheckboxField label="Published (offered to buyers)" name="published" defaultChecked={values.published === "on"} errors={errors.published} />
      <div className="flex items-center gap-3">
        <SubmitButton pendingLabel="Saving…">{id ? "Save changes" : "Create"}</SubmitButton>
      </div>
      <div aria-live="polite">
        <FormMessage state={state} />
      </div>
    </form>
  );
}
