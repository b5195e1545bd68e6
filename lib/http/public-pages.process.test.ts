/**
 * The catalog and a course page as the production server sends them (server.ts + lib/http/public-pages.ts):
 * cacheable for a visitor with a policy of script hashes, per request (no-store, a nonce) for anyone else.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppWithDatabase, type AppProcess } from "@/lib/testing/app-process";
import { makeCourse, makeUser } from "@/lib/testing/fixtures";
import { signInOverHttp } from "@/lib/testing/http-session";
import { hashPassword } from "@/lib/auth/password";
import { PUBLIC_CACHE_CONTROL } from "@/lib/http/public-pages";
import type { Db } from "@/db/client";

const scriptSources = (policy: string) => policy.split(";").find((d) => d.trim().startsWith("script-src"))!.trim().split(/\s+/);
/** Every inline script of a page, the way a browser hashes it for CSP. */
const inlineHashes = (html: string) =>
  [...html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)].map(([, text]) => `'sha256-${createHash("sha256").update(text!).digest("base64")}'`);

describe("public pages served to visitors", () => {
  let app: AppProcess & { db: Db };
  let slug: string;
  let student: string;
  beforeAll(async () => {
    app = await startAppWithDatabase();
    slug = (await makeCourse(app.db, { title: "Cacheable course" })).slug;
    await makeUser(app.db, { email: "cache@example.test", passwordHash: await hashPassword("cache-test-password") });
    student = await signInOverHttp(app.url, "cache@example.test", "cache-test-password");
  });
  afterAll(() => app?.stop());

  it.each([["the catalog", "/"], ["a course", "/course"]])("%s: cacheable, Vary: Cookie, every inline script allowed by its hash and no nonce", async (_, path) => {
    const response = await fetch(app.url + (path === "/course" ? `/courses/${slug}` : path));
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(html).toContain("Cacheable course");
    expect(response.headers.get("cache-control")).toBe(PUBLIC_CACHE_CONTROL);
    expect(response.headers.get("vary")).toMatch(/\bCookie\b/);
    expect(response.headers.get("set-cookie")).toBeNull();
    const sources = scriptSources(response.headers.get("content-security-policy")!);
    expect(sources.filter((s) => s.includes("nonce") || s.includes("unsafe") || s === "'strict-dynamic'")).toEqual([]);
    const hashes = inlineHashes(html);
    expect(hashes.length).toBeGreaterThan(0); // Next's RSC payload is inline
    for (const hash of hashes) expect(sources).toContain(hash);
    expect(html).not.toMatch(/\bnonce="/);
  });

  it("is sent gzip-compressed when asked, and answers its validator with 304", async () => {
    const first = await fetch(app.url + "/", { headers: { "accept-encoding": "gzip" } });
    expect(first.headers.get("content-encoding")).toBe("gzip");
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^W\/"/);
    const again = await fetch(app.url + "/", { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
  });

  it("is not cacheable for a signed-in student, a guest with a cart, or a client claiming the server's marker", async () => {
    const requests: Record<string, string>[] = [{ cookie: student }, { cookie: "coursepay_cart=anything" }, { "x-coursepay-public-page": "1", cookie: student }];
    for (const headers of requests) {
      const response = await fetch(`${app.url}/courses/${slug}`, { headers });
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toContain("no-store");
      expect(response.headers.get("etag")).toBeNull();
      expect(scriptSources(response.headers.get("content-security-policy")!)).toContain("'strict-dynamic'");
      expect(await response.text()).toMatch(/\bnonce="/);
    }
  });

  it("does not cache a missing course, and still covers its scripts", async () => {
    const response = await fetch(`${app.url}/courses/no-such-course`);
    expect(response.status).toBe(404);
    expect(response.headers.get("cache-control")).toContain("no-store");
    const sources = scriptSources(response.headers.get("content-security-policy")!);
    for (const hash of inlineHashes(await response.text())) expect(sources).toContain(hash);
  });
});
