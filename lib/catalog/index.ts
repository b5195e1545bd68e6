import "server-only";
import { and, asc, count, eq, gt, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Queryable } from "@/db/client";
import { courseLevel, courses, type Course } from "@/db/schema";
import { CURRENCIES, money, type Money } from "@/lib/money";

export type CourseCard = Pick<Course, "id" | "slug" | "title" | "subtitle" | "summary" | "auditable" | "level" | "topic" | "instructorName" | "coverImageId"> & { price: Money };

const cardColumns = {
  id: courses.id,
  slug: courses.slug,
  title: courses.title,
  subtitle: courses.subtitle,
  summary: courses.summary,
  auditable: courses.auditable,
  level: courses.level,
  topic: courses.topic,
  instructorName: courses.instructorName,
  coverImageId: courses.coverImageId,
  priceMinor: courses.priceMinor,
  currency: courses.currency,
};
const toCard = ({ priceMinor, currency, ...c }: { priceMinor: number; currency: string } & Omit<CourseCard, "price">): CourseCard => ({ ...c, price: money(priceMinor, currency) });

export const coursePrice = (course: Pick<Course, "priceMinor" | "currency">): Money =>
  money(course.priceMinor, course.currency);

// ---------------------------------------------------------------------------------------------
// The catalog: search, filters and sort, all in the URL (/?q=…&level=…), all done by PostgreSQL
// ---------------------------------------------------------------------------------------------

export const CATALOG_SORTS = { relevance: "Best match", title: "Title", price_asc: "Price: low to high", price_desc: "Price: high to low", newest: "Newest" } as const;
export const CATALOG_PAGE_SIZE = 24;

const blankToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional()).catch(undefined);

/** The catalog's URL parameters; anything unknown or malformed is ignored rather than failing the page. */
export const catalogFilterSchema = z.object({
  q: optional(z.string().trim().max(100)),
  price: optional(z.enum(["free", "paid"])),
  level: optional(z.enum(courseLevel.enumValues)),
  currency: optional(z.enum(CURRENCIES)),
  topic: optional(z.string().trim().max(60)),
  sort: optional(z.enum(Object.keys(CATALOG_SORTS) as [keyof typeof CATALOG_SORTS, ...(keyof typeof CATALOG_SORTS)[]])),
  page: optional(z.coerce.number().int().min(1).max(1000)),
});
export type CatalogFilter = z.infer<typeof catalogFilterSchema>;

export function parseCatalogFilter(params: Record<string, string | string[] | undefined>): CatalogFilter {
  const first = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  return catalogFilterSchema.parse(first);
}

/**
 * A search box's words as a prefix query ("post ind" → post:* & ind:*), so results appear while a word is still
 * being typed. Only letters and digits reach to_tsquery: nothing a visitor types can break its syntax.
 */
export function prefixQuery(q: string): string | null {
  const words = q.toLowerCase().match(/[\p{L}\p{N}]+/gu)?.slice(0, 8) ?? [];
  return words.length ? words.map((w) => `${w}:*`).join(" & ") : null;
}

export type CatalogPage = { courses: CourseCard[]; total: number; page: number; pages: number };

/** One page of the published catalog for a filter: searched with the full-text index, filtered and sorted in SQL. */
export async function searchCatalog(db: Queryable, filter: CatalogFilter): Promise<CatalogPage> {
  const query = filter.q ? prefixQuery(filter.q) : null;
  const tsquery = query ? sql`to_tsquery('english', ${query})` : null;
  const conditions: (SQL | undefined)[] = [
    eq(courses.published, true),
    tsquery ? sql`${courses.search} @@ ${tsquery}` : filter.q ? sql`false` : undefined,
    filter.price === "free" ? eq(courses.priceMinor, 0) : filter.price === "paid" ? gt(courses.priceMinor, 0) : undefined,
    filter.level ? eq(courses.level, filter.level) : undefined,
    filter.currency ? eq(courses.currency, filter.currency) : undefined,
    filter.topic ? eq(courses.topic, filter.topic) : undefined,
  ];
  const where = and(...conditions);
  const sort = filter.sort ?? (tsquery ? "relevance" : "title");
  const order: SQL[] = {
    relevance: tsquery ? [sql`ts_rank(${courses.search}, ${tsquery}) desc`, sql`${courses.title} asc`] : [sql`${courses.title} asc`],
    title: [sql`${courses.title} asc`],
    price_asc: [sql`${courses.priceMinor} asc`, sql`${courses.title} asc`],
    price_desc: [sql`${courses.priceMinor} desc`, sql`${courses.title} asc`],
    newest: [sql`${courses.createdAt} desc`, sql`${courses.title} asc`],
  }[sort];
  const page = filter.page ?? 1;
  const [rows, [{ total } = { total: 0 }]] = await Promise.all([
    db.select(cardColumns).from(courses).where(where).orderBy(...order, asc(courses.id)).limit(CATALOG_PAGE_SIZE).offset((page - 1) * CATALOG_PAGE_SIZE),
    db.select({ total: count() }).from(courses).where(where),
  ]);
  return { courses: rows.map(toCard), total, page, pages: Math.max(1, Math.ceil(total / CATALOG_PAGE_SIZE)) };
}

/** What the catalog's filters can offer: the topics and currencies of published courses. */
export async function catalogFacets(db: Queryable): Promise<{ topics: string[]; currencies: string[] }> {
  const [topics, currencies] = await Promise.all([
    db.selectDistinct({ topic: courses.topic }).from(courses).where(eq(courses.published, true)).orderBy(asc(courses.topic)),
    db.selectDistinct({ currency: courses.currency }).from(courses).where(and(eq(courses.published, true), gt(courses.priceMinor, 0))).orderBy(asc(courses.currency)),
  ]);
  return { topics: topics.map((t) => t.topic), currencies: currencies.map((c) => c.currency) };
}


/** Unpublished courses do not exist for students (a 404, not a "forbidden"). */
export async function findPublishedCourse(db: Queryable, slug: string): Promise<Course | null> {
  const [course] = await db
    .select()
    .from(courses)
    .where(and(eq(courses.slug, slug), eq(courses.published, true)));
  return course ?? null;
}
