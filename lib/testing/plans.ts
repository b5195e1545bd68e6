import { sql } from "drizzle-orm";
import { queryRows, type Db } from "@/db/client";

/**
 * The prepared statements of this PostgreSQL session (open a pool of one connection) run at least `executions`
 * times, and those PostgreSQL planned anew on each: past its first five custom plans a statement whose generic plan
 * is as cheap runs from that plan, so more than five custom plans means a generic plan that always looks dearer.
 */
export async function planCounts(db: Db, executions: number): Promise<{ statements: number; replanned: string[] }> {
  const rows = await queryRows<{ statement: string; custom_plans: string }>(
    db,
    sql`select statement, custom_plans::text from pg_prepared_statements where generic_plans + custom_plans >= ${executions}`,
  );
  return { statements: rows.length, replanned: rows.filter((row) => Number(row.custom_plans) > 5).map((row) => row.statement) };
}
