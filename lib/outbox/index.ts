import "server-only";
import { and, asc, eq, inArray, lt, lte, or, sql } from "drizzle-orm";
import type { Db, Queryable } from "@/db/client";
import { outboxJobs, type OutboxJob } from "@/db/schema";
import { log } from "@/lib/log";

/**
 * The transactional outbox (schema: outbox_jobs). `enqueue` is called inside the transaction of the change that
 * causes the work, so the job exists exactly when the change does; a repeated cause (a webhook applied twice, a
 * reconciliation) finds the same `dedupeKey` and adds nothing. Workers in every app instance claim due jobs with
 * FOR UPDATE SKIP LOCKED under a lease, run them after commit, and retry with backoff until `MAX_ATTEMPTS`, after
 * which the job is dead and waits for an admin's "Retry now".
 *
 * Delivery is at least once: a worker that crashes after doing the work but before recording it leaves the job to
 * be run again when its lease ends. Handlers are therefore idempotent at the other end (the LMS says "already
 * enrolled", an event carries its id for the receiver to deduplicate).
 *
 * Why not pg-boss or graphile-worker: both need node-postgres, and this store runs on postgres.js and on embedded
 * PGlite; the claim below is one statement that works on both.
 */
export const MAX_ATTEMPTS = 8;
export const LEASE_MS = 60_000;
const BACKOFF_BASE_MS = 2_000;
const BACKOFF_MAX_MS = 60 * 60_000;

export type NewJob = { kind: string; dedupeKey: string; payload: Record<string, unknown>; runAfter?: Date };

/** Adds a job in the caller's transaction; returns whether it is new (false: this cause was enqueued before). */
export async function enqueue(tx: Queryable, job: NewJob): Promise<boolean> {
  const [row] = await tx
    .insert(outboxJobs)
    .values({ kind: job.kind, dedupeKey: job.dedupeKey, payload: job.payload, ...(job.runAfter ? { runAfter: job.runAfter } : {}) })
    .onConflictDoNothing()
    .returning({ id: outboxJobs.id });
  return Boolean(row);
}

/** What a handler concluded: done, try again later (a network error, a 5xx, a 429), or never (a permanent refusal). */
export type JobOutcome = { ok: true } | { ok: false; retry: boolean; error: string };
export type JobHandler = (job: OutboxJob) => Promise<JobOutcome>;

/** The delay before attempt `attempts + 1`: doubling from 2 s, with jitter, at most an hour. */
export function backoffMs(attempts: number, random = Math.random): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(base / 2 + random() * (base / 2));
}

/**
 * Claims up to `limit` due jobs for this worker: pending ones whose time has come, and running ones whose worker's
 * lease has ended. One statement; SKIP LOCKED means two workers never take the same job.
 */
export async function claimJobs(db: Queryable, kinds: readonly string[], limit: number, now = new Date()): Promise<OutboxJob[]> {
  if (kinds.length === 0) return [];
  const leaseEnd = new Date(now.getTime() + LEASE_MS);
  const due = db
    .select({ id: outboxJobs.id })
    .from(outboxJobs)
    .where(
      and(
        inArray(outboxJobs.kind, [...kinds]),
        or(and(eq(outboxJobs.status, "pending"), lte(outboxJobs.runAfter, now)), and(eq(outboxJobs.status, "running"), lt(outboxJobs.lockedUntil, now))),
      ),
    )
    .orderBy(asc(outboxJobs.runAfter))
    .limit(limit)
    .for("update", { skipLocked: true });
  return db
    .update(outboxJobs)
    .set({ status: "running", lockedUntil: leaseEnd, attempts: sql`${outboxJobs.attempts} + 1`, updatedAt: now })
    .where(inArray(outboxJobs.id, due))
    .returning();
}

