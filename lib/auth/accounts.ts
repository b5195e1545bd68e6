import "server-only";
import { createHash } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { users, type User, type UserRole } from "@/db/schema";
import { log } from "@/lib/log";
import { decoy, hashPassword, verifyPassword } from "./password";
import type { SignInInput, SignUpInput } from "./schemas";
import { beginAttempt, markSucceeded, throttled } from "./throttle";

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

/**
 * The operator's way to a first admin: an existing account (any case of its email) is promoted and keeps its
 * password; otherwise an admin account is created, asking for the password only then.
 */
export async function createOrPromoteAdmin(
  db: Queryable,
  input: { email: string; name: string; password: () => Promise<string> },
): Promise<"created" | "promoted" | "unchanged"> {
  const [existing] = await db.select().from(users).where(sql`lower(${users.email}) = ${input.email}`);
  if (existing) {
    if (existing.role === "admin") return "unchanged";
    await db.update(users).set({ role: "admin" }).where(eq(users.id, existing.id));
    return "promoted";
  }
  const created = await createAccount(db, { email: input.email, name: input.name, password: await input.password() }, "admin");
  if (!created.ok) return createOrPromoteAdmin(db, input); // created by someone else meanwhile: promote that one
  return "created";
}

export async function findUserByEmail(db: Queryable, email: string): Promise<PublicUser | null> {
  const [user] = await db.select().from(users).where(sql`lower(${users.email}) = lower(${email.trim()})`);
  return user ? toPublic(user) : null;
}

/** The account behind a session; a deleted account has none (its session ends with it). */
export async function findUserById(db: Queryable, id: string): Promise<PublicUser | null> {
  const [user] = await db.select().from(users).where(eq(users.id, id));
  return user && !user.deletedAt ? toPublic(user) : null;
}

export type SignInResult =
  | { ok: true; user: PublicUser }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "rate_limited"; retryAfterSeconds: number };

/** Who failed, for the log: the account's id when there is one, else a hash of the email (never the address itself). */
const emailDigest = (email: string) => createHash("sha256").update(email).digest("hex").slice(0, 16);

/**
 * Checks an email/password pair under the sign-in throttle (lib/auth/throttle.ts): a throttled attempt is refused
 * without looking at the password. Every failure is logged as one line: who (user id or hashed email), the IP
 * and why.
 */
export async function verifyCredentials(
  db: Queryable,
  input: SignInInput & { ip: string },
  now: Date = new Date(),
): Promise<SignInResult> {
  const attempt = await beginAttempt(db, input.email, input.ip, now);
  const [user] = await db.select().from(users).where(sql`lower(${users.email}) = ${input.email}`);
  const who = user ? { userId: user.id } : { emailSha256: emailDigest(input.email) };
  if ("rule" in attempt) {
    log.warn({ signIn: { ...who, ip: input.ip, reason: `throttled:${attempt.rule}` } }, "sign-in refused");
    return { ok: false, reason: "rate_limited", retryAfterSeconds: attempt.retryAfterSeconds };
  }
  const valid = user?.passwordHash
    ? await verifyPassword(user.passwordHash, input.password)
    : (await verifyPassword(await decoy(), input.password), false);
  if (valid && user) {
    await markSucceeded(db, attempt.attemptId);
    return { ok: true, user: toPublic(user) };
  }
  log.warn({ signIn: { ...who, ip: input.ip, reason: user ? "wrong-password" : "unknown-account" } }, "sign-in failed");
  return { ok: false, reason: "invalid" };
}

/** Seconds until the next sign-in attempt for this email and IP is allowed (0 = now). */
export async function signInRetryAfter(db: Queryable, email: string, ip: string, now: Date = new Date()): Promise<number> {
  return (await throttled(db, email, ip, now))?.retryAfterSeconds ?? 0;
}
