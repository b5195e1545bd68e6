/**
 * Who may enroll how: pure decisions, tested without a database.
 *
 * - A free course: anyone signed in enrolls fully, at once.
 * - An auditable course: anyone signed in may audit (content, no certificate).
 * - A paid course: full enrollment only through a paid order (lib/payments), never through these rules.
 */
import type { EnrollmentMode } from "@/db/schema";

export type CourseFacts = { published: boolean; priceMinor: number; auditable: boolean };
export type ExistingEnrollment = Access;

export type EnrollRefusal = "not_found" | "not_free" | "not_auditable" | "free_course" | "already_enrolled";

export type EnrollDecision =
  | { kind: "grant"; mode: EnrollmentMode }
  | { kind: "already"; mode: EnrollmentMode }
  | { kind: "refuse"; reason: EnrollRefusal };

export const REFUSAL_MESSAGES: Record<EnrollRefusal, string> = {
  not_found: "This course does not exist or is not available.",
  not_free: "This course is paid. Add it to your cart to buy it.",
  not_auditable: "This course cannot be audited.",
  free_course: "This course is free: enroll fully instead of auditing.",
  already_enrolled: "You are already enrolled in this course.",
};

export function decideEnrollment(
  request: "free" | "audit",
  course: CourseFacts | null,
  existing: ExistingEnrollment,
): EnrollDecision {
  if (!course || !course.published) return { kind: "refuse", reason: "not_found" };
  // A subscription's access that has lapsed counts as none.
  const active = canViewContent(existing) ? existing : null;

  if (request === "free") {
    if (course.priceMinor !== 0) return { kind: "refuse", reason: "not_free" };
    if (active?.mode === "full") return { kind: "already", mode: "full" };
    return { kind: "grant", mode: "full" };
  }

  if (course.priceMinor === 0) return { kind: "refuse", reason: "free_course" };
  if (!course.auditable) return { kind: "refuse", reason: "not_auditable" };
  if (active?.mode === "full") return { kind: "refuse", reason: "already_enrolled" };
  if (active?.mode === "audit") return { kind: "already", mode: "audit" };
  return { kind: "grant", mode: "audit" };
}

/**
 * An enrollment as access rules see it. `accessUntil` is set on a subscription's enrollments: access runs to the
 * paid-through date (plus grace) and lapses by itself afterwards; null means for good.
 */
export type Access = { mode: EnrollmentMode; status: "active" | "revoked"; accessUntil?: Date | null } | null;

const current = (access: Access, now: Date) => access?.status === "active" && (access.accessUntil == null || access.accessUntil > now);

export const canViewContent = (access: Access, now = new Date()) => current(access, now);
export const canGetCertificate = (access: Access, now = new Date()) => current(access, now) && access!.mode === "full";
/**
 * Owning a course = an active full enrollment for good; audits, revoked enrollments and a subscription's
 * time-limited access can still buy it (and a purchase is never taken away when the subscription ends).
 */
export const ownsCourse = (access: Access, now = new Date()) => canGetCertificate(access, now) && access!.accessUntil == null;
