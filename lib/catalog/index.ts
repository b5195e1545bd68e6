import "server-only";
import { and, asc, eq } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { courses, type Course } from "@/db/schema";
import { money, type Money } from "@/lib/money";

export type CourseCard = Pick<Course, "id" | "slug" | "title" | "summary" | "auditable"> & { price: Money };

export const coursePrice = (course: Pick<Course, "priceMinor" | "currency">): Money =>
  money(course.priceMinor, course.currency);

/** The student-facing catalog: published courses only. */
export async function listPublishedCourses(db: Queryable): Promise<CourseCard[]> {
  const rows = await db.select().from(courses).where(eq(courses.published, true)).orderBy(asc(courses.title));
  return rows.map((c) => ({ id: c.id, slug: c.slug, title: c.title, summary: c.summary, auditable: c.auditable, price: coursePrice(c) }));
}

/** Unpublished courses do not exist for students (a 404, not a "forbidden"). */
export async function findPublishedCourse(db: Queryable, slug: string): Promise<Course | null> {
  const [course] = await db
    .select()
    .from(courses)
    .where(and(eq(courses.slug, slug), eq(courses.published, true)));
  return course ?? null;
}
