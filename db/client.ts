/**
 * The one module that knows which PostgreSQL engine runs:
 * - `DATABASE_URL` set   → a real server through postgres.js (pooled);
 * - `DATABASE_URL` unset → embedded PGlite stored under `.data/pglite` (zero configuration).
 * Everything else receives a `Db` and never asks which one it is.
 */
import "server-only";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { sql, type ExtractTablesWithRelations, type SQL } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema";

type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything queries can run on: the database or an open transaction. */
export type Queryable = Db | Tx;

export type DbHandle = {
  db: Db;
  engine: "pglite" | "postgres";
  /** The connection URL (postgres only). */
  url?: string;
  /** A human description for start-up logs, without credentials. */
  describe: string;
  close(): Promise<void>;
};

export function dataDir(): string {
  // Not traced by the bundler: the data directory is chosen at run time, never shipped with the build.
  return path.resolve(/* turbopackIgnore: true */ process.cwd(), process.env.COURSEPAY_DATA_DIR ?? ".data");
}

/**
 * Connections per app instance: DATABASE_POOL_SIZE, or twice this machine's cores, at least 4 and at most 10
 * (postgres.js's own default). PostgreSQL does its best work with about two busy connections per core, and more
 * backends than that wait on each other for the CPU: on a 2-core machine with PostgreSQL beside the app (the
 * zero-configuration setup), bench:webhooks ran at 388 events/s with 10 and 517 with 4 (p99 498 → 212 ms), and
 * bench:checkout's ratios did not change. A database on its own server: set it from that server's cores (README,
 * "Scaling out").
 */
export function poolSize(env: Record<string, string | undefined> = process.env, cores = availableParallelism()): number {
  if (env.DATABASE_POOL_SIZE) return Number(env.DATABASE_POOL_SIZE);
  return Math.min(10, Math.max(4, 2 * cores));
}

/**
 * `onQuery`: called for every statement sent (bench:checkout counts a checkout's round trips with it). It is
 * postgres.js's `debug` hook, which also captures a stack trace for every query: for measuring, not for serving.
 */
export function openPostgres(url: string, options: { max?: number; onQuery?: () => void } = {}): DbHandle {
  const client = postgres(url, {
    max: options.max ?? poolSize(),
    onnotice: () => {},
    debug: options.onQuery,
    // Money columns are bigint; drizzle maps them to numbers (all amounts are safe integers).
  });
  const parsed = new URL(url);
  const prepare = process.env.DATABASE_PREPARE !== "false";
  return {
    db: drizzlePostgres({ client: statementMode(client, prepare), schema }) as unknown as Db,
    engine: "postgres",
    url,
    describe: `PostgreSQL at ${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`,
    close: () => client.end({ timeout: 5 }),
  };
}

/**
 * Drizzle runs its queries through postgres.js as unnamed statements: every query with parameters is parsed
 * again and costs two round trips. postgres.js can name and cache them per connection (`prepare: true`),
 * halving the round trips of the payment paths; this turns it on for every query Drizzle sends, in
 * transactions and savepoints too. DATABASE_PREPARE=false turns it off for every query — also those built with
 * `.prepare()` (preparedPerDb), for which Drizzle would ask for a named statement — because PgBouncer in
 * transaction mode cannot keep prepared statements.
 */
