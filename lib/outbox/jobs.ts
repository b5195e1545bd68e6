import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { outboxJobs, type OrderStatus } from "@/db/schema";
import { enqueue } from "./index";

/**
 * Every kind of outbox job, and the one place each dedupe key is made: "the receipt of order X" or "the LMS enrolment
 * of handoff H" exists once however often the change that causes it is applied (a capture raced by its webhook, IPN,
 * reconciliation, a retried refund notification).
 */
export const JOB_KINDS = {
  lmsEnrol: "lms.enrol",
  email: "email.send",
  webhook: "webhook.deliver",
} as const;
export type JobKind = (typeof JOB_KINDS)[keyof typeof JOB_KINDS];

/** The emails the store sends; each names what it is about. */
export type EmailJob =
  | { template: "receipt" | "pending" | "failed"; orderId: string }
  | { template: "refund"; refundId: string }
  | { template: "subscription"; subscriptionId: string; event: SubscriptionEmailEvent }
  /** To the address an account asked to move to: the link that confirms it. */
  | { template: "confirm_email"; userId: string; email: string };
export type SubscriptionEmailEvent = "started" | "payment_failed" | "suspended" | "cancelled" | "expired" | "completed";

export const dedupeKeys = {
  lmsEnrol: (handoffId: string) => `${JOB_KINDS.lmsEnrol}:${handoffId}`,
  /** `version`: what makes a repeated subscription notice a new one (the subscription's row version it follows). */
  email: (job: EmailJob, version = "") =>
    job.template === "refund"
      ? `email:refund:${job.refundId}`
      : job.template === "subscription"
        ? `email:subscription:${job.subscriptionId}:${job.event}:${version}`
        : job.template === "confirm_email"
          ? `email:confirm_email:${job.userId}:${version}`
          : `email:${job.template}:${job.orderId}`,
};

/** Queues an email in the caller's transaction (once per dedupe key). */
export function enqueueEmail(tx: Queryable, job: EmailJob, version?: string): Promise<boolean> {
  return enqueue(tx, { kind: JOB_KINDS.email, dedupeKey: dedupeKeys.email(job, version), payload: job });
}

/** The order emails that an order reaching `status` sends to a store buyer (an LMS learner has no email here). */
const ORDER_EMAILS: Partial<Record<OrderStatus, "receipt" | "pending" | "failed">> = { completed: "receipt", pending: "pending", failed: "failed" };

/**
 * The jobs an order's move to `target` causes, as one data-modifying CTE over `moved` (a relation with `id`,
 * `user_id`, `gateway_handoff_id` and `previous` — the status it left), for use inside fulfil()'s single statement:
 * the jobs are committed exactly when the move is. A payment that failed is only news to a buyer who was told it was
 * pending. Conflicting keys are skipped, so a repeated move adds nothing.
 */
export function orderJobsSql(moved: SQL, target: OrderStatus | null): SQL {
  const email = target ? ORDER_EMAILS[target] : undefined;
  const jobs: SQL[] = [];
  if (target === "completed") {
    jobs.push(sql`
      select ${JOB_KINDS.lmsEnrol}, ${JOB_KINDS.lmsEnrol} || ':' || m.gateway_handoff_id, jsonb_build_object('handoffId', m.gateway_handoff_id, 'orderId', m.id)
      from ${moved} as m where m.gateway_handoff_id is not null`);
  }
  if (email) {
    jobs.push(sql`
      select ${JOB_KINDS.email}, ${`email:${email}:`} || m.id, jsonb_build_object('template', ${email}::text, 'orderId', m.id)
      from ${moved} as m where m.user_id is not null ${email === "failed" ? sql`and m.previous = 'pending'` : sql``}`);
  }
  if (jobs.length === 0) return sql`select null where false`;
  return sql`
    insert into ${outboxJobs} (kind, dedupe_key, payload)
    ${sql.join(jobs, sql` union all `)}
    on conflict (dedupe_key) do nothing
    returning ${outboxJobs.id}`;
}
