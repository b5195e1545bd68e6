import "server-only";
import { desc, eq, inArray, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { outboxJobs, outboxStatus, type OutboxJob } from "@/db/schema";
import { JOB_KINDS } from "./jobs";

export type OutboxStatus = (typeof outboxStatus.enumValues)[number];

/** How many jobs are in each state, for the admin's tabs. */
export async function outboxCounts(db: Queryable): Promise<Record<OutboxStatus, number>> {
  const rows = await db.select({ status: outboxJobs.status, n: sql<number>`count(*)::int` }).from(outboxJobs).groupBy(outboxJobs.status);
  return Object.fromEntries(outboxStatus.enumValues.map((s) => [s, rows.find((r) => r.status === s)?.n ?? 0])) as Record<OutboxStatus, number>;
}

/** The newest jobs in one state ("waiting" shows pending and running together). */
export async function listOutboxJobs(db: Queryable, view: "waiting" | "dead" | "done", limit = 100): Promise<OutboxJob[]> {
  const statuses: OutboxStatus[] = view === "waiting" ? ["pending", "running"] : [view];
  return db.select().from(outboxJobs).where(inArray(outboxJobs.status, statuses)).orderBy(desc(outboxJobs.updatedAt)).limit(limit);
}

export async function outboxJob(db: Queryable, id: number): Promise<OutboxJob | null> {
  return (await db.select().from(outboxJobs).where(eq(outboxJobs.id, id)))[0] ?? null;
}

/** Emails waiting to be sent (all of them wait while no SMTP server is configured). */
export async function queuedEmails(db: Queryable): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(outboxJobs)
    .where(sql`${outboxJobs.kind} = ${JOB_KINDS.email} and ${outboxJobs.status} in ('pending', 'running')`);
  return row?.n ?? 0;
}