function statementMode(sql: postgres.Sql, prepare: boolean): postgres.Sql {
  return new Proxy(sql, {
    get(target, property, receiver) {
      if (property === "unsafe") {
        return (query: string, args?: unknown[], options?: postgres.UnsafeQueryOptions) =>
          // Last, over Drizzle's own option (false for a plain query, true for a .prepare()d one).
          target.unsafe(query, args as postgres.ParameterOrJSON<never>[], { ...options, prepare });
      }
      if (property === "begin" || property === "savepoint") {
        return (...args: unknown[]) => {
          const body = args.pop() as (tx: postgres.Sql) => unknown;
          const start = Reflect.get(target, property, target) as (...a: unknown[]) => unknown; // savepoint exists on transactions
          return start.call(target, ...args, (tx: postgres.Sql) => body(statementMode(tx, prepare)));
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

/** `dir` undefined → in-memory (tests). */
export function openPglite(dir?: string): DbHandle {
  const release = dir ? claimDirectory(dir) : () => {};
  const client = new PGlite(dir);
  return {
    db: drizzlePglite({ client, schema }) as unknown as Db,
    engine: "pglite",
    describe: dir ? `embedded PGlite at ${path.relative(process.cwd(), dir) || dir}` : "embedded PGlite (in memory)",
    close: async () => {
      await client.close();
      release();
    },
  };
}

/**
 * An embedded database belongs to one process: a second one (say `npm run reconcile` while `npm run dev`
 * runs) would corrupt it. A pid file makes the second one stop with a clear message instead.
 */
function claimDirectory(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const pidFile = path.join(dir, "coursepay.pid");
  const owner = existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8")) : NaN;
  if (Number.isInteger(owner) && owner !== process.pid && processAlive(owner)) {
    throw new Error(
      `The embedded database in ${dir} is in use by process ${owner} (is \`npm run dev\` running?). ` +
        "Stop it first, or use a PostgreSQL server (DATABASE_URL) to run several processes at once.",
    );
  }
  writeFileSync(pidFile, String(process.pid));
  const release = () => {
    if (existsSync(pidFile) && readFileSync(pidFile, "utf8") === String(process.pid)) rmSync(pidFile);
  };
  process.once("exit", release);
  return release;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function openFromEnv(): DbHandle {
  const url = process.env.DATABASE_URL;
  return url ? openPostgres(url) : openPglite(path.join(dataDir(), "pglite"));
}

// One handle per process. Kept on globalThis because Next.js may evaluate this module more than once
// (dev hot reload, separate server bundles), and a second PGlite on the same directory would corrupt it.
const globalKey = Symbol.for("coursepay.db");
type GlobalWithDb = typeof globalThis & { [globalKey]?: DbHandle };

export function dbHandle(): DbHandle {
  const g = globalThis as GlobalWithDb;
  g[globalKey] ??= openFromEnv();
  return g[globalKey];
}

export function getDb(): Db {
  return dbHandle().db;
}

/**
 * A statement built once per database handle (or transaction) — Drizzle's prepared query — for the hot paths: the
 * query builder spends more of a checkout's CPU building SQL text than the driver spends sending it (README
 * "Performance"). `build` gets the handle and returns `query.prepare(name)`; values go in as `sql.placeholder`s.
 */
export function preparedPerDb<Q>(build: (db: Queryable) => Q): (db: Queryable) => Q {
  const built = new WeakMap<Queryable, Q>();
  return (db) => {
    let query = built.get(db);
    if (query === undefined) built.set(db, (query = build(db)));
    return query;
  };
}

/**
 * Runs raw SQL and returns its rows. The two drivers shape `execute()` results differently
 * (postgres.js: an array; PGlite: `{ rows }`); `rowsOf` is the only place that knows.
 */
export async function queryRows<T extends Record<string, unknown>>(db: Queryable, query: SQL): Promise<T[]> {
  return rowsOf<T>(await db.execute(query));
}

const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];

/** What Drizzle's handles keep for `execute()`: the dialect that renders SQL and the session that prepares it. */
type DrizzleInternals = {
  dialect: { sqlToQuery(query: SQL): unknown };
  _: { session: { prepareQuery(query: unknown, fields: undefined, name: string, arrayMode: false): { execute(values: Record<string, unknown>): Promise<unknown> } } };
};

/**
 * Raw SQL rendered once per database handle (or transaction), as preparedPerDb does for builder queries: `build()`
 * returns the statement with `sql.placeholder`s for its values, and each call only fills them in. Drizzle offers
 * `.prepare()` on its builders only; this takes the path its `execute()` takes (render, then the session's prepared
 * query) without rendering again on every call — for the largest statements on the payment path, where rendering
 * cost more than sending (README "Performance").
 */
export function preparedSqlPerDb<T extends Record<string, unknown>>(name: string, build: () => SQL): (db: Queryable, values: Record<string, unknown>) => Promise<T[]> {
  const prepared = preparedPerDb((db) => {
    const { dialect, _ } = db as unknown as DrizzleInternals;
    return _.session.prepareQuery(dialect.sqlToQuery(build()), undefined, name, false);
  });
  return async (db, values) => rowsOf<T>(await prepared(db).execute(values));
}

/**
 * Whether `error` is PostgreSQL's unique violation (23505) of the named constraint. Drizzle wraps driver errors
 * (the original is its `cause`), and the drivers name the constraint differently (postgres.js:
 * `constraint_name`; PGlite: `constraint`); this is the only place that knows.
 */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  for (let e = error; e instanceof Error; e = e.cause) {
    const pg = e as Error & { code?: unknown; constraint?: unknown; constraint_name?: unknown };
    if (pg.code === "23505") return (pg.constraint_name ?? pg.constraint) === constraint;
  }
  return false;
}

const heldLocks = new Set<number>();

/**
 * Runs `fn` while holding the PostgreSQL session advisory lock `key` — how several app instances elect one
 * of them for a job (the reconciliation sweep, migrations). `wait: false` gives up at once when another
 * holder exists. A session lock needs one connection for the whole time: a dedicated one for a server,
 * the single connection for PGlite (one process; the in-process set keeps its jobs from overlapping).
 */
export async function withSessionLock<T>(
  handle: DbHandle,
  key: number,
  options: { wait: boolean },
  fn: () => Promise<T>,
): Promise<{ acquired: true; value: T } | { acquired: false }> {
  // PGlite's single session re-enters its own locks, so "try" also checks this process's holders.
  if (!options.wait && heldLocks.has(key)) return { acquired: false };
  if (!options.wait) heldLocks.add(key);
  const lockHandle = handle.engine === "postgres" && handle.url ? openPostgres(handle.url, { max: 1 }) : null;
  const lockDb = lockHandle?.db ?? handle.db;
  try {
    if (options.wait) {
      await lockDb.execute(sql`select pg_advisory_lock(${key})`);
    } else {
      const [row] = await queryRows<{ ok: boolean }>(lockDb, sql`select pg_try_advisory_lock(${key}) as ok`);
      if (!row?.ok) return { acquired: false };
    }
    try {
      return { acquired: true, value: await fn() };
    } finally {
      await lockDb.execute(sql`select pg_advisory_unlock(${key})`);
    }
  } finally {
    if (!options.wait) heldLocks.delete(key);
    await lockHandle?.close();
  }
}
