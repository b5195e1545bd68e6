import "server-only";
import { and, eq } from "drizzle-orm";
import { forbidden, notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { enrollments } from "@/db/schema";
import { requireUser } from "@/lib/auth/session";
import { findPublishedCourse } from "@/lib/catalog";
import { accessWithSubscriptions } from "@/lib/subscriptions/access";
import { canGetCertificate, canViewContent } from "./rules";

/**
 * The gate in front of course content and certificates, for pages: unknown or unpublished → 404,
 * signed out → sign in, no matching enrollment → 403 (the segment's forbidden.tsx explains why).
 */
export async function requireCourseAccess(slug: string, gate: "content" | "certificate", returnTo: string) {
  const db = getDb();
  const course = await findPublishedCourse(db, slug);
  if (!course) notFound();
  const user = await requireUser(returnTo);
  // A membership that includes the course opens it here, the first time the member comes.
  await accessWithSubscriptions(db, user.id, course.id);
  const [enrollment] = await db
    .select()
    .from(enrollments)
    .where(and(eq(enrollments.userId, user.id), eq(enrollments.courseId, course.id)));
  const allowed = gate === "content" ? canViewContent(enrollment ?? null) : canGetCertificate(enrollment ?? null);
  if (!allowed || !enrollment) forbidden();
  return { course, user, enrollment };
}
