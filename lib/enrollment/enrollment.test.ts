import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { enrollments } from "@/db/schema";
import { testEngines, useTestDb } from "@/lib/testing/db";
import { makeCourse, makeUser } from "@/lib/testing/fixtures";
import { enroll, getAccess, grantEnrollment, listActiveEnrollments } from "./index";

for (const engine of testEngines()) {
  describe(`enrollment on ${engine}`, () => {
    const t = useTestDb(engine);

    const rowsFor = (userId: string, courseId: string) =>
      t.db.select().from(enrollments).where(and(eq(enrollments.userId, userId), eq(enrollments.courseId, courseId)));

    it("enrolls a free course at once, fully", async () => {
      const [user, course] = await Promise.all([makeUser(t.db), makeCourse(t.db, { priceMinor: 0 })]);
      const result = await enroll(t.db, user.id, course.id, "free");
      expect(result).toMatchObject({ ok: true, mode: "full", created: true, slug: course.slug });
      expect(await getAccess(t.db, user.id, course.id)).toEqual({ mode: "full", status: "active", accessUntil: null });
    });

    it("turns a double submit into one enrollment", async () => {
      const [user, course] = await Promise.all([makeUser(t.db), makeCourse(t.db, { priceMinor: 0 })]);
      const results = await Promise.all(Array.from({ length: 5 }, () => enroll(t.db, user.id, course.id, "free")));
      expect(results.every((r) => r.ok)).toBe(true);
      expect(results.filter((r) => r.ok && r.created)).toHaveLength(1);
      expect(await rowsFor(user.id, course.id)).toHaveLength(1);
    });

    it("never enrolls a paid course through the free path, whatever the request says", async () => {
      const [user, course] = await Promise.all([makeUser(t.db), makeCourse(t.db, { priceMinor: 7900, auditable: true })]);
      expect(await enroll(t.db, user.id, course.id, "free")).toMatchObject({ ok: false, reason: "not_free" });
      expect(await rowsFor(user.id, course.id)).toHaveLength(0);
    });

    it("audits only auditable courses", async () => {
      const user = await makeUser(t.db);
      const auditable = await makeCourse(t.db, { auditable: true });
      const closed = await makeCourse(t.db, { auditable: false });
      expect(await enroll(t.db, user.id, auditable.id, "audit")).toMatchObject({ ok: true, mode: "audit" });
      expect(await enroll(t.db, user.id, closed.id, "audit")).toMatchObject({ ok: false, reason: "not_auditable" });
      expect(await rowsFor(user.id, closed.id)).toHaveLength(0);
    });

    it("treats unpublished courses as not found", async () => {
      const [user, course] = await Promise.all([makeUser(t.db), makeCourse(t.db, { priceMinor: 0, published: false })]);
      expect(await enroll(t.db, user.id, course.id, "free")).toMatchObject({ ok: false, reason: "not_found" });
      expect(await rowsFor(user.id, course.id)).toHaveLength(0);
    });

    it("upgrades an audit to a purchase and never downgrades it back", async () => {
      const [user, course] = await Promise.all([makeUser(t.db), makeCourse(t.db, { auditable: true })]);
      await enroll(t.db, user.id, course.id, "audit");
      // A purchase needs an order item; the grant path only cares that one is named.
      const upgraded = await grantEnrollment(t.db, user.id, course.id, { mode: "full", source: "admin" });
      expect(upgraded).toMatchObject({ mode: "full", status: "active" });
      expect(await grantEnrollment(t.db, user.id, course.id, { mode: "audit", source: "audit" })).toBeNull();
      expect(await enroll(t.db, user.id, course.id, "audit")).toMatchObject({ ok: false, reason: "already_enrolled" });
      expect(await rowsFor(user.id, course.id)).toEqual([expect.objectContaining({ mode: "full", status: "active" })]);
    });

    it("the database refuses a purchase enrollment without the order item that paid for it", async () => {
      const [user, course] = await Promise.all([makeUser(t.db), makeCourse(t.db)]);
      await expect(
        t.db.insert(enrollments).values({ userId: user.id, courseId: course.id, mode: "full", source: "purchase" }),
      ).rejects.toThrow();
      await expect(
        t.db.insert(enrollments).values({ userId: user.id, courseId: course.id, mode: "full", source: "audit" }),
      ).rejects.toThrow();
    });

    it("lists only active enrollments under My courses", async () => {
      const user = await makeUser(t.db);
      const [a, b] = await Promise.all([makeCourse(t.db, { priceMinor: 0 }), makeCourse(t.db, { auditable: true })]);
      await enroll(t.db, user.id, a.id, "free");
      await enroll(t.db, user.id, b.id, "audit");
      await t.db.update(enrollments).set({ status: "revoked" }).where(eq(enrollments.courseId, a.id));
      const mine = await listActiveEnrollments(t.db, user.id);
      expect(mine.map((c) => [c.slug, c.mode])).toEqual([[b.slug, "audit"]]);
    });
  });
}
