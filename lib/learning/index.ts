import "server-only";
import { and, asc, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db, Queryable } from "@/db/client";
import { certificates, courseSections, enrollments, lessonProgress, lessons, users, type Certificate, type Course, type Lesson } from "@/db/schema";
import { canGetCertificate, canViewContent, type Access } from "@/lib/enrollment/rules";

/**
 * The learning side: a course's outline (sections and lessons), who may read a lesson, progress (resume where you
 * left off, completion), and certificates, which are earned by completing every lesson with a full enrollment and
 * are revoked with it.
 */
export type OutlineLesson = Pick<Lesson, "id" | "slug" | "title" | "durationMinutes" | "preview"> & { completed: boolean };
export type Outline = {
  sections: { id: string; title: string; lessons: OutlineLesson[] }[];
  lessons: OutlineLesson[];
  completed: number;
  totalMinutes: number;
};

/** Who may read a lesson: anyone for a preview, otherwise whoever may read the course (full or audit, while current). */
export const canReadLesson = (access: Access, lesson: Pick<Lesson, "preview">, now = new Date()) => lesson.preview || canViewContent(access, now);

/** The published lessons of a course in order, each marked completed for `userId` (none for a visitor). */
export async function courseOutline(db: Queryable, courseId: string, userId: string | null): Promise<Outline> {
  const rows = await db
    .select({
      sectionId: courseSections.id,
      sectionTitle: courseSections.title,
      lesson: { id: lessons.id, slug: lessons.slug, title: lessons.title, durationMinutes: lessons.durationMinutes, preview: lessons.preview },
      completedAt: lessonProgress.completedAt,
    })
    .from(lessons)
    .innerJoin(courseSections, eq(courseSections.id, lessons.sectionId))
    .leftJoin(lessonProgress, and(eq(lessonProgress.lessonId, lessons.id), eq(lessonProgress.userId, userId ?? sql`null`)))
    .where(and(eq(lessons.courseId, courseId), eq(lessons.published, true)))
    .orderBy(asc(courseSections.position), asc(lessons.position));
  const sections: Outline["sections"] = [];
  for (const row of rows) {
    let section = sections.at(-1);
    if (!section || section.id !== row.sectionId) sections.push((section = { id: row.sectionId, title: row.sectionTitle, lessons: [] }));
    section.lessons.push({ ...row.lesson, completed: row.completedAt !== null });
  }
  const all = sections.flatMap((s) => s.lessons);
  return { sections, lessons: all, completed: all.filter((l) => l.completed).length, totalMinutes: all.reduce((sum, l) => sum + l.durationMinutes, 0) };
}

export async function findLesson(db: Queryable, courseId: string, slug: string): Promise<Lesson | null> {
  const [lesson] = await db.select().from(lessons).where(and(eq(lessons.courseId, courseId), eq(lessons.slug, slug), eq(lessons.published, true)));
  return lesson ?? null;
}

/** Where to pick the course up again: the lesson last opened, else the first. */
export async function resumeLessonSlug(db: Queryable, userId: string, courseId: string, outline: Outline): Promise<string | null> {
  const [last] = await db
    .select({ slug: lessons.slug })
    .from(lessonProgress)
    .innerJoin(lessons, eq(lessons.id, lessonProgress.lessonId))
    .where(and(eq(lessonProgress.userId, userId), eq(lessonProgress.courseId, courseId), eq(lessons.published, true)))
    .orderBy(desc(lessonProgress.lastViewedAt))
    .limit(1);
  return last?.slug ?? outline.lessons[0]?.slug ?? null;
}

/** Remembers that the learner opened this lesson (for "resume"). */
export async function recordView(db: Queryable, userId: string, lesson: Pick<Lesson, "id" | "courseId">): Promise<void> {
  await db
    .insert(lessonProgress)
    .values({ userId, lessonId: lesson.id, courseId: lesson.courseId })
    .onConflictDoUpdate({ target: [lessonProgress.userId, lessonProgress.lessonId], set: { lastViewedAt: sql`now()` } });
}

