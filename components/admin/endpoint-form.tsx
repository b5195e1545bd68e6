"use client";

import Link from "next/link";
import { createEndpointAction, updateEndpointAction } from "@/app/admin/webhooks/actions";
import { CheckboxField, Field } from "@/components/forms/field";
import { FormMessage } from "@/components/forms/form-message";
import { SubmitButton } from "@/components/forms/submit-button";
import { useGuardedActionState } from "@/components/forms/use-guarded-action";
import { buttonClass } from "@/components/ui/button";
import { WEBHOOK_EVENT_TYPES, WEBHOOK_EVENTS } from "@/lib/webhooks/event-types";
import { CopyButton } from "./copy-button";


/** Creates (no `endpointId`) or edits an outgoing webhook endpoint; a new one's secret is shown here once. */
export function EndpointForm({ endpointId, initial }: { endpointId?: string; initial: { url: string; description: string; eventTypes: string[]; enabled: boolean } }) {
  const [state, action] = useGuardedActionState(
    endpointId ? updateEndpointAction : createEndpointAction,
    "The connection dropped before the answer arrived, so we cannot tell whether the endpoint was saved. Open Webhooks to see what is saved now.",
  );
  const errors = state?.fieldErrors ?? {};
  if (!endpointId && state?.ok && state.reveal) {
    return (
      <div className="space-y-4 rounded-xl border border-slate-200 bg-white p-6">
        <FormMessage state={state} />
        <p className="text-sm font-semibold text-slate-900">{state.reveal.label}</p>
        <div className="flex flex-wrap items-center gap-3">
          <code className="break-all rounded bg-slate-100 px-2 py-1 font-mono text-sm text-slate-900">{state.reveal.value}</code>
          <CopyButton text={state.reveal.value} label="Copy secret" />
        </div>
        <p className="text-sm text-slate-600">Give it to the receiving system: it verifies each delivery&apos;s webhook-signature with it (Standard Webhooks).</p>
        <Link href={`/admin/webhooks/${state.values?.id}`} className={buttonClass("primary")}>
          Open the endpoint
        </Link>
      </div>
    );
  }
  const chosen = new Set(state?.values ? [] : initial.eventTypes);
  return (
    <form action={action} className="space-y-6 rounded-xl border border-slate-200 bg-white p-6" noValidate>
      {endpointId && <input type="hidden" name="id" value={endpointId} />}
      <Field label="Endpoint URL" name="url" type="url" required defaultValue={state?.values?.url ?? initial.url} errors={errors.url} hint="Where the store POSTs each event, e.g. https://crm.example.com/hooks/coursepay." />
      <Field label="Description" name="description" maxLength={200} defaultValue={state?.values?.description ?? initial.description} errors={errors.description} hint="Optional: what this endpoint is for." />
      <fieldset aria-describedby={errors.eventTypes?.length ? "field-eventTypes-error" : undefined} className="space-y-2">
        <legend className="text-sm font-semibold text-slate-800">Events to send</legend>
        <div className="grid gap-2 sm:grid-cols-2">
          {WEBHOOK_EVENT_TYPES.map((type) => (
            <label key={type} className="flex items-start gap-2 text-sm text-slate-800">
              <input type="checkbox" name="eventTypes" value={type} defaultChecked={chosen.has(type)} className="mt-1 size-4 rounded border-slate-300" />
              <span>
                <span className="font-mono">{type}</span> <span className="text-slate-600">— {WEBHOOK_EVENTS[type]}</span>
              </span>
            </label>
          ))}
        </div>
        {errors.eventTypes?.length ? (
          <p id="field-eventTypes-error" className="text-sm text-red-700">
            {errors.eventTypes.join(" ")}
          </p>
        ) : null}
      </fieldset>
      <CheckboxField label="Enabled" name="enabled" defaultChecked={state?.values ? state.values.enabled === "on" : initial.enabled} hint="When off, no new event is sent to it." />
      <FormMessage state={state} />
      <div className="flex flex-wrap gap-3">
        <SubmitButton pendingLabel="Saving…">{endpointId ? "Save changes" : "Create endpoint"}</SubmitButton>
        <Link href="/admin/webhooks" className={buttonClass("secondary")}>
          Back to webhooks
        </Link>
      </div>
    </form>
  );
}
