/** The catalog's search, filters, sort and pages, done by PostgreSQL on both engines. */
import { beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { courses } from "@/db/schema";
import { testEngines, useTestDb } from "@/lib/testing/db";
import { makeCourse } from "@/lib/testing/fixtures";
import { CATALOG_PAGE_SIZE, parseCatalogFilter, prefixQuery, searchCatalog } from ".";

for (const engine of testEngines()) {
  describe(`the catalog on ${engine}`, () => {
    const t = useTestDb(engine);
    const tag = crypto.randomUUID().slice(0, 6);
    beforeAll(async () => {
      await makeCourse(t.db, { title: `Accepting Payments ${tag}`, subtitle: "Cards, wallets and bank transfers", topic: `Payments ${tag}`, level: "beginner", priceMinor: 0, currency: "USD", instructorName: "Amara Okafor" });
      await makeCourse(t.db, { title: `Refund Flows ${tag}`, subtitle: "Money going back", topic: `Payments ${tag}`, level: "advanced", priceMinor: 4900, currency: "USD", instructorName: "Jonas Weber" });
      await makeCourse(t.db, { title: `Indexes in Depth ${tag}`, subtitle: "B-trees, GIN and plans", topic: `Databases ${tag}`, level: "intermediate", priceMinor: 3900, currency: "EUR", instructorName: "Mei Tanaka" });
      await makeCourse(t.db, { title: `Hidden Draft ${tag}`, subtitle: "payments draft", topic: `Payments ${tag}`, published: false, priceMinor: 100, currency: "USD" });
    });
    const titles = async (params: Record<string, string>) => (await searchCatalog(t.db, parseCatalogFilter(params))).courses.map((c) => c.title.replace(` ${tag}`, ""));

    it("finds courses by words of the title, subtitle or instructor, while a word is still being typed; drafts never", async () => {
      // The topic is searched too: both payment courses, the one with "Payments" in its title ranked first.
      expect(await titles({ q: `paym ${tag}` })).toEqual(["Accepting Payments", "Refund Flows"]);
      expect(await titles({ q: `refund ${tag}` })).toEqual(["Refund Flows"]);
      expect(await titles({ q: `wallets ${tag}` })).toEqual(["Accepting Payments"]);
      expect(await titles({ q: `tanaka ${tag}` })).toEqual(["Indexes in Depth"]);
      expect(await titles({ q: `nothing-like-this ${tag}` })).toEqual([]);
      // Whatever is typed, nothing reaches to_tsquery's syntax.
      for (const q of ["'&|!:*()", "\\\\", "a & | b", "<-> !x", "😀", "   "]) await expect(searchCatalog(t.db, parseCatalogFilter({ q }))).resolves.toBeDefined();
    });

    it("filters by price, level, currency and topic, and sorts, all from the URL's parameters", async () => {
      expect(await titles({ topic: `Payments ${tag}` })).toEqual(["Accepting Payments", "Refund Flows"]);
      expect(await titles({ topic: `Payments ${tag}`, price: "free" })).toEqual(["Accepting Payments"]);
      expect(await titles({ topic: `Payments ${tag}`, price: "paid" })).toEqual(["Refund Flows"]);
      expect(await titles({ q: tag, level: "intermediate" })).toEqual(["Indexes in Depth"]);
      expect(await titles({ q: tag, currency: "EUR" })).toEqual(["Indexes in Depth"]);
      expect(await titles({ q: tag, sort: "price_desc" })).toEqual(["Refund Flows", "Indexes in Depth", "Accepting Payments"]);
      expect(await titles({ q: tag, sort: "price_asc" })).toEqual(["Accepting Payments", "Indexes in Depth", "Refund Flows"]);
      // Unknown or malformed parameters are ignored, not errors.
      expect(parseCatalogFilter({ level: "expert", currency: "XXX", sort: "random", page: "-3", price: ["free", "paid"] })).toEqual({ price: "free" });
    });

    it("pages through thousands of courses with the right totals", async () => {
      const bulk = `bulk${tag}`;
      const rows = Array.from({ length: 3000 }, (_, i) => ({
        slug: `${bulk}-${i}`,
        title: `${bulk} course ${String(i).padStart(4, "0")}`,
        summary: "A generated course.",
        body: "Body.",
        topic: bulk,
        level: (["beginner", "intermediate", "advanced"] as const)[i % 3],
        priceMinor: i % 4 === 0 ? 0 : 1000 + i,
        currency: "USD",
        published: true,
      }));
      for (let i = 0; i < rows.length; i += 500) await t.db.insert(courses).values(rows.slice(i, i + 500));
      const first = await searchCatalog(t.db, parseCatalogFilter({ topic: bulk }));
      expect(first).toMatchObject({ total: 3000, pages: Math.ceil(3000 / CATALOG_PAGE_SIZE), page: 1 });
      expect(first.courses).toHaveLength(CATALOG_PAGE_SIZE);
      const last = await searchCatalog(t.db, parseCatalogFilter({ topic: bulk, page: String(first.pages) }));
      expect(last.courses).toHaveLength(3000 - (first.pages - 1) * CATALOG_PAGE_SIZE);
      expect((await searchCatalog(t.db, parseCatalogFilter({ topic: bulk, price: "free", level: "beginner" }))).total).toBe(rows.filter((r) => r.priceMinor === 0 && r.level === "beginner").length);
      expect((await searchCatalog(t.db, parseCatalogFilter({ q: `${bulk} 0042` }))).courses.map((c) => c.title)).toEqual([`${bulk} course 0042`]);
      // The search's shape lets PostgreSQL find the words through the GIN index (at 3,000 courses reading them all is
      // still cheaper, so the planner is told not to, to see that it can; at larger catalogs it chooses the index).
      const plan = await t.db.transaction(async (tx) => {
        await tx.execute(sql`set local enable_seqscan = off`);
        return JSON.stringify(await tx.execute(sql`explain (format json) select id from courses where search @@ to_tsquery('english', ${prefixQuery("0042")})`));
      });
      expect(plan).toContain("courses_search_idx");
    });

    it("turns typed words into a safe prefix query", () => {
      expect(prefixQuery("Post ind")).toBe("post:* & ind:*");
      expect(prefixQuery("a&b|c:*!")).toBe("a:* & b:* & c:*");
      expect(prefixQuery("!!! ***")).toBeNull();
    });
  });
}