export type CompleteResult = { completed: number; total: number; certificateId: string | null };

/**
 * Marks a lesson complete (once: the first completion's time is kept) and, when that completes the course for a learner
 * with a full enrollment, issues their certificate — in one transaction, so two tabs finishing the last lesson at once
 * make one certificate (the partial unique index allows one valid certificate per enrollment).
 */
export async function completeLesson(db: Db, userId: string, lesson: Pick<Lesson, "id" | "courseId">, course: Pick<Course, "title">): Promise<CompleteResult> {
  return db.transaction(async (tx) => {
    await tx
      .insert(lessonProgress)
      .values({ userId, lessonId: lesson.id, courseId: lesson.courseId, completedAt: sql`now()` })
      .onConflictDoUpdate({ target: [lessonProgress.userId, lessonProgress.lessonId], set: { completedAt: sql`coalesce(${lessonProgress.completedAt}, now())`, lastViewedAt: sql`now()` } });
    const outline = await courseOutline(tx, lesson.courseId, userId);
    const done = { completed: outline.completed, total: outline.lessons.length };
    if (outline.completed < outline.lessons.length) return { ...done, certificateId: null };
    const [enrollment] = await tx.select().from(enrollments).where(and(eq(enrollments.userId, userId), eq(enrollments.courseId, lesson.courseId)));
    if (!enrollment || !canGetCertificate(enrollment)) return { ...done, certificateId: null };
    const [user] = await tx.select({ name: users.name }).from(users).where(eq(users.id, userId));
    await tx
      .insert(certificates)
      .values({ userId, courseId: lesson.courseId, enrollmentId: enrollment.id, learnerName: user!.name, courseTitle: course.title })
      .onConflictDoNothing();
    const certificate = await validCertificate(tx, userId, lesson.courseId);
    return { ...done, certificateId: certificate?.id ?? null };
  });
}

/** The learner's valid certificate for a course, if they earned one and still hold the enrollment it was for. */
export async function validCertificate(db: Queryable, userId: string, courseId: string): Promise<Certificate | null> {
  const [row] = await db
    .select({ certificate: certificates })
    .from(certificates)
    .innerJoin(enrollments, eq(enrollments.id, certificates.enrollmentId))
    .where(and(eq(certificates.userId, userId), eq(certificates.courseId, courseId), isNull(certificates.revokedAt), eq(enrollments.status, "active"), eq(enrollments.mode, "full")))
    .orderBy(desc(certificates.issuedAt))
    .limit(1);
  return row?.certificate ?? null;
}

export type Verification = { certificate: Certificate; valid: boolean; revokedAt: Date | null };

/**
 * A certificate as anyone may check it (/certificates/<id>): genuine and valid, or revoked — explicitly, or because
 * the enrollment it certified was refunded or reversed since.
 */
export async function verifyCertificate(db: Queryable, id: string): Promise<Verification | null> {
  const [row] = await db
    .select({ certificate: certificates, status: enrollments.status, mode: enrollments.mode, enrollmentRevokedAt: enrollments.revokedAt })
    .from(certificates)
    .innerJoin(enrollments, eq(enrollments.id, certificates.enrollmentId))
    .where(eq(certificates.id, id));
  if (!row) return null;
  const valid = row.certificate.revokedAt === null && row.status === "active" && row.mode === "full";
  return { certificate: row.certificate, valid, revokedAt: row.certificate.revokedAt ?? (valid ? null : (row.enrollmentRevokedAt ?? new Date())) };
}

/** Revokes the certificates of enrollments that just ended (a refund, a reversal), inside the caller's transaction. */
export async function revokeCertificates(tx: Queryable, enrollmentIds: string[], reason: string): Promise<void> {
  if (enrollmentIds.length === 0) return;
  await tx
    .update(certificates)
    .set({ revokedAt: sql`now()`, revokeReason: reason })
    .where(and(inArray(certificates.enrollmentId, enrollmentIds), isNull(certificates.revokedAt)));
}
