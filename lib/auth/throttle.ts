import "server-only";
import { and, desc, eq, gt, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { signInAttempts } from "@/db/schema";

/**
 * Sign-in throttling that slows a guesser without letting anyone lock the owner out. Three rules, each over the
 * attempts table (so every app instance shares them):
 *
 * - **(account, IP) back-off**: after a few failures of one account from one IP, each further try from that IP
 *   waits twice as long as the last (capped); a success from that IP resets it.
 * - **IP budget**: one IP gets a fixed number of failures across all accounts per window (credential stuffing).
 * - **account slow-down**: an account that failed many times from anywhere is "under attack"; then IPs without
 *   a clean record wait between tries. An IP with a clean record — it signed into this account before, or it
 *   has no recent failure at all — is never slowed by this rule, so the owner still gets in with the right password.
 *
 * Why not a rate-limiting library: the maintained ones (rate-limiter-flexible and the like) keep their counters
 * in Redis or in PostgreSQL through node-postgres/knex clients; none runs on postgres.js or on PGlite, the
 * embedded default, and their fixed-window counters cannot express "a clean IP passes". These rules are three
 * indexed queries over a table we already keep.
 */
export const THROTTLE = {
  windowMinutes: 15,
  /** Failures of one account from one IP before the back-off starts. */
  pairFreeFailures: 3,
  pairBaseDelaySeconds: 5,
  pairMaxDelaySeconds: 15 * 60,
  /** Failures from one IP across all accounts per window. */
  ipFailures: 30,
  /** Failures of one account from all IPs per window that put it under attack. */
  accountFailures: 10,
  /** Under attack, the wait after the account's last failure for IPs without a clean record. */
  accountDelaySeconds: 30,
  /** How long a successful sign-in makes an IP "known" for that account. */
  knownIpDays: 90,
} as const;

export type ThrottleRule = "pair" | "ip" | "account";
export type Throttled = { rule: ThrottleRule; retryAfterSeconds: number };

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
const minutesAgo = (now: Date, minutes: number) => new Date(now.getTime() - minutes * 60_000);

function failures(db: Queryable, where: ReturnType<typeof and>) {
  return db
    .select({ n: sql<number>`count(*)::int`, oldest: sql<string | null>`min(${signInAttempts.createdAt})`, latest: sql<string | null>`max(${signInAttempts.createdAt})` })
    .from(signInAttempts)
    .where(and(eq(signInAttempts.succeeded, false), where))
    .then(([row]) => ({ n: row?.n ?? 0, oldest: row?.oldest ? new Date(row.oldest) : null, latest: row?.latest ? new Date(row.latest) : null }));
}

async function lastSuccess(db: Queryable, email: string, ip: string | null, since: Date): Promise<Date | null> {
  const [row] = await db
    .select({ at: signInAttempts.createdAt })
    .from(signInAttempts)
    .where(and(eq(signInAttempts.email, email), ip ? eq(signInAttempts.ip, ip) : undefined, eq(signInAttempts.succeeded, true), gt(signInAttempts.createdAt, since)))
    .orderBy(desc(signInAttempts.createdAt))
    .limit(1);
  return row?.at ?? null;
}

/** Whether an attempt for `email` from `ip` must wait now, and which rule says so (the longest wait wins). */
export async function throttled(db: Queryable, email: string, ip: string, now: Date): Promise<Throttled | null> {
  const window = minutesAgo(now, THROTTLE.windowMinutes);
  const pairSince = (await lastSuccess(db, email, ip, minutesAgo(now, 60))) ?? minutesAgo(now, 60);
  const [pair, byIp, byAccount, known] = await Promise.all([
    failures(db, and(eq(signInAttempts.email, email), eq(signInAttempts.ip, ip), gt(signInAttempts.createdAt, pairSince))),
    failures(db, and(eq(signInAttempts.ip, ip), gt(signInAttempts.createdAt, window))),
    failures(db, and(eq(signInAttempts.email, email), gt(signInAttempts.createdAt, window))),
    lastSuccess(db, email, ip, minutesAgo(now, THROTTLE.knownIpDays * 24 * 60)),
  ]);

  const waits: Throttled[] = [];
  if (pair.n >= THROTTLE.pairFreeFailures && pair.latest) {
    const delay = Math.min(THROTTLE.pairMaxDelaySeconds, THROTTLE.pairBaseDelaySeconds * 2 ** (pair.n - THROTTLE.pairFreeFailures));
    const until = pair.latest.getTime() + delay * 1000;
    if (until > now.getTime()) waits.push({ rule: "pair", retryAfterSeconds: seconds(until - now.getTime()) });
  }
  if (byIp.n >= THROTTLE.ipFailures && byIp.oldest) {
    // The window slides: the budget frees up when the oldest counted failure leaves it.
    waits.push({ rule: "ip", retryAfterSeconds: seconds(byIp.oldest.getTime() + THROTTLE.windowMinutes * 60_000 - now.getTime()) });
  }
  const clean = known !== null || byIp.n === 0;
  if (!clean && byAccount.n >= THROTTLE.accountFailures && byAccount.latest) {
    const until = byAccount.latest.getTime() + THROTTLE.accountDelaySeconds * 1000;
    if (until > now.getTime()) waits.push({ rule: "account", retryAfterSeconds: seconds(until - now.getTime()) });
  }
  return waits.sort((a, b) => b.retryAfterSeconds - a.retryAfterSeconds)[0] ?? null;
}

/**
 * Checks the throttle and, when the attempt may go ahead, records it as a failure — in one transaction holding
 * advisory locks on the IP and the account, so parallel guesses see each other and cannot all slip through
 * before any is counted. The caller marks the attempt succeeded once the password checked out.
 */
export async function beginAttempt(db: Queryable, email: string, ip: string, now: Date): Promise<{ attemptId: number } | Throttled> {
  return db.transaction(async (tx) => {
    // Always IP first, then account: one order everywhere, so two attempts can never wait for each other.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`sign-in-ip:${ip}`}))`);
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`sign-in-account:${email}`}))`);
    const wait = await throttled(tx, email, ip, now);
    if (wait) return wait;
    const [row] = await tx.insert(signInAttempts).values({ email, ip, succeeded: false, createdAt: now }).returning({ id: signInAttempts.id });
    return { attemptId: row!.id };
  });
}

export async function markSucceeded(db: Queryable, attemptId: number): Promise<void> {
  await db.update(signInAttempts).set({ succeeded: true }).where(eq(signInAttempts.id, attemptId));
}
