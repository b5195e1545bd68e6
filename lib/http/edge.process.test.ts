/**
 * What a client can and cannot make the real production server believe (server.ts + lib/http/edge.ts in front
 * of Next.js): its IP, its scheme, a cross-site or malformed server-action request.
 */
import { readFileSync } from "node:fs";
import { desc } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInAttempts } from "@/db/schema";
import { startAppWithDatabase, type AppProcess } from "@/lib/testing/app-process";
import type { Db } from "@/db/client";

/** One failed sign-in through Auth.js's own endpoint (CSRF token and cookie included), with extra headers. */
async function failSignIn(url: string, headers: Record<string, string>) {
  const csrf = await fetch(`${url}/api/auth/csrf`, { headers });
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const response = await fetch(`${url}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { ...headers, cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email: "nobody@example.test", password: "wrong password", csrfToken }),
  });
  expect(response.status).toBeLessThan(500);
}

async function lastRecordedIp(db: Db) {
  const [row] = await db.select().from(signInAttempts).orderBy(desc(signInAttempts.id)).limit(1);
  return row?.ip;
}

/** A real action id from the build, so only the request's shape decides the answer. */
function someActionId(): string {
  const manifest = readFileSync(".next/server/server-reference-manifest.json", "utf8");
  return /"([0-9a-f]{40,42})"/.exec(manifest)![1]!;
}

describe("the production server with no trusted proxy", () => {
  let app: AppProcess & { db: Db };
  beforeAll(async () => {
    app = await startAppWithDatabase();
  });
  afterAll(() => app?.stop());

  it("records the socket's address, not a forged X-Forwarded-For", async () => {
    await failSignIn(app.url, { "x-forwarded-for": "6.6.6.6" });
    expect(await lastRecordedIp(app.db)).toBe("127.0.0.1");
  });

  it("logs a failed sign-in as one line with the IP and the reason, and no stack trace", async () => {
    const before = app.lines.length;
    await failSignIn(app.url, {});
    await new Promise((r) => setTimeout(r, 200));
    const printed = app.lines.slice(before);
    const failures = printed.filter((line) => line.includes("sign-in failed"));
    expect(failures).toHaveLength(1);
    const entry = JSON.parse(failures[0]!) as { signIn: Record<string, string> };
    expect(entry.signIn).toMatchObject({ ip: "127.0.0.1", reason: "unknown-account", emailSha256: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(JSON.stringify(entry)).not.toContain("nobody@example.test");
    expect(printed.filter((line) => /^\s+at /.test(line) || line.includes("CredentialsSignin"))).toEqual([]);
  });

  it("sends a Permissions-Policy everywhere and HSTS only over https, which a client cannot claim", async () => {
    const page = await fetch(`${app.url}/sign-in`, { headers: { "x-forwarded-proto": "https" } });
    expect(page.headers.get("permissions-policy")).toContain("camera=()");
    expect(page.headers.get("strict-transport-security")).toBeNull();
    const api = await fetch(`${app.url}/api/auth/csrf`);
    expect(api.headers.get("permissions-policy")).toContain("geolocation=()");
  });

  it("answers a cross-site or malformed server action with a 4xx, never a 500", async () => {
    const action = someActionId();
    const post = (headers: Record<string, string>, body: string) =>
      fetch(`${app.url}/sign-in`, { method: "POST", headers: { "next-action": action, "content-type": "text/plain;charset=UTF-8", ...headers }, body });
    expect((await post({ origin: "https://evil.example" }, "[]")).status).toBe(403);
    expect((await post({ origin: "https://evil.example", "x-forwarded-host": "evil.example" }, "[]")).status).toBe(403);
    expect((await post({ origin: app.url, "next-action": "not-an-action" }, "[]")).status).toBe(400);
    expect((await post({ origin: app.url }, "{{{")).status).toBe(400);
    expect((await post({ origin: app.url, "content-type": "multipart/form-data; boundary=x" }, "garbage")).status).toBe(400);
    expect((await post({ origin: app.url, "content-type": "application/json" }, "[]")).status).toBe(400);
    // A well-formed request still reaches the action.
    expect((await post({ origin: app.url }, "[]")).status).toBeLessThan(500);
  });
});

describe("the production server behind one trusted proxy", () => {
  let app: AppProcess & { db: Db };
  beforeAll(async () => {
    app = await startAppWithDatabase({ TRUSTED_PROXY_HOPS: "1" });
  });
  afterAll(() => app?.stop());

  it("records the address the proxy appended, not what the client put in front of it", async () => {
    await failSignIn(app.url, { "x-forwarded-for": "6.6.6.6, 203.0.113.7" });
    expect(await lastRecordedIp(app.db)).toBe("203.0.113.7");
  });

  it("sends HSTS when the proxy says the request came over https", async () => {
    const response = await fetch(`${app.url}/sign-in`, { headers: { "x-forwarded-for": "203.0.113.7", "x-forwarded-proto": "https" } });
    expect(response.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
  });
});
