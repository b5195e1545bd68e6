import "server-only";
import { revokeCertificates } from "@/lib/learning";
import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
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
 * Enrollments only ever move "up": revoked → active, audit → full, a subscription's time-limited access → owned
 * (a purchase, a free course, an admin's grant); an active full enrollment for good is never downgraded.
 */
const UPGRADE_ONLY = sql`${enrollments.status} = 'revoked' or (${enrollments.mode} = 'audit' and excluded.mode = 'full')
  or (${enrollments.source} = 'subscription' and (excluded.source not in ('subscription', 'audit') or ${enrollments.accessUntil} <= now()))`;

/** The enrollments that open a course now: active, and within their access window if they have one. */
export const CURRENT_ACCESS = sql`(${enrollments.status} = 'active' and (${enrollments.accessUntil} is null or ${enrollments.accessUntil} > now()))`;

/**
 * Creates or upgrades the single (user, course) enrollment in one statement, so double submits and
 * concurrent grants converge on one row, under the upgrade-only rule. Returns the row when it changed, null
 * when it did not.
 */
export async function grantEnrollment(db: Queryable, userId: string, courseId: string, grant: Grant): Promise<Enrollment | null> {
  const values = {
    userId,
    courseId,
    mode: grant.mode,
    source: grant.source,
    orderItemId: grant.orderItemId ?? null,
    status: "active" as const,
  };
  const [row] = await db
    .insert(enrollments)
    .values(values)
    .onConflictDoUpdate({
      target: [enrollments.userId, enrollments.courseId],
      // `excluded` is the row this grant proposed.
      set: { mode: sql`excluded.mode`, source: sql`excluded.source`, orderItemId: sql`excluded.order_item_id`, subscriptionId: null, accessUntil: null, status: "active", grantedAt: sql`now()`, revokedAt: null, revokeReason: null },
      setWhere: UPGRADE_ONLY,
    })
    .returning();
  return row ?? null;
}

/**
 * The purchase grants of paid orders as one SQL statement, for use inside a larger one (fulfil()): a full
 * enrollment per course of each order in `paid` (a relation with `id` = order id and `user_id`), tied to the
 * order item that paid for it, under the same upgrade-only rule as grantEnrollment(). Returns the changed rows' id,
 * user_id, course_id and order_item_id.
 */
export function purchaseGrantsSql(paid: SQL): SQL {
  return sql`
    insert into ${enrollments} (user_id, course_id, mode, source, order_item_id, status)
    select paid.user_id, item.course_id, 'full', 'purchase', item.id, 'active'
    from ${paid} as paid join ${orderItems} as item on item.order_id = paid.id
    -- An LMS class (no store course) is enrolled at the LMS, through the outbox.
    where item.course_id is not null and paid.user_id is not null
    on conflict (user_id, course_id) do update
      set mode = excluded.mode, source = excluded.source, order_item_id = excluded.order_item_id, status = 'active',
          subscription_id = null, access_until = null, granted_at = now(), revoked_at = null, revoke_reason = null
      where ${UPGRADE_ONLY}
    returning id, user_id, course_id, order_item_id`;
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
    .select({ mode: enrollments.mode, status: enrollments.status, accessUntil: enrollments.accessUntil })
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
  // A certificate certifies an enrollment: it ends with it (its public page says "revoked").
  await revokeCertificates(db, revoked.map((r) => r.id), reason);
  return revoked.length;
}

export type MyCourse = {
  courseId: string;
  slug: string;
  title: string;
  summary: string;
  mode: "full" | "audit";
  grantedAt: Date;
  /** Set when a subscription opens the course: access ends then unless it renews. */
  accessUntil: Date | null;
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
      accessUntil: enrollments.accessUntil,
    })
    .from(enrollments)
    .innerJoin(courses, eq(courses.id, enrollments.courseId))
    .where(and(eq(enrollments.userId, userId), CURRENT_ACCESS))
    .orderBy(sql`${enrollments.grantedAt} desc`);
}
