/** Small factories for integration tests: a user, a course, with unique values per call. */
import { randomBytes } from "node:crypto";
import type { Queryable } from "@/db/client";
import { courses, subscriptionPrices, subscriptionProducts, users, type Course, type SubscriptionPrice, type SubscriptionProduct, type User } from "@/db/schema";

const unique = () => randomBytes(4).toString("hex");

export async function makeUser(db: Queryable, overrides: Partial<typeof users.$inferInsert> = {}): Promise<User> {
  const id = unique();
  const [user] = await db
    .insert(users)
    .values({ email: `student-${id}@example.test`, name: `Student ${id}`, role: "student", ...overrides })
    .returning();
  return user!;
}

export async function makeCourse(db: Queryable, overrides: Partial<typeof courses.$inferInsert> = {}): Promise<Course> {
  const id = unique();
  const [course] = await db
    .insert(courses)
    .values({
      slug: `course-${id}`,
      title: `Course ${id}`,
      summary: "A test course.",
      body: "Lesson one.\n\nLesson two.",
      priceMinor: 4900,
      currency: "USD",
      auditable: false,
      published: true,
      ...overrides,
    })
    .returning();
  return course!;
}

/**
 * A published subscription product with one price version: a monthly membership of every published course by
 * default; `kind: "plan"` with `courseId` and `instalments` for a payment plan.
 */
export async function makeSubscriptionProduct(
  db: Queryable,
  overrides: Partial<typeof subscriptionProducts.$inferInsert> = {},
  price: { currency?: string; amountMinor?: number; setupFeeMinor?: number } = {},
): Promise<{ product: SubscriptionProduct; price: SubscriptionPrice }> {
  const id = unique();
  const [product] = await db
    .insert(subscriptionProducts)
    .values({ slug: `membership-${id}`, kind: "membership", name: `All-access ${id}`, description: "Every course, while you subscribe.", interval: "month", allCourses: true, published: true, ...overrides })
    .returning();
  const [row] = await db
    .insert(subscriptionPrices)
    .values({ productId: product!.id, currency: price.currency ?? "USD", version: 1, amountMinor: price.amountMinor ?? 1900, setupFeeMinor: price.setupFeeMinor ?? 0 })
    .returning();
  return { product: product!, price: row! };
}
