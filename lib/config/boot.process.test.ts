/** A production start with a bad configuration exits non-zero with one line per problem, before it listens. */
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openPostgres, queryRows } from "@/db/client";
import { MIGRATION_LOCK } from "@/db/migrate";
import { freePort, PRODUCTION_ENV, spawnApp } from "@/lib/testing/app-process";
import { startPgCluster } from "@/lib/testing/pg-cluster";
import { databaseUrl } from "@/lib/testing/postgres-admin";

async function failedStart(env: Record<string, string | undefined>) {
  const app = await spawnApp(env, { waitForReady: false });
  const code = await app.exited;
  return { code, problems: app.lines.filter((line) => line.startsWith("[coursepay] cannot start: ")), lines: app.lines };
}

describe("a production start", () => {
  it("names every missing secret and bad variable, one line each, and exits 1", async () => {
    const { code, problems, lines } = await failedStart({ NODE_ENV: "production", PAYPAL_ENV: "sandbox", TRUSTED_PROXY_HOPS: "two" });
    expect(code).toBe(1);
    expect(problems).toEqual([
      expect.stringContaining("AUTH_SECRET is not set"),
      expect.stringContaining("COURSEPAY_ENCRYPTION_KEY is not set"),
      expect.stringContaining("TRUSTED_PROXY_HOPS"),
      expect.stringContaining("PAYPAL_ENV=sandbox needs PAYPAL_CLIENT_ID and PAYPAL_CLIENT_SECRET"),
    ]);
    expect(lines.some((line) => /ready/i.test(line))).toBe(false);
  });

  it("exits 1 with the root cause when the database cannot be reached in DATABASE_WAIT_SECONDS", async () => {
    const { code, problems, lines } = await failedStart({ ...PRODUCTION_ENV, DATABASE_URL: "postgres://postgres@127.0.0.1:1/none", DATABASE_WAIT_SECONDS: "1" });
    expect(code).toBe(1);
    expect(lines).toContainEqual(expect.stringContaining("waiting up to 1 s for the database"));
    expect(problems).toEqual([expect.stringContaining("ECONNREFUSED")]);
  });

  it("started before its database, it waits, then migrates and serves once the database is up", async () => {
    const port = await freePort();
    const app = await spawnApp({ ...PRODUCTION_ENV, DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/postgres` }, { waitForReady: false });
    const said = (text: string) => app.lines.some((line) => line.includes(text));
    let cluster: ReturnType<typeof startPgCluster> | null = null;
    try {
      await expect.poll(() => said("waiting up to 30 s for the database"), { timeout: 30_000 }).toBe(true);
      expect(said("ready on")).toBe(false);
      cluster = startPgCluster(port);
      await expect.poll(() => said("ready on"), { timeout: 60_000 }).toBe(true);
      expect(said("database ready")).toBe(true);
      expect((await fetch(app.url)).status).toBe(200);
    } finally {
      await app.stop();
      cluster?.stop();
    }
  });

  it("restarted under it while it waits for the migration lock, it starts over and serves once the database is back", async () => {
    const cluster = startPgCluster(await freePort());
    // Another instance's migration, as far as this start can tell: it holds the lock until the restart ends it.
    const other = openPostgres(cluster.url, { max: 1 });
    let app: Awaited<ReturnType<typeof spawnApp>> | null = null;
    try {
      await other.db.execute(sql`select pg_advisory_lock(${MIGRATION_LOCK})`);
      app = await spawnApp({ ...PRODUCTION_ENV, DATABASE_URL: cluster.url }, { waitForReady: false });
      const waiting = sql`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`;
      await expect.poll(async () => (await queryRows<{ n: number }>(other.db, waiting))[0]!.n, { timeout: 30_000 }).toBe(1);
      await cluster.restart();
      const said = (text: string) => app!.lines.some((line) => line.includes(text));
      await expect.poll(() => said("ready on"), { timeout: 60_000 }).toBe(true);
      expect(app.lines.filter((line) => line.startsWith("[coursepay] cannot start"))).toEqual([]);
      expect(said("waiting up to 30 s for the database")).toBe(true);
      expect((await fetch(app.url)).status).toBe(200);
    } finally {
      await app?.stop();
      await other.close();
      cluster.stop();
    }
  });

  it("refuses to send payments to the emulator unless told to", async () => {
    const { code, problems } = await failedStart({ ...PRODUCTION_ENV, PAYPAL_ENV: undefined, DATABASE_URL: databaseUrl("postgres") });
    expect(code).toBe(1);
    expect(problems).toEqual([expect.stringContaining("No PayPal credentials")]);
  });
});
