import "server-only";
import { and, asc, eq, gt, lt, desc, max } from "drizzle-orm";
import { z } from "zod";
import type { Db, Queryable } from "@/db/client";
import { courseSections, lessons, type Lesson } from "@/db/schema";
import { recordAdminAction } from "@/lib/audit";
import { SLUG_PATTERN, slugify } from "@/lib/catalog/course-fields";
import type { FieldErrors } from "@/lib/forms";
import { videoEmbedUrl } from "./video";

/**
 * The admin's course outline: sections and lessons, added, edited, moved up or down and removed; each change audited
 * against the course. Positions are kept gap-free by swapping neighbours, so the order is always well defined.
 */
export const LESSON_LIMITS = { title: 160, slug: 80, body: 50_000, sectionTitle: 120 } as const;

/** Named `sectionTitle`: the field sits on the course's page beside the course's own title field. */
export const sectionFormSchema = z.object({ sectionTitle: z.string().trim().min(1, { error: "Give the section a title." }).max(LESSON_LIMITS.sectionTitle) });

const checkbox = z.literal("on").optional().transform(Boolean);

export const lessonFormSchema = z
  .object({
    sectionId: z.uuid({ error: "Choose a section." }),
    title: z.string().trim().min(1, { error: "Give the lesson a title." }).max(LESSON_LIMITS.title),
    slug: z
      .string()
      .trim()
      .toLowerCase()
      .max(LESSON_LIMITS.slug)
      .refine((s) => s === "" || SLUG_PATTERN.test(s), { error: "Lower-case words joined by hyphens, e.g. first-steps." })
      .default(""),
    bodyMarkdown: z.string().trim().min(1, { error: "Write the lesson (Markdown)." }).max(LESSON_LIMITS.body),
    videoUrl: z
      .string()
      .trim()
      .max(500)
      .refine((url) => url === "" || videoEmbedUrl(url) !== null, { error: "Use a YouTube or Vimeo link (https); other hosts are not embedded." })
      .default(""),
    durationMinutes: z.coerce.number({ error: "Enter the duration in minutes." }).int().min(1, { error: "At least 1 minute." }).max(600, { error: "At most 600 minutes." }),
    preview: checkbox,
    published: checkbox,
  })
  .transform((input, ctx) => {
    const slug = input.slug || slugify(input.title);
    if (!slug) {
      ctx.addIssue({ code: "custom", path: ["slug"], message: "Enter a slug: the title has no letters or digits to make one from." });
      return z.NEVER;
    }
    return { ...input, slug, videoUrl: input.videoUrl || null };
  });
export type LessonInput = z.output<typeof lessonFormSchema>;

export type EditorResult = { ok: true; id: string } | { ok: false; message: string; fieldErrors?: FieldErrors };

export async function addSection(db: Db, actorId: string, courseId: string, title: string): Promise<EditorResult> {
  return db.transaction(async (tx) => {
    const [{ last } = { last: null }] = await tx.select({ last: max(courseSections.position) }).from(courseSections).where(eq(courseSections.courseId, courseId));
    const [row] = await tx.insert(courseSections).values({ courseId, title, position: (last ?? -1) + 1 }).returning({ id: courseSections.id });
    await recordAdminAction(tx, actorId, "course.outline_changed", { type: "course", id: courseId }, { added: "section", title });
    return { ok: true as const, id: row!.id };
  });
}

/** Adds (no `lessonId`) or changes a lesson; a slug already used in the course is refused on the field. */
export async function saveLesson(db: Db, actorId: string, courseId: string, lessonId: string | null, input: LessonInput): Promise<EditorResult> {
  return db.transaction(async (tx) => {
    const [section] = await tx.select().from(courseSections).where(and(eq(courseSections.id, input.sectionId), eq(courseSections.courseId, courseId)));
    if (!section) return { ok: false as const, message: "Please correct the highlighted fields.", fieldErrors: { sectionId: ["Choose a section of this course."] } };
    const [clash] = await tx.select({ id: lessons.id }).from(lessons).where(and(eq(lessons.courseId, courseId), eq(lessons.slug, input.slug)));
    if (clash && clash.id !== lessonId) return { ok: false as const, message: "Please correct the highlighted fields.", fieldErrors: { slug: ["Another lesson of this course uses this slug."] } };
    let id = lessonId;
    if (lessonId) {
      const [current] = await tx.select().from(lessons).where(and(eq(lessons.id, lessonId), eq(lessons.courseId, courseId)));
      if (!current) return { ok: false as const, message: "This lesson no longer exists." };
      const moved = current.sectionId !== input.sectionId ? { position: await nextPosition(tx, input.sectionId) } : {};
      await tx.update(lessons).set({ ...input, ...moved, updatedAt: new Date() }).where(eq(lessons.id, lessonId));
    } else {
      const [row] = await tx.insert(lessons).values({ ...input, courseId, position: await nextPosition(tx, input.sectionId) }).returning({ id: lessons.id });
      id = row!.id;
    }
    await recordAdminAction(tx, actorId, "course.outline_changed", { type: "course", id: courseId }, { [lessonId ? "changed" : "added"]: "lesson", slug: input.slug, published: input.published });
    return { ok: true as const, id: id! };
  });
}

