/** Small factories for integration tests: a user, a course, with unique values per call. */
import { randomBytes } from "node:crypto";
import type { Queryable } from "@/db/client";
import { courses, users, type Course, type User } from "@/db/schema";

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
