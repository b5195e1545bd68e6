/** `npm run admin:create` as an operator runs it: a real process on a real database, the password on stdin. */
import { spawn } from "node:child_process";
import path from "node:path";
import { count, eq } from "drizzle-orm";
import { describe, expect, inject, it } from "vitest";
import { courses, users } from "@/db/schema";
import { verifyCredentials } from "@/lib/auth/accounts";
import { makeUser } from "@/lib/testing/fixtures";
import { useTestDb } from "@/lib/testing/db";

function createAdmin(args: string[], stdin: string, databaseUrl: string) {
  const child = spawn(path.resolve("node_modules/.bin/tsx"), ["--conditions=react-server", "lib/cli/create-admin.ts", ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: databaseUrl, NODE_ENV: "production", COURSEPAY_ENCRYPTION_KEY: "x".repeat(32), AUTH_SECRET: "y".repeat(32) },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  child.stdin.end(stdin);
  return new Promise<{ code: number | null; output: string }>((resolve) => child.on("exit", (code) => resolve({ code, output })));
}

describe.skipIf(!inject("postgresTemplate"))("npm run admin:create", () => {
  const t = useTestDb("postgres");

  it("creates an admin whose password came from stdin, and seeds nothing", async () => {
    const { code, output } = await createAdmin(["--email", "Owner@Example.TEST", "--name", "Store Owner"], "a long enough password\n", t.handle.url!);
    expect(output).toContain("Created the admin owner@example.test");
    expect(code).toBe(0);
    const [owner] = await t.db.select().from(users).where(eq(users.email, "owner@example.test"));
    expect(owner).toMatchObject({ role: "admin", name: "Store Owner" });
    expect(await verifyCredentials(t.db, { email: "owner@example.test", password: "a long enough password", ip: "192.0.2.1" })).toMatchObject({ ok: true });
    expect((await t.db.select({ n: count() }).from(courses))[0]!.n).toBe(0);
  });

  it("promotes an existing account and leaves its password alone", async () => {
    const student = await makeUser(t.db);
    const { code, output } = await createAdmin(["--email", student.email], "", t.handle.url!);
    expect(code).toBe(0);
    expect(output).toContain("is an admin now");
    expect((await t.db.select().from(users).where(eq(users.id, student.id)))[0]!.role).toBe("admin");
  });

  it("refuses a password on the command line, and a short one on stdin, changing nothing", async () => {
    const argv = await createAdmin(["--email", "argv@example.test", "--password", "a long enough password"], "", t.handle.url!);
    expect(argv.code).toBe(2);
    expect(argv.output).toContain("never taken from the command line");
    const short = await createAdmin(["--email", "short@example.test"], "short\n", t.handle.url!);
    expect(short.code).toBe(1);
    expect(short.output).toContain("Use at least 10 characters.");
    const made = await t.db.select().from(users).where(eq(users.role, "admin"));
    expect(made.map((u) => u.email)).not.toEqual(expect.arrayContaining(["argv@example.test", "short@example.test"]));
  });
});
