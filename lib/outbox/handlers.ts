import "server-only";
import type { Transporter } from "nodemailer";
import type { Db } from "@/db/client";
import { emailTransport, sendEmailJob } from "@/lib/email";
import { enrolAtLms } from "@/lib/gateway/enrolment";
import { deliverEventJob } from "@/lib/webhooks/deliver";
import type { JobHandler } from "./index";
import { JOB_KINDS, type JobKind } from "./jobs";

/**
 * What the app's workers do with each kind of job. Without an SMTP transport there is no email handler, so email jobs
 * are never claimed: they stay queued until SMTP_URL is set (the admin is told), and nothing is lost.
 */
export function outboxHandlers(
  db: Db,
  options: { fetch?: typeof fetch; transport?: Transporter | null } = {},
): Partial<Record<JobKind, JobHandler>> {
  const transport = options.transport === undefined ? emailTransport() : options.transport;
  return {
    [JOB_KINDS.lmsEnrol]: (job) => enrolAtLms(db, job, options.fetch),
    [JOB_KINDS.webhook]: (job) => deliverEventJob(db, job, options.fetch),
    ...(transport ? { [JOB_KINDS.email]: (job: Parameters<JobHandler>[0]) => sendEmailJob(db, transport, job) } : {}),
  };
}
