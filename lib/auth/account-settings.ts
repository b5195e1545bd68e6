import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import { jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import type { Db, Queryable } from "@/db/client";
import { carts, users } from "@/db/schema";
import type { FieldErrors } from "@/lib/forms";
import { enqueueEmail } from "@/lib/outbox/jobs";
import { hashPassword, verifyPassword } from "./password";
import { emailSchema, passwordSchema, personNameSchema } from "./schemas";

/**
 * A student's own account: their name, their password, their email (changed only once the new address confirms it),
 * and deleting it. Deleting keeps what accounting needs — orders, payments, refunds stay, attached to an anonymised
 * account — and removes the rest (name, email, password, cart); the account can no longer sign in.
 */
export type SettingsResult = { ok: true; message: string } | { ok: false; message: string; fieldErrors?: FieldErrors };

const refused = (field: string, message: string): SettingsResult => ({ ok: false, message: "Please correct the highlighted fields.", fieldErrors: { [field]: [message] } });

async function checkPassword(db: Queryable, userId: string, password: string): Promise<boolean> {
  const [user] = await db.select({ hash: users.passwordHash }).from(users).where(and(eq(users.id, userId), isNull(users.deletedAt)));
  return Boolean(user?.hash && (await verifyPassword(user.hash, password)));
}

export const nameFormSchema = z.object({ name: personNameSchema });
export const passwordFormSchema = z.object({ currentPassword: z.string().min(1, { error: "Enter your current password." }).max(200), newPassword: passwordSchema });
export const emailFormSchema = z.object({ email: emailSchema, currentPassword: z.string().min(1, { error: "Enter your current password." }).max(200) });
export const deleteFormSchema = z.object({ confirm: z.literal("DELETE", { error: "Type DELETE to confirm." }), currentPassword: z.string().min(1, { error: "Enter your current password." }).max(200) });

export async function changeName(db: Queryable, userId: string, name: string): Promise<SettingsResult> {
  await db.update(users).set({ name, updatedAt: new Date() }).where(eq(users.id, userId));
  return { ok: true, message: "Your name is saved." };
}

export async function changePassword(db: Queryable, userId: string, current: string, next: string): Promise<SettingsResult> {
  if (!(await checkPassword(db, userId, current))) return refused("currentPassword", "This is not your current password.");
  await db.update(users).set({ passwordHash: await hashPassword(next), updatedAt: new Date() }).where(eq(users.id, userId));
  return { ok: true, message: "Your password is changed." };
}

const EMAIL_TOKEN_TTL = "24h";
const tokenKey = () => {
  const secret = process.env.AUTH_SECRET;
  if (!secret) throw new Error("AUTH_SECRET is not set");
  return new TextEncoder().encode(`email-change:${secret}`);
};

/** The link's token: who, which new address, until when (a day), signed; made when the email is sent. */
export async function emailChangeToken(userId: string, email: string): Promise<string> {
  return new SignJWT({ email }).setProtectedHeader({ alg: "HS256" }).setSubject(userId).setAudience("coursepay:email-change").setIssuedAt().setExpirationTime(EMAIL_TOKEN_TTL).sign(tokenKey());
}

/** Asks to move the account to `email`: a confirmation link goes to that address (through the outbox); nothing changes yet. */
export async function requestEmailChange(db: Db, userId: string, email: string, current: string): Promise<SettingsResult> {
  if (!(await checkPassword(db, userId, current))) return refused("currentPassword", "This is not your current password.");
  const [taken] = await db.select({ id: users.id }).from(users).where(sql`lower(${users.email}) = lower(${email})`);
  if (taken && taken.id !== userId) return refused("email", "Another account uses this email address.");
  if (taken) return refused("email", "This is already your email address.");
  await enqueueEmail(db, { template: "confirm_email", userId, email }, new Date().toISOString());
  return { ok: true, message: `We sent a confirmation link to ${email}. Your email changes when you open it (within 24 hours).` };
}

/** Applies a confirmation link: valid, unexpired, for a live account, and the address still free. */
export async function confirmEmailChange(db: Queryable, token: string): Promise<SettingsResult> {
  let claims: { sub?: string; email?: unknown };
  try {
    ({ payload: claims } = await jwtVerify(token, tokenKey(), { algorithms: ["HS256"], audience: "coursepay:email-change" }));
  } catch {
    return { ok: false, message: "This confirmation link is not valid or has expired. Ask for a new one from your account page." };
  }
  const email = typeof claims.email === "string" ? claims.email : null;
  if (!claims.sub || !email) return { ok: false, message: "This confirmation link is not valid." };
  try {
    const [changed] = await db
      .update(users)
      .set({ email, emailVerified: new Date(), updatedAt: new Date() })
      .where(and(eq(users.id, claims.sub), isNull(users.deletedAt)))
      .returning({ id: users.id });
    return changed ? { ok: true, message: `Your email is now ${email}.` } : { ok: false, message: "This account no longer exists." };
  } catch {
    // The unique index on lower(email): someone took the address meanwhile.
    return { ok: false, message: "Another account uses this email address now." };
  }
}

/** Deletes the account: personal data gone, orders and payments kept (anonymised), no more sign-in. */
export async function deleteAccount(db: Db, userId: string, current: string): Promise<SettingsResult> {
  if (!(await checkPassword(db, userId, current))) return refused("currentPassword", "This is not your current password.");
  await db.transaction(async (tx) => {
    await tx.delete(carts).where(eq(carts.userId, userId));
    await tx
      .update(users)
      .set({ name: "Deleted account", email: `deleted-${userId}@deleted.invalid`, passwordHash: null, image: null, emailVerified: null, deletedAt: new Date(), updatedAt: new Date() })
      .where(eq(users.id, userId));
  });
  return { ok: true, message: "Your account is deleted." };
}
