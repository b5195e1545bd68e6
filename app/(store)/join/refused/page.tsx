import type { Metadata } from "next";
import { Alert } from "@/components/ui/alert";
import { REFUSALS, type Refusal } from "@/lib/gateway/token";

export const metadata: Metadata = { title: "This payment link cannot be used" };

/** Where a refused LMS handoff lands: what went wrong, in the learner's words, and nothing was created. */
export default async function RefusedPage({ searchParams }: { searchParams: Promise<{ reason?: string }> }) {
  const { reason } = await searchParams;
  const known = reason && Object.hasOwn(REFUSALS, reason) ? (reason as Refusal) : "malformed";
  return (
    <div className="mx-auto max-w-xl">
      <div className="rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
        <h1 className="text-2xl font-bold tracking-tight text-slate-900">This payment link cannot be used</h1>
        <div className="mt-4">
          <Alert tone="error">{REFUSALS[known]}</Alert>
        </div>
        <p className="mt-4 text-sm text-slate-700">Nothing was charged and nothing was created. If this keeps happening, contact the school that runs the course.</p>
      </div>
    </div>
  );
}
