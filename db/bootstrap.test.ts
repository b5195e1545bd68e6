import { count, sql } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { freePort } from "@/lib/testing/app-process";
import { createDatabase, databaseUrl, dropDatabase } from "@/lib/testing/postgres-admin";
import { testEngines } from "@/lib/testing/db";
import { openPostgres, queryRows, type DbHandle } from "./client";
import { databaseWaitSeconds, prepareDatabase, whileDatabaseStarts } from "./bootstrap";
import { courseSections, courses, lessons, users } from "./schema";
import { DEMO_ACCOUNTS, DEMO_COURSES } from "./seed";

describe("waiting for the database at start-up", () => {
  const handles: DbHandle[] = [];
  const open = (url: string) => {
    const handle = openPostgres(url, { max: 1 });
    handles.push(handle);
    return handle;
  };
  const answers = (handle: DbHandle) => async () => (await queryRows<{ one: number }>(handle.db, sql`select 1 as one`))[0]!.one;
  afterEach(async () => {
    vi.restoreAllMocks();
    await Promise.all(handles.splice(0).map((handle) => handle.close()));
  });

  it("waits 30 s unless DATABASE_WAIT_SECONDS says otherwise", () => {
    expect(databaseWaitSeconds({})).toBe(30);
    expect(databaseWaitSeconds({ DATABASE_WAIT_SECONDS: "0" })).toBe(0);
    expect(databaseWaitSeconds({ DATABASE_WAIT_SECONDS: "120" })).toBe(120);
  });

  it("keeps trying a server that refuses connections, says so once, and gives up with the cause when the time is over", async () => {
    const said = vi.spyOn(console, "log").mockImplementation(() => {});
    const handle = open(`postgres://postgres@127.0.0.1:${await freePort()}/none`);
    const started = Date.now();
    const error = await whileDatabaseStarts(handle, 1, answers(handle), 100).catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(String((error as Error).cause ?? error)).toContain("ECONNREFUSED");
    expect(said.mock.calls).toEqual([[expect.stringMatching(/^\[coursepay\] waiting up to 1 s for the database \(PostgreSQL at 127\.0\.0\.1:\d+\/none\)/)]]);
  });

  it.runIf(testEngines().includes("postgres"))("does not wait for what waiting cannot fix: a role the server does not know", async () => {
    const said = vi.spyOn(console, "log").mockImplementation(() => {});
    const url = new URL(databaseUrl("postgres"));
    url.username = "no_such_role";
    const started = Date.now();
    const handle = open(url.toString());
    const error = await whileDatabaseStarts(handle, 30, answers(handle)).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(String((error as Error).cause ?? error)).toMatch(/role "no_such_role" does not exist/);
    expect(said).not.toHaveBeenCalled();
  });

  it.runIf(testEngines().includes("postgres"))("returns at once when the server answers", async () => {
    const handle = open(databaseUrl("postgres"));
    await expect(whileDatabaseStarts(handle, 0, answers(handle))).resolves.toBe(1);
  });

  it.runIf(testEngines().includes("postgres"))("runs the whole step again when the server ends its connection partway, as a restarting server does", async () => {
    const said = vi.spyOn(console, "log").mockImplementation(() => {});
    const handle = open(databaseUrl("postgres"));
    const backends: number[] = [];
    const value = await whileDatabaseStarts(
      handle,
      30,
      async () => {
        const [{ pid }] = (await queryRows<{ pid: number }>(handle.db, sql`select pg_backend_pid() as pid`)) as [{ pid: number }];
        backends.push(pid);
        // What a fast shutdown sends every connection (57P01), after the step had already been answered once.
        if (backends.length === 1) await handle.db.execute(sql`select pg_terminate_backend(pg_backend_pid())`);
        return answers(handle)();
      },
      100,
    );
    expect(value).toBe(1);
    expect(backends).toHaveLength(2);
    expect(backends[1]).not.toBe(backends[0]);
    expect(said).toHaveBeenCalledTimes(1);
  });
});

describe.runIf(testEngines().includes("postgres"))("instances preparing one new database at once", () => {
  // Before the seed was one transaction, the later start failed here on a duplicate demo lesson.
  it("both start: one seeds, the other waits for its rows and finds the demo data whole", async () => {
    const name = `coursepay_prepare_${process.pid}_${Date.now()}`;
    const url = await createDatabase(name);
    const [first, second] = [openPostgres(url, { max: 2 }), openPostgres(url, { max: 2 })] as const;
    try {
      const reports = await Promise.all([prepareDatabase(first, { seed: true }), prepareDatabase(second, { seed: true })]);
      expect(reports.map((report) => report!.coursesCreated).sort()).toEqual([0, DEMO_COURSES.length]);
      expect(reports.flatMap((report) => report!.accountsCreated.map((account) => account.email)).sort()).toEqual(DEMO_ACCOUNTS.map((account) => account.email).sort());
      const rows = async (table: typeof courses | typeof courseSections | typeof lessons | typeof users) => (await first.db.select({ n: count() }).from(table))[0]!.n;
      // Two sections of two lessons per demo course: what one seed makes.
      expect({ courses: await rows(courses), sections: await rows(courseSections), lessons: await rows(lessons), users: await rows(users) }).toEqual({
        courses: DEMO_COURSES.length,
        sections: 2 * DEMO_COURSES.length,
        lessons: 4 * DEMO_COURSES.length,
        users: DEMO_ACCOUNTS.length,
      });
    } finally {
      await Promise.all([first.close(), second.close()]);
      await dropDatabase(name);
    }
  }, 60_000);
});
