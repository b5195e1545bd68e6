/**
 * How many rows of `table` a piece of work reads (sequentially or through an index), on PostgreSQL: the tests that
 * hold a statement's cost to its own rows rather than the store's size. Run inside a transaction, so that every
 * statement is on one connection; counted before and after the work, because pg_stat_xact_user_tables also shows
 * what the connection's earlier statements (an insert, an analyze) read and has not yet reported.
 */
import { sql } from "drizzle-orm";
import { queryRows, type Queryable } from "@/db/client";

export async function rowsRead(tx: Queryable, table: string, work: () => Promise<void>): Promise<number> {
  const read = async () =>
    Number((await queryRows<{ read: string }>(tx, sql`select coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) as read from pg_stat_xact_user_tables where relname = ${table}`))[0]?.read ?? 0);
  const before = await read();
  await work();
  return (await read()) - before;
}
