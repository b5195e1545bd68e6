import { describe, expect, it } from "vitest";
import { testEngines, useTestDb } from "@/lib/testing/db";
import { makeUser } from "@/lib/testing/fixtures";
import { listAuditLog, recordAdminAction, type AuditCursor } from ".";

for (const engine of testEngines()) {
  describe(`audit log on ${engine}`, () => {
    const t = useTestDb(engine);

    it("pages through every line, newest first, once each", async () => {
      const actor = await makeUser(t.db, { role: "admin", email: `admin-${engine}@example.test` });
      // Written together, so several lines share a timestamp: paging must not skip or repeat any of them.
      await t.db.transaction(async (tx) => {
        for (let i = 0; i < 7; i++) await recordAdminAction(tx, actor.id, "course.updated", { type: "course", id: `course-${i}` }, { step: i });
      });

      const seen: number[] = [];
      let before: AuditCursor | undefined;
      for (let page = 0; page < 10; page++) {
        const { lines, next } = await listAuditLog(t.db, { limit: 3, before });
        expect(lines.length).toBeLessThanOrEqual(3);
        seen.push(...lines.map((line) => (line.details as { step: number }).step));
        if (!next) break;
        before = next;
      }
      expect(seen).toEqual([6, 5, 4, 3, 2, 1, 0]);

      const { lines } = await listAuditLog(t.db, { limit: 1 });
      expect(lines[0]).toMatchObject({ actorEmail: `admin-${engine}@example.test`, action: "course.updated", targetType: "course", targetId: "course-6" });
    });

    it("ends without a cursor when the last page is exactly full, and filters by target", async () => {
      const actor = await makeUser(t.db, { role: "admin" });
      await recordAdminAction(t.db, actor.id, "refund.requested", { type: "order", id: "order-a" }, { n: 1 });
      await recordAdminAction(t.db, actor.id, "order.reconciled", { type: "order", id: "order-b" });
      await recordAdminAction(t.db, actor.id, "order.reconciled", { type: "order", id: "order-a" }, { n: 2 });

      const target = { type: "order" as const, id: "order-a" };
      const first = await listAuditLog(t.db, { limit: 1, target });
      expect(first.lines.map((line) => line.details)).toEqual([{ n: 2 }]);
      const second = await listAuditLog(t.db, { limit: 1, target, before: first.next! });
      expect(second.lines.map((line) => line.details)).toEqual([{ n: 1 }]);
      expect(second.next).toBeNull();
    });
  });
}
