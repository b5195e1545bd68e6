/** The admin's course outline on both engines: add, order, edit and remove sections and lessons, each change audited. */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { adminAuditLog } from "@/db/schema";
import { testEngines, useTestDb } from "@/lib/testing/db";
import { makeCourse, makeUser } from "@/lib/testing/fixtures";
import { addSection, editorOutline, lessonFormSchema, move, removeFromOutline, saveLesson } from "./editor";
import { courseOutline } from ".";

for (const engine of testEngines()) {
  describe(`the course outline editor on ${engine}`, () => {
    const t = useTestDb(engine);
    const lesson = (sectionId: string, overrides: Record<string, string | undefined> = {}) =>
      lessonFormSchema.parse({ sectionId, title: "First steps", bodyMarkdown: "## Hello", durationMinutes: "8", published: "on", ...overrides });

    it("builds an outline, keeps slugs unique per course, orders by moves, and removes only empty sections", async () => {
      const admin = await makeUser(t.db, { role: "admin" });
      const course = await makeCourse(t.db);
      const other = await makeCourse(t.db);
      const one = await addSection(t.db, admin.id, course.id, "Basics");
      const two = await addSection(t.db, admin.id, course.id, "Going further");
      if (!one.ok || !two.ok) throw new Error("sections not added");
      const first = await saveLesson(t.db, admin.id, course.id, null, lesson(one.id));
      expect(first).toMatchObject({ ok: true });
      expect(await saveLesson(t.db, admin.id, course.id, null, lesson(one.id))).toMatchObject({ ok: false, fieldErrors: { slug: ["Another lesson of this course uses this slug."] } });
      // The same slug in another course is fine; a section of another course is not.
      const otherSection = await addSection(t.db, admin.id, other.id, "Elsewhere");
      expect(await saveLesson(t.db, admin.id, other.id, null, lesson(otherSection.ok ? otherSection.id : ""))).toMatchObject({ ok: true });
      expect(await saveLesson(t.db, admin.id, course.id, null, lesson(otherSection.ok ? otherSection.id : "", { slug: "x" }))).toMatchObject({ ok: false, fieldErrors: { sectionId: expect.any(Array) } });
      await saveLesson(t.db, admin.id, course.id, null, lesson(one.id, { title: "Second steps", preview: "on" }));
      await saveLesson(t.db, admin.id, course.id, null, lesson(two.id, { title: "Draft idea", published: undefined }));

      const titles = async () => (await editorOutline(t.db, course.id)).map((s) => [s.title, s.lessons.map((l) => l.title)]);
      expect(await titles()).toEqual([["Basics", ["First steps", "Second steps"]], ["Going further", ["Draft idea"]]]);
      expect(await move(t.db, admin.id, course.id, "lesson", first.ok ? first.id : "", "down")).toBe(true);
      expect(await move(t.db, admin.id, course.id, "lesson", first.ok ? first.id : "", "down")).toBe(false); // already last
      expect(await move(t.db, admin.id, course.id, "section", two.id, "up")).toBe(true);
      expect(await titles()).toEqual([["Going further", ["Draft idea"]], ["Basics", ["Second steps", "First steps"]]]);
      // Learners see published lessons only.
      expect((await courseOutline(t.db, course.id, null)).lessons.map((l) => l.title)).toEqual(["Second steps", "First steps"]);

      expect(await removeFromOutline(t.db, admin.id, course.id, "section", one.id)).toMatchObject({ ok: false, message: "Move or delete this section's lessons first." });
      // Moving a lesson to another section puts it at that section's end.
      await saveLesson(t.db, admin.id, course.id, first.ok ? first.id : "", lesson(two.id));
      expect(await titles()).toEqual([["Going further", ["Draft idea", "First steps"]], ["Basics", ["Second steps"]]]);
      expect((await t.db.select().from(adminAuditLog).where(eq(adminAuditLog.targetId, course.id))).every((a) => a.action === "course.outline_changed")).toBe(true);
    });

    it("refuses a video from a host that is not allowed, and makes a slug from the title", () => {
      const sectionId = crypto.randomUUID();
      expect(lessonFormSchema.safeParse({ sectionId, title: "T", bodyMarkdown: "x", durationMinutes: "5", videoUrl: "https://evil.test/v.mp4" }).success).toBe(false);
      expect(lessonFormSchema.safeParse({ sectionId, title: "T", bodyMarkdown: "x", durationMinutes: "0" }).success).toBe(false);
      expect(lessonFormSchema.parse({ sectionId, title: "Git & You: Part 1", bodyMarkdown: "x", durationMinutes: "5", videoUrl: "https://youtu.be/dQw4w9WgXcQ" })).toMatchObject({ slug: "git-you-part-1", videoUrl: "https://youtu.be/dQw4w9WgXcQ", published: false });
    });
  });
}
