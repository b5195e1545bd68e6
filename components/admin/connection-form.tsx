"use client";

import Link from "next/link";
import { saveConnectionAction } from "@/app/admin/gateway/actions";
import { CheckboxField, Field, TextAreaField } from "@/components/forms/field";
import { FormMessage } from "@/components/forms/form-message";
import { SubmitButton } from "@/components/forms/submit-button";
import { useGuardedActionState } from "@/components/forms/use-guarded-action";
import { buttonClass } from "@/components/ui/button";

/** Creates (no `connectionId`) or edits an LMS connection; the server validates the key and every URL again. */
export function ConnectionForm({ connectionId, initial, hasApiKey }: { connectionId?: string; initial: Record<string, string>; hasApiKey: boolean }) {
  const [state, action] = useGuardedActionState(
    saveConnectionAction,
    "The connection dropped before the answer arrived, so we cannot tell whether the LMS connection was saved. Reload the page to see what is saved now.",
  );
  const values = state?.values ?? initial;
  const errors = state?.fieldErrors ?? {};
  return (
    <form action={action} className="space-y-8" noValidate>
      {connectionId && <input type="hidden" name="id" value={connectionId} />}
      <fieldset className="space-y-4 rounded-xl border border-slate-200 bg-white p-6">
        <legend className="px-1 text-base font-semibold text-slate-900">The LMS</legend>
        <Field label="Name" name="name" required maxLength={100} defaultValue={values.name} errors={errors.name} hint="Shown to learners on the payment page, e.g. “Riverside Academy on OpenLearning”." />
        <Field
          label="Endpoint name"
          name="slug"
          required
          maxLength={60}
          autoComplete="off"
          defaultValue={values.slug}
          errors={errors.slug}
          hint="Lower-case words joined by hyphens. The LMS posts learners to /gateway/<endpoint name>/enrol."
        />
        <TextAreaField
          label="LMS public key (RS256, PEM)"
          name="publicKeyPem"
          required
          rows={7}
          spellCheck={false}
          className="font-mono text-xs"
          defaultValue={values.publicKeyPem}
          errors={errors.publicKeyPem}
          hint="Paste the key the LMS shows when you enable its external payment gateway. Only RS256 tokens signed with it are accepted."
        />
        <Field label="Audience (aud)" name="audience" required maxLength={200} defaultValue={values.audience} errors={errors.audience} hint="The institution's portal identifier the LMS puts in every token." />
      </fieldset>
      <fieldset className="space-y-4 rounded-xl border border-slate-200 bg-white p-6">
        <legend className="px-1 text-base font-semibold text-slate-900">Enrolment and return</legend>
        <Field label="Enrolment API URL" name="enrolmentUrl" type="url" required defaultValue={values.enrolmentUrl} errors={errors.enrolmentUrl} hint="For OpenLearning: https://api.openlearning.com/v2.2/enrolments/" />
        <Field
          label="API key"
          name="apiKey"
          type="password"
          autoComplete="off"
          required={!hasApiKey}
          errors={errors.apiKey}
          hint={hasApiKey ? "Stored encrypted and never shown again. Leave empty to keep it; type a new one to replace it." : "The course administrator's API key. Stored encrypted and never shown again."}
        />
        <TextAreaField
          label="Allowed return origins"
          name="redirectOrigins"
          required
          rows={3}
          spellCheck={false}
          defaultValue={values.redirectOrigins}
          errors={errors.redirectOrigins}
          hint="One per line, e.g. https://www.openlearning.com. A token whose redirect_url points anywhere else is refused."
        />
        <CheckboxField label="Enabled" name="enabled" defaultChecked={values.enabled === "on"} errors={errors.enabled} hint="When off, learners from this LMS see that payment is unavailable; paid enrolments still complete." />
      </fieldset>
      <FormMessage state={state} />
      <div className="flex flex-wrap gap-3">
        <SubmitButton pendingLabel="Saving…">{connectionId ? "Save changes" : "Create connection"}</SubmitButton>
        <Link href="/admin/gateway" className={buttonClass("secondary")}>
          Back to LMS connections
        </Link>
      </div>
    </form>
  );
}
