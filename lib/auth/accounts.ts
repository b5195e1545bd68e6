import "server-only";
import { and, count, eq, gt, max, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { signInAttempts, users, type User, type UserRole } from "@/db/schema";
import { decoy, hashPassword, verifyPassword } from "./password";
import type { SignInInput, SignUpInput } from "./schemas";

export const SIGN_IN_LIMITS = {
  windowMinutes: 15,
  /** Failed attempts per email since its last successful sign-in, within the window. */
  perEmail: 5,
  /** Failed attempts per client IP within the window (slows credential stuffing across many emails). */
  perIp: 20,
} as const;

export type PublicUser = Pick<User, "id" | "email" | "name" | "role">;

export type CreateAccountResult =
  | { ok: true; user: PublicUser }
  | { ok: false; fieldErrors: { email?: string[] } };

function toPublic(user: User): PublicUser {
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

export async function createAccount(
  db: Queryable,
  input: SignUpInput,
  role: UserRole = "student",
): Promise<CreateAccountResult> {
  const passwordHash = await hashPassword(input.password);
  // The unique index on lower(email) decides races between two sign-ups with the same address.
  const [created] = await db
    .insert(users)
    .values({ email: input.email, name: input.name, passwordHash, role })
    .onConflictDoNothing()
    .returning();
  if (!created) return { ok: false, fieldErrors: { email: ["An account with this email already exists. Sign in instead."] } };
  return { ok: true, user: toPublic(created) };
}

export async function findUserById(db: Queryable, id: string): Promise<PublicUser | null> {
  const [user] = await db.select().from(users).where(eq(users.id, id));
  return user ? toPublic(user) : null;
}

export type SignInResult =
  | { ok: true; user: PublicUser }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "rate_limited"; retryAfterSeconds: number };

/**
 * Checks an email/password pair, refusing (without looking at the password) when the email or the IP has
 * failed too often recently. Attempts are stored in the database, so the limit holds across app instances.
 */
export async function verifyCredentials(
  db: Queryable,
  input: SignInInput & { ip: string },
  now: Date = new Date(),
): Promise<SignInResult> {
  const limited = await rateLimit(db, input.email, input.ip, now);
  if (limited) return { ok: false, reason: "rate_limited", retryAfterSeconds: limited };

  const [user] = await db.select().from(users).where(sql`lower(${users.email}) = ${input.email}`);
  const valid = user?.passwordHash
    ? await verifyPassword(user.passwordHash, input.password)
    : (await verifyPassword(await decoy(), input.password), false);

  await db.insert(signInAttempts).values({ email: input.email, ip: input.ip, succeeded: valid, createdAt: now });
  return valid && user ? { ok: true, user: toPublic(user) } : { ok: false, reason: "invalid" };
}

/** Seconds until the next sign-in attempt for this email and IP is allowed (0 = now). */
export const signInRetryAfter = (db: Queryable, email: string, ip: string, now: Date = new Date()) =>
  rateLimit(db, email, ip, now);

async function rateLimit(db: Queryable, email: string, ip: string, now: Date): Promise<number> {
  const windowStart = new Date(now.getTime() - SIGN_IN_LIMITS.windowMinutes * 60_000);
  const [lastSuccess] = await db
    .select({ at: max(signInAttempts.createdAt) })
    .from(signInAttempts)
    .where(and(eq(signInAttempts.email, email), eq(signInAttempts.succeeded, true)));
  const emailSince = lastSuccess?.at && lastSuccess.at > windowStart ? lastSuccess.at : windowStart;

  const failures = (column: typeof signInAttempts.email | typeof signInAttempts.ip, value: string, since: Date) =>
    db
      .select({ n: count(), oldest: sql<Date | string | null>`min(${signInAttempts.createdAt})` })
      .from(signInAttempts)
      .where(and(eq(column, value), eq(signInAttempts.succeeded, false), gt(signInAttempts.createdAt, since)));

  const [[byEmail], [byIp]] = await Promise.all([
    failures(signInAttempts.email, email, emailSince),
    failures(signInAttempts.ip, ip, windowStart),
  ]);
  const waits = [
    { row: byEmail, limit: SIGN_IN_LIMITS.perEmail },
    { row: byIp, limit: SIGN_IN_LIMITS.perIp },
  ]
    .filter(({ row, limit }) => row && row.n >= limit && row.oldest)
    .map(({ row }) => {
      // The window slides: the limit lifts when the oldest counted failure leaves it.
      const oldest = new Date(row!.oldest!);
      return Math.ceil((oldest.getTime() + SIGN_IN_LIMITS.windowMinutes * 60_000 - now.getTime()) / 1000);
    });
  return waits.length ? Math.max(1, ...waits) : 0;
}
