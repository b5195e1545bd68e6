import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { outboxJobs } from "@/db/schema";

/**
 * Every kind of outbox job, with the one place its dedupe key is made: "the LMS enrolment of handoff H" exists once
 * however often the payment that causes it is applied (a capture raced by its webhook, IPN, reconciliation).
 */
export const JOB_KINDS = {
  lmsEnrol: "lms.enrol",
} as const;
export type JobKind = (typeof JOB_KINDS)[keyof typeof JOB_KINDS];

export const dedupeKeys = {
  lmsEnrol: (handoffId: string) => `${JOB_KINDS.lmsEnrol}:${handoffId}`,
};

/**
 * The jobs a completed order causes, as one data-modifying CTE over `paid` (a relation with `id`, `user_id` and
 * `gateway_handoff_id` of the orders that just completed), for use inside fulfil()'s single statement: the job is
 * committed exactly when the payment is. Conflicting keys are skipped, so a repeated completion adds nothing.
 */
export function completionJobsSql(paid: SQL): SQL {
  return sql`
    insert into ${outboxJobs} (kind, dedupe_key, payload)
    select ${JOB_KINDS.lmsEnrol}, ${JOB_KINDS.lmsEnrol} || ':' || paid.gateway_handoff_id,
           jsonb_build_object('handoffId', paid.gateway_handoff_id, 'orderId', paid.id)
    from ${paid} as paid
    where paid.gateway_handoff_id is not null
    on conflict (dedupe_key) do nothing
    returning ${outboxJobs.id}`;
}
