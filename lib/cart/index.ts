import "server-only";
import { and, asc, count, eq, inArray } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { cartItems, carts, courses } from "@/db/schema";
import { coursePrice } from "@/lib/catalog";
import { getAccess, ownsCourse } from "@/lib/enrollment";
import { totalsByCurrency, type Money } from "@/lib/money";

export type CartLine = { courseId: string; slug: string; title: string; price: Money; addedAt: Date; pending: boolean };
/** `totals` are what can be paid now: lines whose earlier payment is still pending are not counted. */
export type Cart = { lines: CartLine[]; totals: Money[] };

export type CartResult = { ok: true } | { ok: false; message: string };

async function cartIdFor(db: Queryable, userId: string): Promise<string> {
  // Upsert: two first-time "add to cart" clicks still make one cart.
  const [cart] = await db
    .insert(carts)
    .values({ userId })
    .onConflictDoUpdate({ target: carts.userId, set: { updatedAt: new Date() } })
    .returning({ id: carts.id });
  return cart!.id;
}

export async function addToCart(db: Queryable, userId: string, courseId: string): Promise<CartResult> {
  const [course] = await db.select().from(courses).where(eq(courses.id, courseId));
  if (!course?.published) return { ok: false, message: "This course does not exist or is not available." };
  if (course.priceMinor === 0) return { ok: false, message: "This course is free: enroll directly, no cart needed." };
  if (ownsCourse(await getAccess(db, userId, courseId))) return { ok: false, message: "You already own this course." };
  const cartId = await cartIdFor(db, userId);
  await db.insert(cartItems).values({ cartId, courseId }).onConflictDoNothing();
  return { ok: true };
}

/** Removes one course, or several, from the user's cart; removing what is not there is harmless. */
export async function removeFromCart(db: Queryable, userId: string, courseIds: string | string[]): Promise<void> {
  const cart = db.select({ id: carts.id }).from(carts).where(eq(carts.userId, userId));
  await db.delete(cartItems).where(and(inArray(cartItems.cartId, cart), inArray(cartItems.courseId, ([] as string[]).concat(courseIds))));
}

/** The cart; `pendingCourseIds` names courses whose earlier payment is still clearing (shown, not payable). */
export async function getCart(db: Queryable, userId: string, pendingCourseIds: ReadonlySet<string> = new Set()): Promise<Cart> {
  const rows = await db
    .select({ course: courses, addedAt: cartItems.addedAt })
    .from(cartItems)
    .innerJoin(carts, eq(carts.id, cartItems.cartId))
    .innerJoin(courses, eq(courses.id, cartItems.courseId))
    .where(and(eq(carts.userId, userId), eq(courses.published, true)))
    .orderBy(asc(cartItems.addedAt));
  const lines = rows.map(({ course, addedAt }) => ({
    courseId: course.id,
    slug: course.slug,
    title: course.title,
    price: coursePrice(course),
    addedAt,
    pending: pendingCourseIds.has(course.id),
  }));
  return { lines, totals: totalsByCurrency(lines.filter((l) => !l.pending).map((l) => l.price)) };
}

export async function cartCount(db: Queryable, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(cartItems)
    .innerJoin(carts, eq(carts.id, cartItems.cartId))
    .where(eq(carts.userId, userId));
  return row?.n ?? 0;
}

export async function isInCart(db: Queryable, userId: string, courseId: string): Promise<boolean> {
  const [row] = await db
    .select({ n: count() })
    .from(cartItems)
    .innerJoin(carts, eq(carts.id, cartItems.cartId))
    .where(and(eq(carts.userId, userId), eq(cartItems.courseId, courseId)));
  return (row?.n ?? 0) > 0;
}
