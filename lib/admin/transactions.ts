import "server-only";
import { and, desc, eq, gte, inArray, lt, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Queryable } from "@/db/client";
import { courses, gatewayHandoffs, orderItems, orders, orderStatus, PAYER_ID_SQL, paymentEvents, paymentProvider, payments, users, type OrderStatus } from "@/db/schema";
import { money, toDecimalString, type Money } from "@/lib/money";
import { FINISHED_STATUSES, UNFINISHED_STATUSES } from "@/lib/payments/state";
import { isUuid } from "@/lib/uuid";

/**
 * The admin's view of every checkout: two tabs (Finished = money was received at some point, Unfinished = it
 * never was), filters, a search across our ids and the providers', keyset pagination newest first, and the same
 * rows as a streamed CSV. Built to stay fast at millions of orders: every query walks an index in the order
 * it returns rows and stops at the page size (see bench/admin.ts).
 */

export const TABS = { finished: FINISHED_STATUSES, unfinished: UNFINISHED_STATUSES } as const;
export type Tab = keyof typeof TABS;
export const tabOf = (status: OrderStatus): Tab => (FINISHED_STATUSES.includes(status) ? "finished" : "unfinished");

export const PAGE_SIZE = 50;
/**
 * Tab counts stop here ("1,000+"): counting further costs a scan of everything the filter matches on every page
 * view (≈ 80 ms for a one-in-twenty filter at a million orders, against ≈ 15 ms up to here; bench/admin.ts).
 */
export const COUNT_CAP = 1_000;

const isoDate = z.iso.date({ error: "Use a date like 2026-01-31." });
const blankToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

/** What the list can be narrowed by; every field comes from the URL, so each is validated on its own. */
const filterFields = {
  status: z.enum(orderStatus.enumValues, { error: "Unknown status." }),
  provider: z.enum(paymentProvider.enumValues, { error: "Unknown payment provider." }),
  currency: z.string().regex(/^[A-Z]{3}$/, { error: "Use a three-letter currency code." }),
  course: z.uuid({ error: "Unknown course." }),
  from: isoDate,
  to: isoDate,
  q: z.string().trim().min(1).max(200, { error: "Search for at most 200 characters." }),
} as const;

export type TransactionFilter = { tab: Tab } & { -readonly [K in keyof typeof filterFields]?: z.infer<(typeof filterFields)[K]> };
export type FilterProblem = { field: string; message: string };

/**
 * Reads a filter from search params. An invalid field is left out and reported (the page says so) rather than
 * failing the whole page; a status decides the tab it belongs to.
 */
export function parseTransactionFilter(params: Record<string, string | string[] | undefined>): { filter: TransactionFilter; problems: FilterProblem[] } {
  const problems: FilterProblem[] = [];
  const filter: TransactionFilter = { tab: params.tab === "unfinished" ? "unfinished" : "finished" };
  for (const [field, schema] of Object.entries(filterFields) as [keyof typeof filterFields, z.ZodType][]) {
    const raw = blankToUndefined(Array.isArray(params[field]) ? params[field]![0] : params[field]);
    if (raw === undefined) continue;
    const parsed = schema.safeParse(raw);
    if (parsed.success) Object.assign(filter, { [field]: parsed.data });
    else problems.push({ field, message: parsed.error.issues[0]?.message ?? "Invalid value." });
  }
  if (filter.from && filter.to && filter.from > filter.to) {
    problems.push({ field: "to", message: "The end date is before the start date." });
    delete filter.to;
  }
  if (filter.status) filter.tab = tabOf(filter.status);
  return { filter, problems };
}

/** The filter as search params (for links: tabs, pages, CSV export). */
export function filterParams(filter: TransactionFilter, extra: Record<string, string> = {}): URLSearchParams {
  const params = new URLSearchParams({ tab: filter.tab });
  for (const key of Object.keys(filterFields) as (keyof typeof filterFields)[]) {
    const value = filter[key];
    if (value) params.set(key, value);
  }
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  return params;
}

