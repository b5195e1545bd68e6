import "server-only";
import { asc, count, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { isUniqueViolation, type Queryable } from "@/db/client";
import { courseLevel, courses, enrollments, orderItems, orders, type Course } from "@/db/schema";
import { recordAdminAction } from "@/lib/audit";
import type { FieldErrors } from "@/lib/forms";
import { CURRENCIES, MoneyError, parseDecimal, toDecimalString, type CurrencyCode, type Money } from "@/lib/money";
import { PAID_STATUSES } from "@/lib/payments/state";
import { readPaymentSettings } from "@/lib/settings/payments";
import { COURSE_LIMITS, SLUG_PATTERN, slugify } from "./course-fields";
import { coursePrice } from "./index";
import { isUuid } from "@/lib/uuid";

// ---------------------------------------------------------------------------------------------
// The course form
// ---------------------------------------------------------------------------------------------

const requiredText = (what: string, max: number) =>
  z
    .string({ error: `Enter ${what}.` })
    .trim()
    .min(1, { error: `Enter ${what}.` })
    .max(max, { error: `Use at most ${max.toLocaleString("en-US")} characters.` });

/** A ticked checkbox sends "on"; an unticked one sends nothing. */
const checkbox = z.literal("on").optional().transform((value) => value === "on");

/** Digits with an optional fraction: no sign, currency symbol, exponent or thousands separator. */
const PLAIN_AMOUNT = /^\d+(\.\d+)?$/;

/** Why the typed price cannot be used for `currency`, or null when it can (or does not matter: free). */
function priceError(free: boolean, price: string | undefined, currency: CurrencyCode): string | null {
  if (free) return null;
  if (!price) return "Enter a price, or tick “Free”.";
  if (!PLAIN_AMOUNT.test(price)) return "Enter the price as a plain number such as 49.00, without a sign, currency symbol or thousands separators.";
  try {
    parseDecimal(price, currency);
    return null;
  } catch (error) {
    if (error instanceof MoneyError) return `${error.message}.`;
    throw error;
  }
}

/**
 * Lets a check run although other fields failed, so one submit reports every problem — but not when the
 * input was no object at all (an issue without a path).
 */
const fieldsValid =
  (...fields: string[]) =>
  (payload: { issues: readonly { path?: readonly PropertyKey[] }[] }) =>
    !payload.issues.some(({ path }) => !path?.length || fields.includes(String(path[0])));

/**
 * The admin's course form, as FormData fields, into a course's columns. The price is the decimal an admin
 * types, read exactly in the chosen currency ("12.5" USD → 1250, "1200" JPY → 1200); "Free", or a price of
 * 0, makes the course free. An empty slug is made from the title. Whether the store accepts the currency is
 * decided with the database, by createCourse/updateCourse.
 */
export const courseFormSchema = z
  .object({
    title: requiredText("a title", COURSE_LIMITS.title),
    slug: z
      .string()
      .trim()
      .toLowerCase()
      .max(COURSE_LIMITS.slug, { error: `Use at most ${COURSE_LIMITS.slug} characters.` })
      .refine((slug) => slug === "" || SLUG_PATTERN.test(slug), {
        error: "Use lower-case letters and digits in words joined by single hyphens, e.g. intro-to-git.",
      })
      .default(""),
    subtitle: z.string().trim().max(COURSE_LIMITS.subtitle, { error: `Use at most ${COURSE_LIMITS.subtitle} characters.` }).default(""),
    summary: requiredText("a summary", COURSE_LIMITS.summary),
    body: requiredText("a description", COURSE_LIMITS.body),
    level: z.enum(courseLevel.enumValues, { error: "Choose a level." }),
    topic: requiredText("a topic", COURSE_LIMITS.topic),
    language: requiredText("the language it is taught in", COURSE_LIMITS.language),
    instructorName: z.string().trim().max(COURSE_LIMITS.instructorName, { error: `Use at most ${COURSE_LIMITS.instructorName} characters.` }).default(""),
    instructorBio: z.string().trim().max(COURSE_LIMITS.instructorBio, { error: `Use at most ${COURSE_LIMITS.instructorBio} characters.` }).default(""),
    outcomes: z.string().trim().max(COURSE_LIMITS.outcomes, { error: `Use at most ${COURSE_LIMITS.outcomes} characters.` }).default(""),
    free: checkbox,
    // A disabled field is not submitted: the form disables the price of a free course.
    price: z.string().trim().max(24, { error: "That amount is too long." }).optional(),
    currency: z
      .string({ error: "Choose a currency." })
      .trim()
      .toUpperCase()
      .pipe(
        z.enum(CURRENCIES as [CurrencyCode, ...CurrencyCode[]], {
          error: (issue) => (issue.input ? `${String(issue.input).slice(0, 12)} is not a currency PayPal accepts.` : "Choose a currency."),
        }),
      ),
    auditable: checkbox,
    published: checkbox,
  })
  .superRefine(
    ({ free, price, currency }, ctx) => {
      const error = priceError(free, price, currency);
      if (error) ctx.addIssue({ code: "custom", path: ["price"], message: error });
    },
    { when: fieldsValid("free", "price", "currency") },
  )
  .transform(({ title, slug, subtitle, summary, body, level, topic, language, instructorName, instructorBio, outcomes, free, price, currency, auditable, published }, ctx) => {
    const finalSlug = slug || slugify(title);
    if (!finalSlug) {
      ctx.addIssue({ code: "custom", path: ["slug"], message: "Enter a slug: the title has no letters or digits to make one from." });
      return z.NEVER;
    }
    const priceMinor = free || !price ? 0 : parseDecimal(price, currency).minor;
    // One outcome per line, blank lines dropped.
    const outcomeLines = outcomes.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).join("\n");
    return { title, slug: finalSlug, subtitle, summary, body, level, topic, language, instructorName, instructorBio, outcomes: outcomeLines, priceMinor, currency, auditable, published };
  });

