import path from "node:path";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import type { PostgresJsDatabase } from "drizzle-orm/postgres-js";
import { withSessionLock, type DbHandle } from "./client";

export const migrationsFolder = path.join(process.cwd(), "db", "migrations");

// Any fixed 64-bit key; several app instances starting together take turns on it.
export const MIGRATION_LOCK = 7_261_003_001;

/** Applies pending migrations; re-running is a no-op. Safe when several instances start at once. */
export async function migrateDatabase(handle: DbHandle): Promise<void> {
  if (handle.engine === "pglite") {
    await migratePglite(handle.db as unknown as PgliteDatabase, { migrationsFolder });
    return;
  }
  // Instances starting together take turns; the later ones find nothing left to apply.
  await withSessionLock(handle, MIGRATION_LOCK, { wait: true }, () =>
    migratePostgres(handle.db as unknown as PostgresJsDatabase, { migrationsFolder }),
  );
}
