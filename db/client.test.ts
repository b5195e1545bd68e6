import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users } from "./schema";
import { openPostgres, poolSize, preparedSqlPerDb, queryRows } from "./client";
import { useTestDb, testEngines } from "@/lib/testing/db";

describe("pool size", () => {
  it("is twice the machine's cores, at least 4 and at most 10, unless DATABASE_POOL_SIZE says otherwise", () => {
    expect([1, 2, 3, 4, 5, 64].map((cores) => poolSize({}, cores))).toEqual([4, 4, 6, 8, 10, 10]);
    expect(poolSize({ DATABASE_POOL_SIZE: "25" }, 2)).toBe(25);
    expect(poolSize({ DATABASE_POOL_SIZE: "1" }, 64)).toBe(1);
  });
});

describe.runIf(testEngines().includes("postgres"))("postgres client", () => {
  const t = useTestDb("postgres");

  it("runs Drizzle's queries as named prepared statements (one round trip once a connection knows them)", async () => {
    const marker = `prepared-${Date.now()}@example.test`;
    // One transaction: one connection, whose session has the statements it prepared.
    const names = await t.db.transaction(async (tx) => {
      await tx.select({ id: users.id }).from(users).where(eq(users.email, marker));
      return tx.execute(sql`select name from pg_prepared_statements where statement like ${`%"users"."email" = $1%`}`);
    });
    expect(names as unknown as { name: string }[]).not.toHaveLength(0);
  });

  it("with DATABASE_PREPARE=false (PgBouncer in transaction mode) names no statement, not even a .prepare()d one", async () => {
    const previous = process.env.DATABASE_PREPARE;
    process.env.DATABASE_PREPARE = "false";
    const handle = openPostgres(t.handle.url!, { max: 1 });
    try {
      const marker = `unprepared-${Date.now()}@example.test`;
      // One transaction: one connection, whose session would have the statements it prepared.
      const names = await handle.db.transaction(async (tx) => {
        await tx.select({ id: users.id }).from(users).where(eq(users.email, marker));
        const byName = tx.select({ id: users.id }).from(users).where(eq(users.name, sql.placeholder("name"))).prepare("by_name");
        expect(await byName.execute({ name: marker })).toEqual([]);
        return tx.execute(sql`select statement from pg_prepared_statements where statement like ${`%"users"%`}`);
      });
      expect(names as unknown as { statement: string }[]).toEqual([]);
    } finally {
      await handle.close();
      if (previous === undefined) delete process.env.DATABASE_PREPARE;
      else process.env.DATABASE_PREPARE = previous;
    }
  });
});

describe.runIf(testEngines().includes("postgres"))("a statement cut off after sending some rows", () => {
  const t = useTestDb("postgres");
  const numbers = sql`select i from generate_series(1, 3) as i`;

  // postgres.js 3.4.9 counted rows per connection and reset the count only when a statement completed, so the next
  // statement on that connection answered a sparse array ([ , , 1, 2, 3]) without an error
  // (porsager/postgres#1119, #1181); patches/postgres+3.4.9.patch resets it. One connection, so the next statement
  // surely runs where the first was cut off.
  it.each([
    ["fails partway (a division by zero in its third row)", sql`select 1 / (3 - i) as n from generate_series(1, 5) as i`],
    ["loses its connection partway (the server ends it, as a restart does)", sql`select i, case when i = 3 then pg_terminate_backend(pg_backend_pid()) end as ended from generate_series(1, 5) as i`],
  ])("leaves the next statement's rows whole when it %s", async (_, cutOff) => {
    const handle = openPostgres(t.handle.url!, { max: 1 });
    try {
      await expect(queryRows(handle.db, cutOff)).rejects.toThrow();
      const rows = await queryRows<{ i: number }>(handle.db, numbers);
      expect([...rows]).toEqual([{ i: 1 }, { i: 2 }, { i: 3 }]);
    } finally {
      await handle.close();
    }
  });
});

describe.each(testEngines())("raw SQL rendered once per handle (%s)", (engine) => {
  const t = useTestDb(engine);

  it("renders the statement once per handle and fills in each call's values, in a transaction too", async () => {
    let renders = 0;
    const byEmail = preparedSqlPerDb<{ name: string }>("test_user_by_email", () => {
      renders++;
      return sql`select name from ${users} where email = ${sql.placeholder("email")}`;
    });
    const emails = [`first-${Date.now()}@example.test`, `second-${Date.now()}@example.test`];
    await t.db.insert(users).values(emails.map((email, i) => ({ email, name: `Buyer ${i + 1}` })));

    expect(await byEmail(t.db, { email: emails[0] })).toEqual([{ name: "Buyer 1" }]);
    expect(await byEmail(t.db, { email: emails[1] })).toEqual([{ name: "Buyer 2" }]);
    expect(await byEmail(t.db, { email: "nobody@example.test" })).toEqual([]);
    expect(renders).toBe(1);
    // A transaction is a handle of its own: its statement runs on the transaction's connection and sees its writes.
    const inside = await t.db.transaction(async (tx) => {
      await tx.update(users).set({ name: "Renamed" }).where(eq(users.email, emails[0]!));
      return byEmail(tx, { email: emails[0] });
    });
    expect(inside).toEqual([{ name: "Renamed" }]);
    expect(renders).toBe(2);
  });
});
