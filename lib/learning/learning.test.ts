/** Lessons, progress and certificates on both engines: who reads what, completion, one certificate, revoked by a refund. */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { certificates, courseSections, enrollments, lessons, type Course } from "@/db/schema";
import { addToCart } from "@/lib/cart";
import { getAccess } from "@/lib/enrollment";
import { captureCheckout, startCheckout } from "@/lib/payments/checkout";
import { requestRefund } from "@/lib/payments/refunds";
import { testEngines } from "@/lib/testing/db";
import { makeCourse, makeUser } from "@/lib/testing/fixtures";
import { useProvider } from "@/lib/testing/providers";
import { canReadLesson, completeLesson, courseOutline, recordView, resumeLessonSlug, validCertificate, verifyCertificate } from ".";
import { videoEmbedUrl } from "./video";

for (const engine of testEngines()) {
  describe(`learning on ${engine}`, () => {
    const p = useProvider("paypal", engine);

    /** A course with two sections of lessons; the first lesson is a free preview. */
    async function courseWithLessons(overrides: Partial<Course> = {}) {
      const course = await makeCourse(p.db, { priceMinor: 2500, currency: "USD", ...overrides });
      const slugs = [["intro", "basics"], ["practice"]];
      for (const [position, group] of slugs.entries()) {
        const [section] = await p.db.insert(courseSections).values({ courseId: course.id, title: `Part ${position + 1}`, position }).returning();
        await p.db.insert(lessons).values(group.map((slug, i) => ({ courseId: course.id, sectionId: section!.id, slug, title: slug, bodyMarkdown: `# ${slug}`, position: i, preview: slug === "intro" })));
      }
      await p.db.insert(lessons).values({ courseId: course.id, sectionId: (await p.db.select().from(courseSections).where(eq(courseSections.courseId, course.id)))[0]!.id, slug: "draft", title: "Draft", bodyMarkdown: "x", position: 9, published: false });
      const all = await p.db.select().from(lessons).where(eq(lessons.courseId, course.id));
      const bySlug = (slug: string) => all.find((l) => l.slug === slug)!;
      return { course, bySlug };
    }

    it("orders the outline by section and lesson, leaves drafts out, and opens previews to anyone", async () => {
      const { course, bySlug } = await courseWithLessons();
      const outline = await courseOutline(p.db, course.id, null);
      expect(outline.sections.map((s) => [s.title, s.lessons.map((l) => l.slug)])).toEqual([
        ["Part 1", ["intro", "basics"]],
        ["Part 2", ["practice"]],
      ]);
      expect(canReadLesson(null, bySlug("intro"))).toBe(true);
      expect(canReadLesson(null, bySlug("basics"))).toBe(false);
      expect(canReadLesson({ mode: "audit", status: "active" }, bySlug("basics"))).toBe(true);
      expect(canReadLesson({ mode: "full", status: "revoked" }, bySlug("basics"))).toBe(false);
    });

    it("resumes where the learner left off, counts progress, and certifies only a full enrollment that completed every lesson", async () => {
      const { course, bySlug } = await courseWithLessons();
      const learner = await makeUser(p.db);
      const auditor = await makeUser(p.db);
      await p.db.insert(enrollments).values([
        { userId: learner.id, courseId: course.id, mode: "full", source: "admin" },
        { userId: auditor.id, courseId: course.id, mode: "audit", source: "audit" },
      ]);
      expect(await resumeLessonSlug(p.db, learner.id, course.id, await courseOutline(p.db, course.id, learner.id))).toBe("intro");
      await recordView(p.db, learner.id, bySlug("basics"));
      expect(await resumeLessonSlug(p.db, learner.id, course.id, await courseOutline(p.db, course.id, learner.id))).toBe("basics");

      for (const who of [learner, auditor]) {
        expect(await completeLesson(p.db, who.id, bySlug("intro"), course)).toMatchObject({ completed: 1, total: 3, certificateId: null });
        expect(await completeLesson(p.db, who.id, bySlug("intro"), course)).toMatchObject({ completed: 1 }); // once
        await completeLesson(p.db, who.id, bySlug("basics"), course);
      }
      // The last lesson completed twice at once (two tabs): one certificate.
      const [a, b] = await Promise.all([completeLesson(p.db, learner.id, bySlug("practice"), course), completeLesson(p.db, learner.id, bySlug("practice"), course)]);
      expect(a.certificateId).not.toBeNull();
      expect(b.certificateId).toBe(a.certificateId);
      expect(await p.db.select().from(certificates).where(eq(certificates.userId, learner.id))).toHaveLength(1);
      expect(await completeLesson(p.db, auditor.id, bySlug("practice"), course)).toMatchObject({ completed: 3, total: 3, certificateId: null });
      expect(await verifyCertificate(p.db, a.certificateId!)).toMatchObject({ valid: true, certificate: { learnerName: learner.name, courseTitle: course.title } });
    });

    it("a refund revokes the certificate: the lessons close and the verification page says revoked", async () => {
      const { course, bySlug } = await courseWithLessons();
      const buyer = await makeUser(p.db);
      await addToCart(p.db, buyer.id, course.id);
      const started = await startCheckout(p.instance(), buyer.id, { kind: "cart", currency: "USD" });
      if (!started.ok) throw new Error(started.message);
      await p.pay(started.providerOrderId);
      await captureCheckout(p.instance(), buyer.id, started.providerOrderId);
      await p.settle();
      for (const slug of ["intro", "basics", "practice"]) await completeLesson(p.db, buyer.id, bySlug(slug), course);
      const certificate = await validCertificate(p.db, buyer.id, course.id);
      expect(certificate).not.toBeNull();

      const admin = await makeUser(p.db, { role: "admin" });
      expect(await requestRefund(p.instance(), { orderId: started.orderId, courseIds: "all", actorId: admin.id })).toMatchObject({ ok: true });
      await p.settle();
      expect(canReadLesson(await getAccess(p.db, buyer.id, course.id), bySlug("basics"))).toBe(false);
      expect(await validCertificate(p.db, buyer.id, course.id)).toBeNull();
      expect(await verifyCertificate(p.db, certificate!.id)).toMatchObject({ valid: false, revokedAt: expect.any(Date), certificate: { revokeReason: "refunded" } });
    });

    it("embeds videos from the allowed players only", () => {
      expect(videoEmbedUrl("https://www.youtube.com/watch?v=dQw4w9WgXcQ")).toBe("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ");
      expect(videoEmbedUrl("https://youtu.be/dQw4w9WgXcQ")).toBe("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ");
      expect(videoEmbedUrl("https://vimeo.com/76979871")).toBe("https://player.vimeo.com/video/76979871");
      for (const bad of ["http://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://evil.test/watch?v=dQw4w9WgXcQ", "https://youtube.com.evil.test/watch?v=dQw4w9WgXcQ", "javascript:alert(1)", "https://vimeo.com/abc", null]) {
        expect(videoEmbedUrl(bad)).toBeNull();
      }
    });
  });
}
