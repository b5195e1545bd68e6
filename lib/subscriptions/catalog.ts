import "server-only";
import { and, desc, eq, inArray } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { courses, subscriptionPrices, subscriptionProductCourses, subscriptionProducts, type SubscriptionPrice, type SubscriptionProduct } from "@/db/schema";
import type { CurrencyCode } from "@/lib/money";

/** A published subscription product by slug, with the price version new buyers get in each currency. */
export async function publishedProduct(db: Queryable, slug: string): Promise<{ product: SubscriptionProduct; prices: SubscriptionPrice[] } | null> {
  const [product] = await db.select().from(subscriptionProducts).where(and(eq(subscriptionProducts.slug, slug), eq(subscriptionProducts.published, true)));
  if (!product) return null;
  return { product, prices: await currentPrices(db, product.id) };
}

/** The newest price version per currency: what new buyers pay (existing subscribers stay on theirs). */
export async function currentPrices(db: Queryable, productId: string): Promise<SubscriptionPrice[]> {
  const all = await db.select().from(subscriptionPrices).where(eq(subscriptionPrices.productId, productId)).orderBy(desc(subscriptionPrices.version));
  const newest = new Map<string, SubscriptionPrice>();
  for (const price of all) if (!newest.has(price.currency)) newest.set(price.currency, price);
  return [...newest.values()];
}

export async function currentPrice(db: Queryable, productId: string, currency: CurrencyCode): Promise<SubscriptionPrice | null> {
  return (await currentPrices(db, productId)).find((p) => p.currency === currency) ?? null;
}

/** The published courses a product opens: its one course (a plan), every published course, or its chosen set. */
export async function includedCourseIds(db: Queryable, product: SubscriptionProduct): Promise<string[]> {
  if (product.kind === "plan") return product.courseId ? [product.courseId] : [];
  if (product.allCourses) return (await db.select({ id: courses.id }).from(courses).where(eq(courses.published, true))).map((c) => c.id);
  const chosen = await db.select({ id: subscriptionProductCourses.courseId }).from(subscriptionProductCourses).where(eq(subscriptionProductCourses.productId, product.id));
  if (chosen.length === 0) return [];
  return (
    await db
      .select({ id: courses.id })
      .from(courses)
      .where(and(eq(courses.published, true), inArray(courses.id, chosen.map((c) => c.id))))
  ).map((c) => c.id);
}
