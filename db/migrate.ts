import path from "node:path";
import { sql } from "drizzle-orm";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import type { PostgresJsDatabase } from "drizzle-orm/postgres-js";
import { openPostgres, type DbHandle } from "./client";

export const migrationsFolder = path.join(process.cwd(), "db", "migrations");

// Any fixed 64-bit key; several app instances starting together take turns on it.
const MIGRATION_LOCK = 7_261_003_001;

/** Applies pending migrations; re-running is a no-op. Safe when several instances start at once. */
export async function migrateDatabase(handle: DbHandle): Promise<void> {
  if (handle.engine === "pglite") {
    await migratePglite(handle.db as unknown as PgliteDatabase, { migrationsFolder });
    return;
  }
  if (!handle.url) throw new Error("migrateDatabase: a postgres handle needs its URL");
  // A session-level advisory lock needs one dedicated connection for the whole migration.
  const single = openPostgres(handle.url, { max: 1 });
  try {
    await single.db.execute(sql`select pg_advisory_lock(${MIGRATION_LOCK})`);
    await migratePostgres(single.db as unknown as PostgresJsDatabase, { migrationsFolder });
    await single.db.execute(sql`select pg_advisory_unlock(${MIGRATION_LOCK})`);
  } finally {
    await single.close();
  }
}
