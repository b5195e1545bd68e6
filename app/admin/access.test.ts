/**
 * Every admin server action and route refuses anyone but an admin, before reading its input: a student gets
 * Next's 403, a signed-out visitor is redirected to sign in, and nothing changes. The actions are discovered
 * from app/admin/** so a new one is covered the day it is written.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { count } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "@/db/client";
import { adminAuditLog, courses, orders, refunds, settings, type User } from "@/db/schema";
import { makeUser } from "@/lib/testing/fixtures";
import { useTestDb } from "@/lib/testing/db";

const session = vi.hoisted(() => ({ userId: null as string | null, db: null as unknown }));
vi.mock("@/lib/auth/auth", () => ({ auth: async () => (session.userId ? { user: { id: session.userId } } : null) }));
vi.mock("@/db/client", async (original) => ({ ...(await original<typeof import("@/db/client")>()), getDb: () => session.db }));

const root = path.resolve(import.meta.dirname, "../..");
const adminFiles = (name: string) =>
  readdirSync(path.join(root, "app/admin"), { recursive: true, encoding: "utf8" })
    .filter((file) => path.basename(file) === name)
    .map((file) => path.posix.join("app/admin", file.split(path.sep).join("/")))
    .sort();
const actionFiles = adminFiles("actions.ts");
const routeFiles = adminFiles("route.ts");

async function exportedFunctions(file: string) {
  const module = (await import(path.join(root, file))) as Record<string, unknown>;
  return Object.entries(module).filter((entry): entry is [string, (...args: unknown[]) => Promise<unknown>] => typeof entry[1] === "function");
}

/** A form any action might accept, so an action that skipped the check would get far enough to act. */
function plausibleForm(): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries({
    orderId: "00000000-0000-4000-8000-000000000000",
    courseId: "00000000-0000-4000-8000-000000000000",
    id: "00000000-0000-4000-8000-000000000000",
    scope: "all",
    title: "Sneaky",
    slug: "sneaky",
    summary: "x",
    body: "x",
    price: "1.00",
    currency: "USD",
    mode: "sandbox",
    enabled: "on",
  })) form.set(key, value);
  return form;
}

async function outcome(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return "returned";
  } catch (error) {
    return String((error as { digest?: string }).digest ?? (error as Error).message).split(";").slice(0, 2).join(";");
  }
}

describe("admin access", () => {
  const t = useTestDb("pglite");
  let student: User;
  const snapshot = async (db: Db) =>
    Promise.all([adminAuditLog, courses, orders, refunds, settings].map(async (table) => (await db.select({ n: count() }).from(table))[0]!.n));

  beforeAll(async () => {
    process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "true";
    session.db = t.db;
    student = await makeUser(t.db);
  });

  it("finds the admin actions and routes", () => {
    expect(actionFiles.length).toBeGreaterThanOrEqual(3);
    expect(routeFiles).toContain("app/admin/transactions/export/route.ts");
  });

  it.each(actionFiles)("%s: every action refuses students (403) and visitors (sign in), changing nothing", async (file) => {
    const actions = await exportedFunctions(file);
    expect(actions.length).toBeGreaterThan(0);
    const before = await snapshot(t.db);
    for (const [name, action] of actions) {
      session.userId = student.id;
      expect(await outcome(() => action(null, plausibleForm())), `${name} as a student`).toBe("NEXT_HTTP_ERROR_FALLBACK;403");
      session.userId = null;
      expect(await outcome(() => action(null, plausibleForm())), `${name} signed out`).toMatch(/^NEXT_REDIRECT;/);
    }
    expect(await snapshot(t.db)).toEqual(before);
  });

  it.each(routeFiles)("%s: refuses students (403)", async (file) => {
    for (const [name, handler] of await exportedFunctions(file)) {
      session.userId = student.id;
      expect(await outcome(() => handler(new Request("http://localhost/admin/x?tab=finished"))), name).toBe("NEXT_HTTP_ERROR_FALLBACK;403");
    }
  });
});
