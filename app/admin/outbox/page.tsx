import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/db/client";
import { DateTime } from "@/components/admin/date-time";
import { EmailWarning } from "@/components/admin/email-warning";
import { ActionButton } from "@/components/forms/action-button";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { requireAdmin } from "@/lib/auth/session";
import { MAX_ATTEMPTS } from "@/lib/outbox";
import { listOutboxJobs, outboxCounts } from "@/lib/outbox/admin";
import { retryJobAction } from "./actions";

export const metadata: Metadata = { title: "Outbox" };

const VIEWS = { waiting: "Waiting", dead: "Gave up", done: "Done" } as const;
type View = keyof typeof VIEWS;

/** The outbox: work that follows a change (enrolment calls, emails, outgoing events), as the workers see it. */
export default async function OutboxPage({ searchParams }: { searchParams: Promise<{ view?: string }> }) {
  await requireAdmin();
  const requested = (await searchParams).view;
  const view: View = requested && Object.hasOwn(VIEWS, requested) ? (requested as View) : "dead";
  const db = getDb();
  const [counts, jobs] = await Promise.all([outboxCounts(db), listOutboxJobs(db, view)]);
  const count: Record<View, number> = { waiting: counts.pending + counts.running, dead: counts.dead, done: counts.done };
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-3xl font-bold tracking-tight text-slate-900">Outbox</h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          Work that follows a payment — calls to other systems, emails, outgoing events — is written with the payment and carried out after it by
          every app instance&apos;s worker, retried with growing delays. After {MAX_ATTEMPTS} failed tries a job waits here for you.
        </p>
      </div>
      <EmailWarning />
      <nav aria-label="Outbox state" className="flex gap-2 overflow-x-auto border-b border-slate-200">
        {(Object.keys(VIEWS) as View[]).map((v) => (
          <Link
            key={v}
            href={`/admin/outbox?view=${v}`}
            aria-current={v === view ? "page" : undefined}
            className="-mb-px flex shrink-0 items-center gap-2 whitespace-nowrap border-b-2 border-transparent px-4 py-2 text-sm font-semibold text-slate-600 hover:text-slate-900 aria-[current=page]:border-brand-700 aria-[current=page]:text-brand-800"
          >
            {VIEWS[v]}
            <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-bold text-slate-700">{count[v]}</span>
          </Link>
        ))}
      </nav>
      {jobs.length === 0 ? (
        <EmptyState title={view === "dead" ? "Nothing gave up" : `Nothing ${VIEWS[view].toLowerCase()}`}>
          {view === "dead" ? "Every job either succeeded or is still being retried." : "Jobs appear here as payments cause them."}
        </EmptyState>
      ) : (
        <ul className="space-y-3">
          {jobs.map((job) => (
            <li key={job.id} className="rounded-xl border border-slate-200 bg-white p-4 text-sm">
              <div className="flex flex-wrap items-center gap-2">
                <span className="font-mono font-semibold text-slate-900">{job.kind}</span>
                <Badge tone={job.status === "dead" ? "red" : job.status === "done" ? "green" : "amber"}>{job.status}</Badge>
                <span className="text-slate-600">
                  {job.attempts} attempt{job.attempts === 1 ? "" : "s"}
                </span>
                <span className="ml-auto text-slate-600">
                  {job.status === "pending" ? "next try " : "updated "}
                  <DateTime value={job.status === "pending" ? job.runAfter : job.updatedAt} />
                </span>
              </div>
              <p className="mt-1 break-all font-mono text-xs text-slate-600">{job.dedupeKey}</p>
              <JobSubject payload={job.payload} />
              {job.lastError && <p className="mt-2 break-all text-red-800">Last error: {job.lastError}</p>}
              {(job.status === "dead" || job.status === "pending") && (
                <div className="mt-3 max-w-40">
                  <ActionButton action={retryJobAction} fields={{ jobId: String(job.id) }} label="Retry now" detail={job.dedupeKey} pendingLabel="Queuing…" variant="secondary" />
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** What a job is about, as a link an admin can follow: the order (LMS enrolments, order emails), the subscription. */
function JobSubject({ payload }: { payload: unknown }) {
  const p = (payload ?? {}) as { orderId?: unknown; subscriptionId?: unknown };
  if (typeof p.orderId === "string")
    return (
      <Link href={`/admin/transactions/${p.orderId}`} className="mt-1 inline-block text-sm font-medium text-brand-800 hover:underline">
        Open the order
      </Link>
    );
  if (typeof p.subscriptionId === "string")
    return (
      <Link href={`/admin/subscriptions/${p.subscriptionId}`} className="mt-1 inline-block text-sm font-medium text-brand-800 hover:underline">
        Open the subscription
      </Link>
    );
  return null;
}
