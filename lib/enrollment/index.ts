import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { courses, enrollments, orderItems, type Enrollment } from "@/db/schema";
import { decideEnrollment, REFUSAL_MESSAGES, type Access, type EnrollRefusal } from "./rules";

export * from "./rules";

export type EnrollResult =
  | { ok: true; mode: "full" | "audit"; created: boolean; slug: string }
  | { ok: false; reason: EnrollRefusal; message: string };

type Grant =
  | { mode: "full"; source: "free" | "admin"; orderItemId?: undefined }
  | { mode: "audit"; source: "audit"; orderItemId?: undefined }
  | { mode: "full"; source: "purchase"; orderItemId: string };

/**
 * Creates or upgrades the single (user, course) enrollment in one statement, so double submits and
 * concurrent grants converge on one row. It only ever moves "up": revoked → active, audit → full;
 * an active full enrollment is never downgraded. Returns the row when it changed, null when it did not.
 *
 * With `{ orderId }` instead of a course id it grants a purchase of every course of that order at once — each
 * tied to the order item that paid for it — in one INSERT … SELECT under the same rule, and returns the rows
 * that changed.
 */
export async function grantEnrollment(db: Queryable, userId: string, courseId: string, grant: Grant): Promise<Enrollment | null>;
export async function grantEnrollment(
  db: Queryable,
  userId: string,
  order: { orderId: string },
  grant: { mode: "full"; source: "purchase" },
): Promise<Enrollment[]>;
export async function grantEnrollment(
  db: Queryable,
  userId: string,
  course: string | { orderId: string },
  grant: Grant | { mode: "full"; source: "purchase" },
): Promise<Enrollment | null | Enrollment[]> {
  const upgrade = {
    target: [enrollments.userId, enrollments.courseId],
    // `excluded` is the row this grant proposed.
    set: {
      mode: sql`excluded.mode`,
      source: sql`excluded.source`,
      orderItemId: sql`excluded.order_item_id`,
      status: "active" as const,
      grantedAt: sql`now()`,
      revokedAt: null,
      revokeReason: null,
    },
    setWhere: sql`${enrollments.status} = 'revoked' or (${enrollments.mode} = 'audit' and excluded.mode = 'full')`,
  };
  if (typeof course !== "string") {
    // Every column, in the table's order (what drizzle's INSERT … SELECT expects); defaults spelled out.
    const bought = db
      .select({
        id: sql<string>`gen_random_uuid()`.as("id"),
        userId: sql<string>`${userId}::uuid`.as("user_id"),
        courseId: orderItems.courseId,
        mode: sql<"full">`'full'::enrollment_mode`.as("mode"),
        status: sql<"active">`'active'::enrollment_status`.as("status"),
        source: sql<"purchase">`'purchase'::enrollment_source`.as("source"),
        orderItemId: orderItems.id,
        grantedAt: sql<Date>`now()`.as("granted_at"),
        revokedAt: sql<null>`null::timestamptz`.as("revoked_at"),
        revokeReason: sql<null>`null::text`.as("revoke_reason"),
      })
      .from(orderItems)
      .where(eq(orderItems.orderId, course.orderId));
    return db.insert(enrollments).select(bought).onConflictDoUpdate(upgrade).returning();
  }
  const values = {
    userId,
    courseId: course,
    mode: grant.mode,
    source: grant.source,
    orderItemId: ("orderItemId" in grant ? grant.orderItemId : undefined) ?? null,
    status: "active" as const,
  };
  const [row] = await db.insert(enrollments).values(values).onConflictDoUpdate(upgrade).returning();
  return row ?? null;
}

/** Free or audit enrollment, decided by the rules against the database's course and enrollment. */
export async function enroll(
  db: Queryable,
  userId: string,
  courseId: string,
  request: "free" | "audit",
): Promise<EnrollResult> {
  const [course] = await db.select().from(courses).where(eq(courses.id, courseId));
  const existing = await getAccess(db, userId, courseId);
  const decision = decideEnrollment(request, course ?? null, existing);
  if (decision.kind === "refuse" || !course) {
    const reason = decision.kind === "refuse" ? decision.reason : "not_found";
    return { ok: false, reason, message: REFUSAL_MESSAGES[reason] };
  }
  if (decision.kind === "already") return { ok: true, mode: decision.mode, created: false, slug: course.slug };
  const row = await grantEnrollment(
    db,
    userId,
    courseId,
    decision.mode === "full" ? { mode: "full", source: "free" } : { mode: "audit", source: "audit" },
  );
  return { ok: true, mode: decision.mode, created: row !== null, slug: course.slug };
}

export async function getAccess(db: Queryable, userId: string, courseId: string): Promise<Access> {
  const [row] = await db
    .select({ mode: enrollments.mode, status: enrollments.status })
    .from(enrollments)
    .where(and(eq(enrollments.userId, userId), eq(enrollments.courseId, courseId)));
  return row ?? null;
}

/** Revokes the active enrollments that the given order items paid for (refunds, reversals). */
export async function revokeForOrderItems(db: Queryable, orderItemIds: string[], reason: string): Promise<number> {
  if (orderItemIds.length === 0) return 0;
  const revoked = await db
    .update(enrollments)
    .set({ status: "revoked", revokedAt: sql`now()`, revokeReason: reason })
    .where(and(inArray(enrollments.orderItemId, orderItemIds), eq(enrollments.status, "active")))
    .returning({ id: enrollments.id });
  return revoked.length;
}

export type MyCourse = {
  courseId: string;
  slug: string;
  title: string;
  summary: string;
  mode: "full" | "audit";
  grantedAt: Date;
};

export async function listActiveEnrollments(db: Queryable, userId: string): Promise<MyCourse[]> {
  return db
    .select({
      courseId: courses.id,
      slug: courses.slug,
      title: courses.title,
      summary: courses.summary,
      mode: enrollments.mode,
      grantedAt: enrollments.grantedAt,
    })
    .from(enrollments)
    .innerJoin(courses, eq(courses.id, enrollments.courseId))
    .where(and(eq(enrollments.userId, userId), eq(enrollments.status, "active")))
    .orderBy(sql`${enrollments.grantedAt} desc`);
}
