import "server-only";
import { and, desc, eq, gte, inArray, isNotNull, or, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { gatewayHandoffs, orders, payments, users, type OrderStatus } from "@/db/schema";
import { BUYER_EMAIL_SQL } from "./transactions";
import { money, type Money } from "@/lib/money";
import { FINISHED_STATUSES } from "@/lib/payments/state";

export type RevenueSeries = { currency: string; days: { day: string; gross: Money }[]; total: Money };

export type Overview = {
  since: Date;
  days: string[];
  /** Money captured per currency per UTC day (gross, before refunds), one series per currency. */
  revenue: RevenueSeries[];
  finished: number;
  unfinished: number;
  /** Orders that reached payment, out of all orders created in the window (0..1; null without orders). */
  conversion: number | null;
  failures: { id: string; createdAt: Date; status: OrderStatus; buyerEmail: string; total: Money; reason: string | null }[];
};

/** The admin's front page: the last `days` days of business. Each query reads only the window's orders. */
export async function loadOverview(db: Queryable, now = new Date(), days = 30): Promise<Overview> {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const since = new Date(today - (days - 1) * 86_400_000);
  const dayList = Array.from({ length: days }, (_, i) => new Date(since.getTime() + i * 86_400_000).toISOString().slice(0, 10));
  const finishedStatuses = [...FINISHED_STATUSES];

  const [revenueRows, [counts], failures] = await Promise.all([
    db
      .select({
        day: sql<string>`to_char(${payments.createdAt} at time zone 'UTC', 'YYYY-MM-DD')`,
        currency: payments.currency,
        gross: sql<number>`sum(${payments.grossMinor})::bigint`.mapWith(Number),
      })
      .from(orders)
      .innerJoin(payments, eq(payments.orderId, orders.id))
      .where(and(gte(orders.createdAt, since), inArray(orders.status, finishedStatuses), gte(payments.createdAt, since)))
      .groupBy(sql`1`, payments.currency),
    db
      .select({
        finished: sql<number>`count(*) filter (where ${inArray(orders.status, finishedStatuses)})::int`,
        all: sql<number>`count(*)::int`,
      })
      .from(orders)
      .where(gte(orders.createdAt, since)),
    db
      .select({
        id: orders.id,
        createdAt: orders.createdAt,
        status: orders.status,
        buyerEmail: BUYER_EMAIL_SQL,
        totalMinor: orders.totalMinor,
        currency: orders.currency,
        reason: orders.attentionReason,
      })
      .from(orders)
      .leftJoin(users, eq(users.id, orders.userId))
      .leftJoin(gatewayHandoffs, eq(gatewayHandoffs.id, orders.gatewayHandoffId))
      .where(and(gte(orders.createdAt, since), or(eq(orders.status, "failed"), isNotNull(orders.attentionReason))))
      .orderBy(desc(orders.createdAt))
      .limit(10),
  ]);

  const byCurrency = new Map<string, Map<string, number>>();
  for (const row of revenueRows) {
    const series = byCurrency.get(row.currency) ?? new Map<string, number>();
    series.set(row.day, (series.get(row.day) ?? 0) + row.gross);
    byCurrency.set(row.currency, series);
  }
  const revenue = [...byCurrency.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, series]) => ({
      currency,
      days: dayList.map((day) => ({ day, gross: money(series.get(day) ?? 0, currency) })),
      total: money([...series.values()].reduce((sum, v) => sum + v, 0), currency),
    }));

  const all = counts?.all ?? 0;
  const finished = counts?.finished ?? 0;
  return {
    since,
    days: dayList,
    revenue,
    finished,
    unfinished: all - finished,
    conversion: all === 0 ? null : finished / all,
    failures: failures.map((f) => ({ id: f.id, createdAt: f.createdAt, status: f.status, buyerEmail: f.buyerEmail, total: money(f.totalMinor, f.currency), reason: f.reason })),
  };
}
