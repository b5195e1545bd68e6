import { VariablesTable } from "./variables-table";
import { CopyButton } from "@/components/admin/copy-button";
import { DateTime } from "@/components/admin/date-time";
import { Badge } from "@/components/ui/badge";
import type { RawEvent } from "@/lib/admin/transaction-detail";

const SOURCE_LABELS: Record<RawEvent["source"], string> = { api: "API response", webhook: "Webhook", ipn: "IPN" };

/** Every raw provider message about an order or a subscription, oldest first: each variable, and the JSON as received. */
export function RawMessages({ events, provider, subject }: { events: RawEvent[]; provider: string; subject: string }) {
  return (
    <section aria-labelledby="raw-heading" className="space-y-4">
      <h2 id="raw-heading" className="text-xl font-semibold text-slate-900">
        Raw {provider} variables <span className="text-sm font-normal text-slate-600">({events.length} {events.length === 1 ? "message" : "messages"}, oldest first)</span>
      </h2>
      {events.length === 0 && <p className="text-sm text-slate-600">{provider} has sent nothing about {subject} yet.</p>}
      {events.map((event, index) => (
        <details key={event.id} open={index === events.length - 1} className="rounded-xl border border-slate-200 bg-white">
          <summary className="flex cursor-pointer flex-wrap items-center gap-2 px-4 py-3 text-sm">
            <Badge tone={event.source === "api" ? "blue" : "brand"}>{SOURCE_LABELS[event.source]}</Badge>
            <span className="font-mono font-medium text-slate-900">{event.type}</span>
            {event.httpStatus !== null && <span className="text-slate-600">HTTP {event.httpStatus}</span>}
            {event.verified !== null && <Badge tone={event.verified ? "green" : "red"}>{event.verified ? "verified" : "not verified"}</Badge>}
            {event.outcome && <span className="text-slate-600">→ {event.outcome}</span>}
            <span className="ml-auto text-slate-600">
              <DateTime value={event.receivedAt} />
            </span>
          </summary>
          <div className="space-y-4 border-t border-slate-200 p-4">
            <VariablesTable fields={event.fields} label={`Variables of ${SOURCE_LABELS[event.source]} ${event.type}`} />
            <div>
              <div className="flex items-center justify-between">
                <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-600">Raw JSON</h3>
                <CopyButton text={event.json} label="Copy JSON" />
              </div>
              {/* Focusable so keyboard users can scroll it. */}
              <pre tabIndex={0} aria-label={`Raw JSON of ${SOURCE_LABELS[event.source]} ${event.type}`} className="mt-2 max-h-96 overflow-auto rounded-lg bg-slate-900 p-3 text-xs text-slate-100">
                {event.json}
              </pre>
            </div>
          </div>
        </details>
      ))}
    </section>
  );
}
