import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import { and, eq, gt, inArray } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { courses } from "@/db/schema";
import { coursePrice } from "@/lib/catalog";
import { totalsByCurrency } from "@/lib/money";
import { addToCart, type Cart, type CartResult } from "./index";

/**
 * A visitor's cart before they sign in: the course ids in a cookie signed with AUTH_SECRET (a cookie the store did not
 * write is ignored). Only ids — prices always come from the database. On sign-in or sign-up it is merged into the
 * account's cart (mergeGuestCart) and cleared.
 */
export const GUEST_CART_COOKIE = "coursepay_cart";
export const GUEST_CART_LIMIT = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const mac = (payload: string) => {
  const secret = process.env.AUTH_SECRET;
  if (!secret) throw new Error("AUTH_SECRET is not set");
  return createHmac("sha256", secret).update(`${GUEST_CART_COOKIE}:${payload}`).digest("base64url");
};

/** The course ids in a guest-cart cookie this store signed; [] for anything else. */
export function readGuestCart(value: string | undefined | null): string[] {
  const [payload, signature, extra] = (value ?? "").split(".");
  if (!payload || !signature || extra !== undefined) return [];
  const expected = Buffer.from(mac(payload));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return [];
  try {
    const ids: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    return Array.isArray(ids) ? [...new Set(ids.filter((id): id is string => typeof id === "string" && UUID.test(id)))].slice(0, GUEST_CART_LIMIT) : [];
  } catch {
    return [];
  }
}

/** The cookie holding these ids (30 days, httpOnly, SameSite=Lax). */
export function guestCartCookie(ids: string[], secure: boolean) {
  const payload = Buffer.from(JSON.stringify(ids.slice(0, GUEST_CART_LIMIT))).toString("base64url");
  return { name: GUEST_CART_COOKIE, value: `${payload}.${mac(payload)}`, httpOnly: true, sameSite: "lax" as const, secure, path: "/", maxAge: 30 * 24 * 3600 };
}

/** Whether a course can go into a visitor's cart: published and paid (the same rules as a signed-in cart's). */
export async function guestCanAdd(db: Queryable, ids: string[], courseId: string): Promise<CartResult> {
  const [course] = await db.select({ published: courses.published, priceMinor: courses.priceMinor }).from(courses).where(eq(courses.id, courseId));
  if (!course?.published) return { ok: false, message: "This course does not exist or is not available." };
  if (course.priceMinor === 0) return { ok: false, message: "This course is free: sign in and enroll directly, no cart needed." };
  if (!ids.includes(courseId) && ids.length >= GUEST_CART_LIMIT) return { ok: false, message: `A cart holds at most ${GUEST_CART_LIMIT} courses.` };
  return { ok: true };
}

/** The visitor's cart as the cart page shows it: published paid courses only, in the order added. */
export async function guestCart(db: Queryable, ids: string[]): Promise<Cart> {
  if (ids.length === 0) return { lines: [], totals: [] };
  const rows = await db.select().from(courses).where(and(inArray(courses.id, ids), eq(courses.published, true), gt(courses.priceMinor, 0)));
  const lines = ids
    .map((id) => rows.find((c) => c.id === id))
    .filter((c) => c !== undefined)
    .map((c) => ({ courseId: c.id, slug: c.slug, title: c.title, price: coursePrice(c), addedAt: c.createdAt, pending: false }));
  return { lines, totals: totalsByCurrency(lines.map((l) => l.price)) };
}

/**
 * Moves a visitor's cart into the account's: each course once (the cart's primary key), and courses the account
 * already owns — or that stopped being sold — left out, by id, for the cart page to name them.
 */
export async function mergeGuestCart(db: Queryable, userId: string, ids: string[]): Promise<{ added: number; leftOut: string[] }> {
  let added = 0;
  const leftOut: string[] = [];
  for (const id of ids) {
    if ((await addToCart(db, userId, id)).ok) added++;
    else leftOut.push(id);
  }
  return { added, leftOut };
}

/** The titles of courses, for "left out of your cart" (ids from a URL: unknown ones simply name nothing). */
export async function courseTitlesOf(db: Queryable, ids: string[]): Promise<string[]> {
  const valid = ids.filter((id) => UUID.test(id)).slice(0, GUEST_CART_LIMIT);
  if (valid.length === 0) return [];
  return (await db.select({ title: courses.title }).from(courses).where(inArray(courses.id, valid))).map((c) => c.title).sort();
}

/** This request's guest cart (server components, actions). */
export async function currentGuestCart(): Promise<string[]> {
  const { cookies } = await import("next/headers");
  return readGuestCart((await cookies()).get(GUEST_CART_COOKIE)?.value);
}

/** Saves the guest cart (server actions only; an empty cart removes the cookie). */
export async function saveGuestCart(ids: string[]): Promise<void> {
  const [{ cookies }, { storeOrigin }] = await Promise.all([import("next/headers"), import("@/lib/http/origin")]);
  const jar = await cookies();
  if (ids.length === 0) jar.delete(GUEST_CART_COOKIE);
  else jar.set(guestCartCookie(ids, (await storeOrigin()).startsWith("https:")));
}
