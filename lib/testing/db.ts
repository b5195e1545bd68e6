/**
 * A fresh, migrated database per test file, on each engine the project supports:
 *
 *   for (const engine of testEngines()) describe(engine, () => { const t = useTestDb(engine); … t.db … });
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, inject } from "vitest";
import { openPglite, openPostgres, type Db, type DbHandle } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { createDatabase, dropDatabase } from "./postgres-admin";

export type Engine = "pglite" | "postgres";

/** PGlite always; PostgreSQL when the global setup prepared a template (always under CI). */
export function testEngines(): Engine[] {
  return inject("postgresTemplate") ? ["pglite", "postgres"] : ["pglite"];
}

export async function createTestDb(engine: Engine, options: { poolSize?: number } = {}): Promise<DbHandle> {
  if (engine === "pglite") {
    const handle = openPglite();
    await migrateDatabase(handle);
    return handle;
  }
  const template = inject("postgresTemplate");
  if (!template) throw new Error("No PostgreSQL template: is the server running?");
  const name = `${template}_${randomBytes(4).toString("hex")}`;
  const handle = openPostgres(await createDatabase(name, template), { max: options.poolSize ?? 10 });
  return {
    ...handle,
    async close() {
      await handle.close();
      await dropDatabase(name);
    },
  };
}

/** Opens a database before the file's tests and drops it after them. */
export type TestDb = {
  readonly db: Db;
  readonly handle: DbHandle;
  /**
   * A second connection pool to the same database, as a second app instance would have (PGlite: the same one);
   * `connections` 1 gives a single session, whose pg_prepared_statements see every statement it ran.
   */
  secondPool(connections?: number): Db;
};

export function useTestDb(engine: Engine, options: { poolSize?: number } = {}): TestDb {
  let handle: DbHandle | undefined;
  const extraPools: DbHandle[] = [];
  beforeAll(async () => {
    handle = await createTestDb(engine, options);
  });
  afterAll(async () => {
    await Promise.all(extraPools.map((p) => p.close()));
    await handle?.close();
  });
  return {
    secondPool(connections = 5) {
      if (!handle) throw new Error("test database not open yet");
      if (handle.engine === "pglite" || !handle.url) return handle.db;
      const pool = openPostgres(handle.url, { max: connections });
      extraPools.push(pool);
      return pool.db;
    },
    get db() {
      if (!handle) throw new Error("test database not open yet");
      return handle.db;
    },
    get handle() {
      if (!handle) throw new Error("test database not open yet");
      return handle;
    },
  };
}