/** Records a job's outcome, if this worker still holds it (its lease was not taken over meanwhile). */
async function settle(db: Queryable, job: OutboxJob, outcome: JobOutcome, now: Date): Promise<void> {
  const held = and(eq(outboxJobs.id, job.id), eq(outboxJobs.status, "running"), eq(outboxJobs.attempts, job.attempts));
  if (outcome.ok) {
    await db.update(outboxJobs).set({ status: "done", doneAt: now, lockedUntil: null, lastError: null, updatedAt: now }).where(held);
    return;
  }
  const dead = !outcome.retry || job.attempts >= MAX_ATTEMPTS;
  await db
    .update(outboxJobs)
    .set({ status: dead ? "dead" : "pending", runAfter: new Date(now.getTime() + (dead ? 0 : backoffMs(job.attempts))), lockedUntil: null, lastError: outcome.error.slice(0, 2000), updatedAt: now })
    .where(held);
  if (dead) log.error({ outbox: { id: job.id, kind: job.kind, attempts: job.attempts, error: outcome.error } }, "outbox job gave up: an admin can retry it");
}

export type WorkerRound = { claimed: number; done: number; retrying: number; dead: number };

/** One round of a worker: claim due jobs of the kinds it handles, run each, record each outcome. */
export async function runOutboxOnce(db: Db, handlers: Readonly<Record<string, JobHandler>>, options: { limit?: number; now?: () => Date } = {}): Promise<WorkerRound> {
  const now = options.now ?? (() => new Date());
  const jobs = await claimJobs(db, Object.keys(handlers), options.limit ?? 20, now());
  const round: WorkerRound = { claimed: jobs.length, done: 0, retrying: 0, dead: 0 };
  for (const job of jobs) {
    let outcome: JobOutcome;
    try {
      outcome = await handlers[job.kind]!(job);
    } catch (error) {
      // A bug or an unexpected failure: retried like a network error, and visible in the admin meanwhile.
      outcome = { ok: false, retry: true, error: error instanceof Error ? error.message : String(error) };
    }
    await settle(db, job, outcome, now());
    if (outcome.ok) round.done++;
    else if (!outcome.retry || job.attempts >= MAX_ATTEMPTS) round.dead++;
    else round.retrying++;
  }
  return round;
}

/** An admin's "Retry now" on a dead (or waiting) job: due at once, with a fresh count of attempts. */
export async function retryNow(db: Queryable, id: number, now = new Date()): Promise<boolean> {
  const [row] = await db
    .update(outboxJobs)
    .set({ status: "pending", attempts: 0, runAfter: now, lockedUntil: null, updatedAt: now })
    .where(and(eq(outboxJobs.id, id), inArray(outboxJobs.status, ["dead", "pending"])))
    .returning({ id: outboxJobs.id });
  return Boolean(row);
}

/** The workers of this process, woken by wakeOutbox(). */
const sleepers = new Set<() => void>();

/**
 * Asks this process's workers to look for due jobs now rather than at their next round (after a payment that queued
 * work a learner is waiting for). Only a hint: the job runs at the next round anyway, on whichever instance.
 */
export function wakeOutbox(): void {
  for (const wake of sleepers) wake();
}

/**
 * Runs a worker every `intervalMs` in this process; every instance may run one (claims never overlap). Returns a
 * stop function. A round that finds work, or a wake-up, starts the next one at once.
 */
export function startOutboxWorker(db: Db, handlers: Readonly<Record<string, JobHandler>>, intervalMs = 2_000): () => void {
  let stopped = false;
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(tick, ms);
    timer.unref();
  };
  const tick = async () => {
    if (stopped || running) return;
    running = true;
    let busy = false;
    try {
      busy = (await runOutboxOnce(db, handlers)).claimed > 0;
    } catch (error) {
      log.error({ err: error }, "outbox worker round failed");
    }
    running = false;
    if (!stopped) schedule(busy ? 0 : intervalMs);
  };
  const wake = () => {
    if (!running && !stopped) schedule(0);
  };
  sleepers.add(wake);
  schedule(intervalMs);
  return () => {
    stopped = true;
    sleepers.delete(wake);
    clearTimeout(timer);
  };
}
