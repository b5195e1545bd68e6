import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users } from "./schema";
import { useTestDb, testEngines } from "@/lib/testing/db";

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
});