async function nextPosition(tx: Queryable, sectionId: string): Promise<number> {
  const [{ last } = { last: null }] = await tx.select({ last: max(lessons.position) }).from(lessons).where(eq(lessons.sectionId, sectionId));
  return (last ?? -1) + 1;
}

/** Swaps a section or a lesson with its neighbour above or below (nothing happens at either end). */
export async function move(db: Db, actorId: string, courseId: string, what: "section" | "lesson", id: string, direction: "up" | "down"): Promise<boolean> {
  return db.transaction(async (tx) => {
    const table = what === "section" ? courseSections : lessons;
    const [row] = await tx.select().from(table).where(and(eq(table.id, id), eq(table.courseId, courseId))).for("update");
    if (!row) return false;
    const siblings = what === "section" ? eq(courseSections.courseId, courseId) : eq(lessons.sectionId, (row as Lesson).sectionId);
    const [neighbour] = await tx
      .select()
      .from(table)
      .where(and(siblings, direction === "up" ? lt(table.position, row.position) : gt(table.position, row.position)))
      .orderBy(direction === "up" ? desc(table.position) : asc(table.position))
      .limit(1);
    if (!neighbour) return false;
    await tx.update(table).set({ position: neighbour.position }).where(eq(table.id, row.id));
    await tx.update(table).set({ position: row.position }).where(eq(table.id, neighbour.id));
    await recordAdminAction(tx, actorId, "course.outline_changed", { type: "course", id: courseId }, { moved: what, direction });
    return true;
  });
}

/** Removes a lesson (its learners' progress with it); a section goes only when it has no lessons left. */
export async function removeFromOutline(db: Db, actorId: string, courseId: string, what: "section" | "lesson", id: string): Promise<EditorResult> {
  return db.transaction(async (tx) => {
    if (what === "section") {
      const [used] = await tx.select({ id: lessons.id }).from(lessons).where(eq(lessons.sectionId, id)).limit(1);
      if (used) return { ok: false as const, message: "Move or delete this section's lessons first." };
    }
    const table = what === "section" ? courseSections : lessons;
    const [gone] = await tx.delete(table).where(and(eq(table.id, id), eq(table.courseId, courseId))).returning({ id: table.id });
    if (!gone) return { ok: false as const, message: `This ${what} no longer exists.` };
    await recordAdminAction(tx, actorId, "course.outline_changed", { type: "course", id: courseId }, { removed: what });
    return { ok: true as const, id };
  });
}

/** The outline as the editor shows it: every section, every lesson (drafts too). */
export async function editorOutline(db: Queryable, courseId: string) {
  const [sections, all] = await Promise.all([
    db.select().from(courseSections).where(eq(courseSections.courseId, courseId)).orderBy(asc(courseSections.position)),
    db.select().from(lessons).where(eq(lessons.courseId, courseId)).orderBy(asc(lessons.position)),
  ]);
  return sections.map((section) => ({ ...section, lessons: all.filter((l) => l.sectionId === section.id) }));
}

/** The lesson form's values for an existing lesson. */
export function lessonFormValues(lesson: Lesson): Record<string, string> {
  return {
    sectionId: lesson.sectionId,
    title: lesson.title,
    slug: lesson.slug,
    bodyMarkdown: lesson.bodyMarkdown,
    videoUrl: lesson.videoUrl ?? "",
    durationMinutes: String(lesson.durationMinutes),
    ...(lesson.preview && { preview: "on" }),
    ...(lesson.published && { published: "on" }),
  };
}