// ---------------------------------------------------------------------------------------------
// Keyset cursor: created_at with its full microsecond precision (a JS Date would lose it and skip rows) + id.
// ---------------------------------------------------------------------------------------------

export type Cursor = { createdAt: string; id: string };
const cursorSchema = z.object({ createdAt: z.string().regex(/^\d{4}-\d\d-\d\d[ T][\d:.]+([+-]\d\d(:?\d\d)?|Z)$/), id: z.uuid() });

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

export function decodeCursor(value: string | undefined): Cursor | null {
  if (!value) return null;
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(value, "base64url").toString("utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Search: our order id, a buyer's email, a provider's order / capture id (PayPal's, Stripe's cs_/pi_) or PayPal payer id
// ---------------------------------------------------------------------------------------------

/** Which orders a search names, found through unique indexes first; null when nothing is searched. */
async function searchCondition(db: Queryable, q: string | undefined): Promise<SQL | null> {
  if (!q) return null;
  if (isUuid(q)) return eq(orders.id, q);
  if (q.includes("@")) {
    return inArray(orders.userId, db.select({ id: users.id }).from(users).where(sql`lower(${users.email}) = lower(${q})`));
  }
  if (!/^[A-Za-z0-9_-]{5,100}$/.test(q)) return sql`false`;
  const id = q.toUpperCase(); // PayPal's ids are upper case; Stripe's (cs_test_…, pi_…) are matched as typed
  const ids = [...new Set([q, id])];
  const providers = [...paymentProvider.enumValues];
  // Resolved to order ids before the list query, so that query can still walk its index newest first.
  const [byOrder, byCapture, byPayer] = await Promise.all([
    db.select({ id: orders.id }).from(orders).where(and(inArray(orders.provider, providers), inArray(orders.providerOrderId, ids))),
    db.select({ id: payments.orderId }).from(payments).where(and(inArray(payments.provider, providers), inArray(payments.providerCaptureId, ids))),
    db
      .selectDistinct({ id: paymentEvents.orderId })
      .from(paymentEvents)
      .where(sql`(${PAYER_ID_SQL}) = ${id} and (${PAYER_ID_SQL}) is not null and ${paymentEvents.orderId} is not null`)
      .limit(1000),
  ]);
  const found = [...new Set([...byOrder, ...byCapture, ...byPayer].map((r) => r.id).filter((v): v is string => v !== null))];
  return found.length ? inArray(orders.id, found) : sql`false`;
}

/** Everything but the tab/status: what the tab counts share with the list. */
async function filterConditions(db: Queryable, filter: TransactionFilter): Promise<SQL[]> {
  const conditions: SQL[] = [];
  const search = await searchCondition(db, filter.q);
  if (search) conditions.push(search);
  if (filter.currency) conditions.push(eq(orders.currency, filter.currency));
  if (filter.provider) conditions.push(eq(orders.provider, filter.provider));
  if (filter.course) {
    conditions.push(sql`${orders.courseIds} @> array[${filter.course}::uuid]`);
  }
  if (filter.from) conditions.push(gte(orders.createdAt, new Date(`${filter.from}T00:00:00Z`)));
  if (filter.to) conditions.push(lt(orders.createdAt, new Date(new Date(`${filter.to}T00:00:00Z`).getTime() + 86_400_000)));
  return conditions;
}

/** `query` under planner settings of its own: set_config(…, true) lasts this transaction only, all in one statement. */
function withPlanner<T>(db: Queryable, settings: Record<string, string>, query: (tx: Queryable) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select ${sql.join(Object.entries(settings).map(([name, value]) => sql`set_config(${name}, ${value}, true)`), sql`, `)}`);
    return query(tx);
  });
}

const statusCondition = (filter: TransactionFilter) =>
  filter.status ? eq(orders.status, filter.status) : inArray(orders.status, [...TABS[filter.tab]]);

// ---------------------------------------------------------------------------------------------
// The list
// ---------------------------------------------------------------------------------------------

export type TransactionRow = {
  id: string;
  createdAt: Date;
  status: OrderStatus;
  total: Money;
  buyerEmail: string;
  buyerName: string;
  courses: string[];
  provider: (typeof paymentProvider.enumValues)[number];
  providerOrderId: string | null;
  captureId: string | null;
  needsAttention: boolean;
};

export type TransactionPage = {
  rows: TransactionRow[];
  /** Cursor of the next (older) page, and of the previous (newer) one; null at either end. */
  older: Cursor | null;
  newer: Cursor | null;
};

type Direction = { after?: Cursor | null; before?: Cursor | null };

/** A store buyer's email and name; for an LMS learner (no account), their LMS user id and "LMS learner". */
export const BUYER_EMAIL_SQL = sql<string>`coalesce(${users.email}, 'LMS user ' || ${gatewayHandoffs.sub})`;
export const BUYER_NAME_SQL = sql<string>`coalesce(${users.name}, 'LMS learner')`;

const listColumns = {
  id: orders.id,
  createdAt: orders.createdAt,
  cursorAt: sql<string>`${orders.createdAt}::text`,
  status: orders.status,
  totalMinor: orders.totalMinor,
  currency: orders.currency,
  buyerEmail: BUYER_EMAIL_SQL,
  buyerName: BUYER_NAME_SQL,
  provider: orders.provider,
  providerOrderId: orders.providerOrderId,
  captureId: payments.providerCaptureId,
  attentionReason: orders.attentionReason,
};

/** One page, newest first: `after` pages towards older orders, `before` back towards newer ones. */
export async function listTransactions(db: Queryable, filter: TransactionFilter, direction: Direction = {}, pageSize = PAGE_SIZE): Promise<TransactionPage> {
  const conditions = [statusCondition(filter), ...(await filterConditions(db, filter))];
  const backwards = !direction.after && Boolean(direction.before);
  const cursor = direction.after ?? direction.before;
  if (cursor) {
    const key = sql`(${cursor.createdAt}::timestamptz, ${cursor.id}::uuid)`;
    conditions.push(backwards ? sql`(${orders.createdAt}, ${orders.id}) > ${key}` : sql`(${orders.createdAt}, ${orders.id}) < ${key}`);
  }
  // A plan for these values: a prepared statement's generic plan cannot see them, and at a million orders it
  // estimated 4 rows for "EUR + course + last year", so it fetched and sorted all 13,000 (≈ 720 ms) instead of
  // reading orders_currency_created_idx backwards until the page is full (≈ 6 ms; bench/admin.ts).
  const fetched = await withPlanner(db, { plan_cache_mode: "force_custom_plan" }, (tx) =>
    tx
      .select(listColumns)
      .from(orders)
      .leftJoin(users, eq(users.id, orders.userId))
      .leftJoin(gatewayHandoffs, eq(gatewayHandoffs.id, orders.gatewayHandoffId))
      .leftJoin(payments, eq(payments.orderId, orders.id))
      .where(and(...conditions))
      .orderBy(...(backwards ? [orders.createdAt, orders.id] : [desc(orders.createdAt), desc(orders.id)]))
      .limit(pageSize + 1),
  );

  const more = fetched.length > pageSize;
  const page = fetched.slice(0, pageSize);
  if (backwards) page.reverse();
  const titles = await courseTitles(db, page.map((r) => r.id));
  const first = page[0];
  const last = page.at(-1);
  const cursorOf = (r: (typeof page)[number]) => ({ createdAt: r.cursorAt, id: r.id });
  return {
    rows: page.map((r) => ({
      id: r.id,
      createdAt: r.createdAt,
      status: r.status,
      total: money(r.totalMinor, r.currency),
      buyerEmail: r.buyerEmail,
      buyerName: r.buyerName,
      courses: titles.get(r.id) ?? [],
      provider: r.provider,
      providerOrderId: r.providerOrderId,
      captureId: r.captureId,
      needsAttention: r.attentionReason !== null,
    })),
    older: last && (backwards || more) ? cursorOf(last) : null,
    newer: first && (backwards ? more : Boolean(cursor)) ? cursorOf(first) : null,
  };
}

async function courseTitles(db: Queryable, orderIds: string[]): Promise<Map<string, string[]>> {
  const titles = new Map<string, string[]>();
  if (orderIds.length === 0) return titles;
  const items = await db
    .select({ orderId: orderItems.orderId, title: orderItems.title })
    .from(orderItems)
    .where(inArray(orderItems.orderId, orderIds))
    .orderBy(orderItems.orderId, orderItems.title);
  for (const item of items) titles.set(item.orderId, [...(titles.get(item.orderId) ?? []), item.title]);
  return titles;
}

export type TabCounts = Record<Tab, { count: number; capped: boolean }>;

/** How many orders each tab holds under the current filter, counted up to COUNT_CAP. */
export async function countTransactions(db: Queryable, filter: TransactionFilter): Promise<TabCounts> {
  const shared = await filterConditions(db, filter);
  const count = async (tab: Tab) => {
    const statuses = filter.status ? (tabOf(filter.status) === tab ? [filter.status] : []) : [...TABS[tab]];
    if (statuses.length === 0) return { count: 0, capped: false };
    const capped = db
      .select({ one: sql`1` })
      .from(orders)
      .where(and(inArray(orders.status, statuses), ...shared))
      .limit(COUNT_CAP + 1)
      .as("capped");
    // A count that stops at COUNT_CAP looks cheap as a sequential scan, but orders cluster by date on disk, so under
    // a date filter that scan can read most of the table before it finds them (40–60 ms at a million orders,
    // depending on where the scan starts); through the indexes it is ≈ 20 ms. Parallel workers cost more to start
    // than they save on so small a count, and a generic plan misjudges filters as the list's does (bench/admin.ts).
    const [row] = await withPlanner(db, { enable_seqscan: "off", max_parallel_workers_per_gather: "0", plan_cache_mode: "force_custom_plan" }, (tx) =>
      tx.select({ n: sql<number>`count(*)::int` }).from(capped),
    );
    const n = row?.n ?? 0;
    return { count: Math.min(n, COUNT_CAP), capped: n > COUNT_CAP };
  };
  const [finished, unfinished] = await Promise.all([count("finished"), count("unfinished")]);
  return { finished, unfinished };
}

// ---------------------------------------------------------------------------------------------
// CSV export: the current filter, streamed in keyset batches (memory stays flat at any row count)
// ---------------------------------------------------------------------------------------------

export const CSV_COLUMNS = [
  "created_at",
  "order_id",
  "status",
  "buyer_email",
  "buyer_name",
  "courses",
  "amount",
  "amount_minor",
  "currency",
  "provider",
  "provider_order_id",
  "provider_capture_id",
] as const;

/** Every row of the filter (both pages and tab as chosen), oldest page last, `batchSize` rows per query. */
export async function* exportTransactions(db: Queryable, filter: TransactionFilter, batchSize = 1000): AsyncGenerator<Record<(typeof CSV_COLUMNS)[number], string | number>> {
  let after: Cursor | null = null;
  do {
    const page: TransactionPage = await listTransactions(db, filter, { after }, batchSize);
    for (const row of page.rows) {
      yield {
        created_at: row.createdAt.toISOString(),
        order_id: row.id,
        status: row.status,
        buyer_email: row.buyerEmail,
        buyer_name: row.buyerName,
        courses: row.courses.join("; "),
        amount: toDecimalString(row.total),
        amount_minor: row.total.minor,
        currency: row.total.currency,
        provider: row.provider,
        provider_order_id: row.providerOrderId ?? "",
        provider_capture_id: row.captureId ?? "",
      };
    }
    after = page.older;
  } while (after);
}

/** The choices the filter form offers: every course (published or not) and every currency a course is priced in. */
export async function filterOptions(db: Queryable): Promise<{ courses: { id: string; title: string }[]; currencies: string[] }> {
  const rows = await db.select({ id: courses.id, title: courses.title, currency: courses.currency }).from(courses).orderBy(courses.title);
  return { courses: rows.map(({ id, title }) => ({ id, title })), currencies: [...new Set(rows.map((r) => r.currency))].sort() };
}
