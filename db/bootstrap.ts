/**
 * What every app start does before serving: wait for a PostgreSQL server that is still starting, apply pending
 * migrations, then (when enabled) seed the demo catalog and accounts. Called from instrumentation.ts, so
 * `next dev` and `next start` behave the same.
 */
import { dbHandle, type DbHandle } from "./client";
import { migrateDatabase } from "./migrate";
import { seedDemo, type SeedReport } from "./seed";

/** Demo data is on by default in development, off in production unless COURSEPAY_SEED_DEMO=true. */
export function demoSeedingEnabled(): boolean {
  const flag = process.env.COURSEPAY_SEED_DEMO;
  return flag ? flag === "true" : process.env.NODE_ENV !== "production";
}

/** How long a start waits for the database to accept connections (`DATABASE_WAIT_SECONDS`). */
export function databaseWaitSeconds(env: Record<string, string | undefined> = process.env): number {
  return env.DATABASE_WAIT_SECONDS ? Number(env.DATABASE_WAIT_SECONDS) : 30;
}

/**
 * What a server that is starting, restarting or not yet reachable answers (a refused or reset connection, a
 * timeout, a name its DNS does not know yet, PostgreSQL's "the database system is starting up"), and what a server
 * that is shutting down tells the connections it ends (57P01 fast shutdown, 57P02 crash). Anything else — a wrong
 * password, a database that does not exist — will not go away by waiting.
 */
const NOT_READY = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EAI_AGAIN", "ENOTFOUND", "CONNECT_TIMEOUT", "CONNECTION_CLOSED", "57P01", "57P02", "57P03"]);

function notReadyYet(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) {
    if (NOT_READY.has(String((e as { code?: unknown }).code))) return true;
  }
  return false;
}

/**
 * Runs `step`, and runs it again from the start while the database is not ready, for up to `seconds`: an app
 * started together with its database (a compose file, a host rebooting) or while it restarts comes up once the
 * database does, instead of exiting. The whole step, not only a first `select 1`: a server that answers that and
 * then restarts drops the connection the migration lock is waiting on. So `step` must be safe to run again after
 * failing partway. Says once that it waits and why. PGlite runs in this process, so there is nothing to wait for.
 */
export async function whileDatabaseStarts<T>(handle: DbHandle, seconds: number, step: () => Promise<T>, pauseMs = 500): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (let said = false; ; said = true) {
    try {
      return await step();
    } catch (error) {
      if (handle.engine === "pglite" || !notReadyYet(error) || Date.now() >= deadline) throw error;
      if (!said) console.log(`[coursepay] waiting up to ${seconds} s for the database (${handle.describe}) to accept connections`);
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
}

/**
 * Migrations (one transaction, instances starting together take turns on its lock), then the demo seed when asked,
 * also one transaction: a try cut off by a restart leaves nothing half done, the next try shows the passwords of the
 * demo accounts it creates instead of losing them, and of two instances seeding at once the later one waits on the
 * first one's rows and then finds them committed.
 */
export async function prepareDatabase(handle: DbHandle, { seed }: { seed: boolean }): Promise<SeedReport | null> {
  await migrateDatabase(handle);
  return seed ? handle.db.transaction((tx) => seedDemo(tx)) : null;
}

export async function bootstrapDatabase(): Promise<void> {
  const handle = dbHandle();
  const started = Date.now();
  const report = await whileDatabaseStarts(handle, databaseWaitSeconds(), () => prepareDatabase(handle, { seed: demoSeedingEnabled() }));
  console.log(`[coursepay] database ready: ${handle.describe} (${Date.now() - started} ms)`);
  if (report?.coursesCreated) console.log(`[coursepay] seeded the demo catalog (${report.coursesCreated} courses)`);
  if (report?.subscriptionProductsCreated) console.log(`[coursepay] seeded ${report.subscriptionProductsCreated} demo membership and payment plan(s)`);
  if (report?.lmsConnectionCreated) console.log("[coursepay] seeded the demo LMS connection (demo-lms → the local LMS emulator)");
  // Passwords of freshly created demo accounts are shown once, and only in development.
  if (report?.accountsCreated.length && process.env.NODE_ENV !== "production") {
    console.log("[coursepay] demo accounts (shown once — note them down):");
    for (const a of report.accountsCreated) console.log(`[coursepay]   ${a.role.padEnd(7)} ${a.email}  password: ${a.password}`);
  }
}