export type CourseInput = z.output<typeof courseFormSchema>;

/** A course as the form's fields, the way the admin would type them (a free course has no price). */
export function courseFormValues(course: Course): Record<string, string> {
  const price = coursePrice(course);
  return {
    title: course.title,
    slug: course.slug,
    subtitle: course.subtitle,
    summary: course.summary,
    body: course.body,
    level: course.level,
    topic: course.topic,
    language: course.language,
    instructorName: course.instructorName,
    instructorBio: course.instructorBio,
    outcomes: course.outcomes,
    // Shown as the current pictures (the file fields themselves start empty).
    ...(course.coverImageId && { coverImageId: course.coverImageId }),
    ...(course.instructorImageId && { instructorImageId: course.instructorImageId }),
    price: price.minor === 0 ? "" : toDecimalString(price),
    currency: course.currency,
    ...(price.minor === 0 && { free: "on" }),
    ...(course.auditable && { auditable: "on" }),
    ...(course.published && { published: "on" }),
  };
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

export type AdminCourseRow = Course & {
  price: Money;
  /** Students with access now (full or audit). */
  activeEnrollments: number;
  /** Order items for this course in paid orders. */
  paidItems: number;
};

/** Every course, published or not, by title. */
export async function listCoursesForAdmin(db: Queryable): Promise<AdminCourseRow[]> {
  const active = db
    .select({ courseId: enrollments.courseId, n: count().as("active_n") })
    .from(enrollments)
    .where(eq(enrollments.status, "active"))
    .groupBy(enrollments.courseId)
    .as("active");
  const paid = db
    .select({ courseId: orderItems.courseId, n: count().as("paid_n") })
    .from(orderItems)
    .innerJoin(orders, eq(orders.id, orderItems.orderId))
    .where(inArray(orders.status, PAID_STATUSES))
    .groupBy(orderItems.courseId)
    .as("paid");
  const rows = await db
    .select({
      course: courses,
      activeEnrollments: sql<number>`coalesce(${active.n}, 0)`.mapWith(Number),
      paidItems: sql<number>`coalesce(${paid.n}, 0)`.mapWith(Number),
    })
    .from(courses)
    .leftJoin(active, eq(active.courseId, courses.id))
    .leftJoin(paid, eq(paid.courseId, courses.id))
    .orderBy(asc(courses.title), asc(courses.id));
  return rows.map(({ course, activeEnrollments, paidItems }) => ({ ...course, price: coursePrice(course), activeEnrollments, paidItems }));
}


/** Any course by id, published or not; null for an unknown or malformed id. */
export async function findCourseForAdmin(db: Queryable, id: string): Promise<Course | null> {
  if (!isUuid(id)) return null;
  const [course] = await db.select().from(courses).where(eq(courses.id, id));
  return course ?? null;
}

/** Titles of the courses among `ids` (ids that are not courses are left out). */
export async function courseTitles(db: Queryable, ids: readonly string[]): Promise<Map<string, string>> {
  const valid = ids.filter(isUuid);
  if (valid.length === 0) return new Map();
  const rows = await db.select({ id: courses.id, title: courses.title }).from(courses).where(inArray(courses.id, valid));
  return new Map(rows.map((row) => [row.id, row.title]));
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

export type SaveCourseResult =
  | { ok: true; course: Course; changed: boolean }
  | { ok: false; message: string; fieldErrors?: FieldErrors };

const SLUG_TAKEN: SaveCourseResult = {
  ok: false,
  message: "The course was not saved: its slug is already in use.",
  fieldErrors: { slug: ["This slug is already used by another course."] },
};

const NOT_FOUND: SaveCourseResult = { ok: false, message: "This course no longer exists." };

/** The audited form of a course: the price as "12.50 USD", exact and readable in the audit log. */
function audited(course: CourseInput | Course) {
  const { title, slug, summary, body, auditable, published } = course;
  return { title, slug, summary, body, price: `${toDecimalString(coursePrice(course))} ${course.currency}`, auditable, published };
}

type Change = { before: string | boolean | null; after: string | boolean };

/** The fields that differ, with their values before and after (`before` is null for a new course). */
function changes(before: Course | null, after: CourseInput): Record<string, Change> {
  const now = audited(after);
  const was = before && audited(before);
  const keys = (Object.keys(now) as (keyof typeof now)[]).filter((key) => was?.[key] !== now[key]);
  return Object.fromEntries(keys.map((key) => [key, { before: was?.[key] ?? null, after: now[key] }]));
}

async function refuseCurrency(tx: Queryable, currency: CurrencyCode): Promise<SaveCourseResult | null> {
  const { allowedCurrencies } = await readPaymentSettings(tx);
  if (allowedCurrencies.includes(currency)) return null;
  return {
    ok: false,
    message: `The course was not saved: the store does not accept ${currency}.`,
    fieldErrors: { currency: [`The store does not accept ${currency}. Choose ${allowedCurrencies.join(", ")}, or change the payment settings.`] },
  };
}

/**
 * The slug's unique constraint decides between two admins saving the same slug at once (a look-up first could
 * not); its violation rolls the whole transaction back, audit line included.
 */
async function guardSlug(save: () => Promise<SaveCourseResult>): Promise<SaveCourseResult> {
  try {
    return await save();
  } catch (error) {
    if (isUniqueViolation(error, "courses_slug_unique")) return SLUG_TAKEN;
    throw error;
  }
}

/** Creates a course and its audit line together. */
export function createCourse(db: Queryable, actorId: string, input: CourseInput): Promise<SaveCourseResult> {
  return guardSlug(() =>
    db.transaction(async (tx) => {
      const refused = await refuseCurrency(tx, input.currency);
      if (refused) return refused;
      const [course] = await tx.insert(courses).values(input).returning();
      await recordAdminAction(tx, actorId, "course.created", { type: "course", id: course!.id }, changes(null, input));
      return { ok: true, course: course!, changed: true };
    }),
  );
}

/**
 * Changes a course and writes its audit line together; saving identical values changes (and logs) nothing.
 * Orders keep the title and price they were placed with (order items are snapshots), so a new price only
 * applies to new checkouts. A course may keep a currency the store no longer accepts (so other fields can be
 * fixed without repricing it), but cannot move to one.
 */
export function updateCourse(db: Queryable, actorId: string, id: string, input: CourseInput): Promise<SaveCourseResult> {
  if (!isUuid(id)) return Promise.resolve(NOT_FOUND);
  return guardSlug(() =>
    db.transaction(async (tx) => {
      const [before] = await tx.select().from(courses).where(eq(courses.id, id)).for("update");
      if (!before) return NOT_FOUND;
      if (input.currency !== before.currency) {
        const refused = await refuseCurrency(tx, input.currency);
        if (refused) return refused;
      }
      const changed = changes(before, input);
      if (Object.keys(changed).length === 0) return { ok: true, course: before, changed: false };
      const [course] = await tx
        .update(courses)
        .set({ ...input, updatedAt: sql`now()` })
        .where(eq(courses.id, id))
        .returning();
      await recordAdminAction(tx, actorId, "course.updated", { type: "course", id }, changed);
      return { ok: true, course: course!, changed: true };
    }),
  );
}

export type CourseImages = { coverImageId?: string; instructorImageId?: string };

/** Points a course at newly uploaded images (audited); returns whether anything changed. */
export async function setCourseImages(db: Queryable, actorId: string, courseId: string, ids: CourseImages): Promise<boolean> {
  if (!ids.coverImageId && !ids.instructorImageId) return false;
  await db.update(courses).set({ ...ids, updatedAt: new Date() }).where(eq(courses.id, courseId));
  await recordAdminAction(db, actorId, "course.updated", { type: "course", id: courseId }, { images: Object.keys(ids) });
  return true;
}
