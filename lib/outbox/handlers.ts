import "server-only";
import type { Db } from "@/db/client";
import { enrolAtLms } from "@/lib/gateway/enrolment";
import type { JobHandler } from "./index";
import { JOB_KINDS, type JobKind } from "./jobs";

/** What the app's workers do with each kind of job (every kind has exactly one handler). */
export function outboxHandlers(db: Db, fetchImpl: typeof fetch = fetch): Record<JobKind, JobHandler> {
  return {
    [JOB_KINDS.lmsEnrol]: (job) => enrolAtLms(db, job, fetchImpl),
  };
}
