import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { adminAuditLog, courses, enrollments, orderItems, orders, settings } from "@/db/schema";
import { PAYMENT_SETTINGS_KEY } from "@/lib/settings/payments";
import { testEngines, useTestDb } from "@/lib/testing/db";
import { makeCourse, makeUser } from "@/lib/testing/fixtures";
import {
  courseFormSchema,
  courseFormValues,
  createCourse,
  findCourseForAdmin,
  listCoursesForAdmin,
  updateCourse,
  type CourseInput,
} from "./admin";

let counter = 0;

/** The course form as a browser submits it; every call gets its own slug. */
function form(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  counter += 1;
  const fields: Record<string, string | undefined> = {
    title: `Intro to Git ${counter}`,
    slug: `intro-to-git-${counter}`,
    summary: "Version control from zero.",
    body: "Commits.\n\nBranches.",
    level: "beginner",
    topic: "Developer tools",
    language: "English",
    price: "49.00",
    currency: "USD",
    published: "on",
    ...overrides,
  };
  return Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

const input = (overrides: Record<string, string | undefined> = {}): CourseInput => courseFormSchema.parse(form(overrides));

function fieldErrors(fields: Record<string, string>) {
  const parsed = courseFormSchema.safeParse(fields);
  if (parsed.success) throw new Error("expected the form to be refused");
  return z.flattenError(parsed.error).fieldErrors as Record<string, string[] | undefined>;
}

describe("the course form", () => {
  it("reads prices exactly in minor units of the chosen currency", () => {
    expect(input({ price: "12.5", currency: "USD" })).toMatchObject({ priceMinor: 1250, currency: "USD" });
    expect(input({ price: "1200", currency: "jpy" })).toMatchObject({ priceMinor: 1200, currency: "JPY" });
    expect(input({ price: " 0.07 ", currency: "EUR" })).toMatchObject({ priceMinor: 7 });
  });

  it("refuses decimals a currency does not have", () => {
    expect(fieldErrors(form({ price: "12.50", currency: "JPY" })).price).toEqual(["JPY amounts have no decimals."]);
    expect(fieldErrors(form({ price: "9.999", currency: "USD" })).price).toEqual(["USD amounts have at most 2 decimals."]);
  });

  it("makes a course free with the checkbox (ignoring any price) or a price of 0", () => {
    expect(input({ free: "on", price: "12.50", currency: "JPY" })).toMatchObject({ priceMinor: 0 });
    expect(input({ free: "on", price: undefined })).toMatchObject({ priceMinor: 0 });
    expect(input({ price: "0" })).toMatchObject({ priceMinor: 0 });
  });

  it("makes the slug from the title when it is left empty", () => {
    expect(input({ title: "  Café: Let's Brew — Part 2 ", slug: "" })).toMatchObject({ title: "Café: Let's Brew — Part 2", slug: "cafe-lets-brew-part-2" });
    expect(input({ slug: " Git-Basics " }).slug).toBe("git-basics");
    expect(fieldErrors(form({ title: "日本語", slug: "" })).slug).toEqual([expect.stringMatching(/no letters or digits/)]);
  });

  it("refuses malformed input, reporting every field at once", () => {
    const errors = fieldErrors(form({ title: "  ", slug: "not a slug", summary: undefined, price: "$1,200", currency: "XYZ", auditable: "yes" }));
    expect(errors.title).toEqual(["Enter a title."]);
    expect(errors.slug).toEqual([expect.stringMatching(/lower-case/)]);
    expect(errors.summary).toEqual(["Enter a summary."]);
    expect(errors.currency).toEqual(["XYZ is not a currency PayPal accepts."]);
    expect(errors.auditable).toBeDefined();
    // The price cannot be read without a currency; with one it is reported alongside the other fields.
    expect(fieldErrors(form({ title: "", price: "$1,200" })).price).toEqual([expect.stringMatching(/plain number/)]);
    expect(fieldErrors(form({ price: "" })).price).toEqual(["Enter a price, or tick “Free”."]);
    expect(fieldErrors(form({ price: "-5" })).price).toBeDefined();
    expect(fieldErrors(form({ title: "x".repeat(121) })).title).toEqual(["Use at most 120 characters."]);
    for (const notAForm of [null, "title=x", []]) expect(courseFormSchema.safeParse(notAForm).success).toBe(false);
  });
});

for (const engine of testEngines()) {
  describe(`course administration on ${engine}`, () => {
    const t = useTestDb(engine);
    const auditFor = (id: string) => t.db.select().from(adminAuditLog).where(eq(adminAuditLog.targetId, id)).orderBy(adminAuditLog.id);
    const auditCount = async () => (await t.db.select().from(adminAuditLog)).length;
    const admin = () => makeUser(t.db, { role: "admin" });

    async function acceptOnly(currencies: string[], run: () => Promise<void>) {
      await t.db.insert(settings).values({ key: PAYMENT_SETTINGS_KEY, value: { allowedCurrencies: currencies } });
      try {
        await run();
      } finally {
        await t.db.delete(settings).where(eq(settings.key, PAYMENT_SETTINGS_KEY));
      }
    }

    it("creates a course with its price in minor units and an audit line", async () => {
      const actor = await admin();
      const result = await createCourse(t.db, actor.id, input({ title: "Git", slug: "git", price: "12.5", auditable: "on" }));
      if (!result.ok) throw new Error(result.message);
      expect(result.course).toMatchObject({ title: "Git", slug: "git", priceMinor: 1250, currency: "USD", auditable: true, published: true });
      const [line, ...more] = await auditFor(result.course.id);
      expect(more).toEqual([]);
      expect(line).toMatchObject({ actorId: actor.id, action: "course.created", targetType: "course" });
      expect(line!.details).toMatchObject({
        title: { before: null, after: "Git" },
        slug: { before: null, after: "git" },
        price: { before: null, after: "12.50 USD" },
        auditable: { before: null, after: true },
      });
    });

    it("creates and reprices a JPY course, logging exactly the changed fields", async () => {
      const actor = await admin();
      const created = await createCourse(t.db, actor.id, input({ price: "1200", currency: "JPY" }));
      if (!created.ok) throw new Error(created.message);
      expect(created.course).toMatchObject({ priceMinor: 1200, currency: "JPY" });

      const values = courseFormValues(created.course);
      expect(values.price).toBe("1200");
      const updated = await updateCourse(t.db, actor.id, created.course.id, courseFormSchema.parse({ ...values, title: "Git in Japanese", price: "1500" }));
      expect(updated).toMatchObject({ ok: true, changed: true, course: { title: "Git in Japanese", priceMinor: 1500, currency: "JPY" } });
      const lines = await auditFor(created.course.id);
      expect(lines.map((l) => l.action)).toEqual(["course.created", "course.updated"]);
      expect(lines[1]!.details).toEqual({
        title: { before: created.course.title, after: "Git in Japanese" },
        price: { before: "1200 JPY", after: "1500 JPY" },
      });

      const toUsd = await updateCourse(t.db, actor.id, created.course.id, courseFormSchema.parse({ ...values, price: "19.99", currency: "USD" }));
      expect(toUsd).toMatchObject({ ok: true, course: { priceMinor: 1999, currency: "USD" } });
      expect((await auditFor(created.course.id)).at(-1)!.details).toMatchObject({ price: { before: "1500 JPY", after: "19.99 USD" } });
    });

    it("does not touch the price snapshots of existing orders", async () => {
      const [actor, buyer, course] = await Promise.all([admin(), makeUser(t.db), makeCourse(t.db, { priceMinor: 4900 })]);
      const [order] = await t.db.insert(orders).values({ userId: buyer.id, currency: "USD", totalMinor: 4900, provider: "paypal", status: "completed", courseIds: [course.id] }).returning();
      await t.db.insert(orderItems).values({ orderId: order!.id, courseId: course.id, title: course.title, unitPriceMinor: 4900, currency: "USD" });
      const result = await updateCourse(t.db, actor.id, course.id, courseFormSchema.parse({ ...courseFormValues(course), title: "Renamed", price: "99" }));
      expect(result).toMatchObject({ ok: true, course: { priceMinor: 9900 } });
      const [item] = await t.db.select().from(orderItems).where(eq(orderItems.orderId, order!.id));
      expect(item).toMatchObject({ title: course.title, unitPriceMinor: 4900 });
    });

    it("creates free courses", async () => {
      const actor = await admin();
      const ticked = await createCourse(t.db, actor.id, input({ free: "on", price: undefined, currency: "EUR" }));
      const zero = await createCourse(t.db, actor.id, input({ price: "0.00" }));
      expect(ticked).toMatchObject({ ok: true, course: { priceMinor: 0, currency: "EUR" } });
      expect(zero).toMatchObject({ ok: true, course: { priceMinor: 0 } });
      if (ticked.ok) expect(courseFormValues(ticked.course)).toMatchObject({ free: "on", price: "" });
    });

    it("refuses a slug that is taken, on create and on update, changing and logging nothing", async () => {
      const actor = await admin();
      const taken = await makeCourse(t.db, { slug: "taken-slug" });
      const other = await makeCourse(t.db, { title: "Other" });
      const before = await auditCount();

      const created = await createCourse(t.db, actor.id, input({ slug: "taken-slug" }));
      expect(created).toEqual({
        ok: false,
        message: expect.stringMatching(/slug/),
        fieldErrors: { slug: ["This slug is already used by another course."] },
      });
      expect(await t.db.select().from(courses).where(eq(courses.slug, "taken-slug"))).toEqual([taken]);

      const updated = await updateCourse(t.db, actor.id, other.id, courseFormSchema.parse({ ...courseFormValues(other), title: "New title", slug: "taken-slug" }));
      expect(updated).toMatchObject({ ok: false, fieldErrors: { slug: ["This slug is already used by another course."] } });
      expect(await findCourseForAdmin(t.db, other.id)).toEqual(other);
      expect(await auditCount()).toBe(before);
    });

    it("lets exactly one of two admins saving the same slug at once have it", async () => {
      const actor = await admin();
      const results = await Promise.all([createCourse(t.db, actor.id, input({ slug: "race" })), createCourse(t.db, actor.id, input({ slug: "race" }))]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok)).toEqual([expect.objectContaining({ fieldErrors: { slug: ["This slug is already used by another course."] } })]);
    });

    it("refuses a currency the store does not accept, but keeps one a course already has", async () => {
      const actor = await admin();
      const euroCourse = await makeCourse(t.db, { currency: "EUR", priceMinor: 3900 });
      await acceptOnly(["USD", "JPY"], async () => {
        const before = await auditCount();
        const euros = input({ currency: "EUR" });
        const refused = await createCourse(t.db, actor.id, euros);
        expect(refused).toMatchObject({ ok: false, fieldErrors: { currency: [expect.stringMatching(/does not accept EUR\. Choose USD, JPY/)] } });
        expect(await t.db.select().from(courses).where(eq(courses.slug, euros.slug))).toEqual([]);

        const kept = await updateCourse(t.db, actor.id, euroCourse.id, courseFormSchema.parse({ ...courseFormValues(euroCourse), title: "Still in euros" }));
        expect(kept).toMatchObject({ ok: true, course: { title: "Still in euros", currency: "EUR" } });

        const moved = await updateCourse(t.db, actor.id, euroCourse.id, courseFormSchema.parse({ ...courseFormValues(euroCourse), currency: "GBP" }));
        expect(moved).toMatchObject({ ok: false, fieldErrors: { currency: [expect.stringMatching(/GBP/)] } });
        expect(await findCourseForAdmin(t.db, euroCourse.id)).toMatchObject({ currency: "EUR", title: "Still in euros" });
        expect(await auditCount()).toBe(before + 1);

        expect(await createCourse(t.db, actor.id, input({ price: "800", currency: "JPY" }))).toMatchObject({ ok: true });
      });
    });

    it("saves nothing, and logs nothing, when no field changed", async () => {
      const [actor, course] = await Promise.all([admin(), makeCourse(t.db)]);
      const result = await updateCourse(t.db, actor.id, course.id, courseFormSchema.parse(courseFormValues(course)));
      expect(result).toEqual({ ok: true, changed: false, course });
      expect(await auditFor(course.id)).toEqual([]);
    });

    it("answers unknown and malformed course ids with not found", async () => {
      const actor = await admin();
      for (const id of ["00000000-0000-4000-8000-000000000000", "not-a-uuid", "1; drop table courses"]) {
        expect(await findCourseForAdmin(t.db, id)).toBeNull();
        expect(await updateCourse(t.db, actor.id, id, input())).toEqual({ ok: false, message: "This course no longer exists." });
      }
    });

    it("lists every course, published or not, with active enrollments and paid order items", async () => {
      const [draft, student, other, buyer] = await Promise.all([
        makeCourse(t.db, { title: "AAA draft", published: false, auditable: true }),
        makeUser(t.db),
        makeUser(t.db),
        makeUser(t.db),
      ]);
      await t.db.insert(enrollments).values([
        { userId: student.id, courseId: draft.id, mode: "full", source: "admin" },
        { userId: other.id, courseId: draft.id, mode: "audit", source: "audit", status: "revoked" },
      ]);
      for (const status of ["completed", "failed"] as const) {
        const [order] = await t.db.insert(orders).values({ userId: buyer.id, currency: "USD", totalMinor: 4900, provider: "paypal", status, courseIds: [draft.id] }).returning();
        await t.db.insert(orderItems).values({ orderId: order!.id, courseId: draft.id, title: draft.title, unitPriceMinor: 4900, currency: "USD" });
      }
      const rows = await listCoursesForAdmin(t.db);
      expect(rows.find((row) => row.id === draft.id)).toMatchObject({ published: false, auditable: true, price: { minor: 4900, currency: "USD" }, activeEnrollments: 1, paidItems: 1 });
      expect(rows.length).toBe((await t.db.select().from(courses)).length);
    });
  });
}
