/**
 * Test databases on the real PostgreSQL server: one migrated template per test run, and a fresh copy of it
 * per test file (CREATE DATABASE … TEMPLATE is a file copy, far faster than migrating again).
 */
import postgres from "postgres";

export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export function databaseUrl(name: string): string {
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withAdmin<T>(fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(TEST_POSTGRES_URL, { max: 1, onnotice: () => {}, connect_timeout: 3 });
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 2 });
  }
}

export async function postgresAvailable(): Promise<boolean> {
  try {
    await withAdmin((sql) => sql`select 1`);
    return true;
  } catch {
    return false;
  }
}

export async function createDatabase(name: string, template?: string): Promise<string> {
  await withAdmin(async (sql) => {
    // Two files copying the same template at the same instant can collide; a short retry settles it.
    for (let attempt = 0; ; attempt++) {
      try {
        await sql.unsafe(`create database "${name}"${template ? ` template "${template}"` : ""}`);
        return;
      } catch (error) {
        if (attempt >= 20 || !String(error).includes("is being accessed by other users")) throw error;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  });
  return databaseUrl(name);
}

export async function dropDatabase(name: string): Promise<void> {
  await withAdmin((sql) => sql.unsafe(`drop database if exists "${name}" with (force)`));
}

/** Drops databases left behind by a run that was killed (names carry the run's prefix). */
export async function dropDatabasesWithPrefix(prefix: string): Promise<void> {
  await withAdmin(async (sql) => {
    const rows = await sql<{ datname: string }[]>`select datname from pg_database where datname like ${prefix + "%"}`;
    for (const { datname } of rows) await sql.unsafe(`drop database if exists "${datname}" with (force)`);
  });
}
