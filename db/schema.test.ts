import { readdirSync } from "node:fs";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { testEngines, useTestDb } from "@/lib/testing/db";
import { makeCourse, makeUser } from "@/lib/testing/fixtures";
import { queryRows } from "./client";
import { migrateDatabase, migrationsFolder } from "./migrate";
import { cartItems, carts, courses, orders, paymentEvents, users } from "./schema";
import { DEMO_ACCOUNTS, DEMO_COURSES, DEMO_SUBSCRIPTIONS, seedDemo } from "./seed";

/** Drizzle wraps driver errors ("Failed query: …"); the database's own message is the cause. */
const dbError = (message: RegExp) => ({ cause: expect.objectContaining({ message: expect.stringMatching(message) }) });

for (const engine of testEngines()) {
  describe(`data model on ${engine}`, () => {
    const t = useTestDb(engine);

    it("re-running migrations is a no-op", async () => {
      await migrateDatabase(t.handle);
      await migrateDatabase(t.handle);
      const [row] = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
      const files = readdirSync(migrationsFolder).filter((f) => f.endsWith(".sql"));
      expect(row?.n).toBe(files.length);
    });

    it("seeds the demo catalog and accounts once", async () => {
      const first = await seedDemo(t.db);
      const second = await seedDemo(t.db);
      expect(first.coursesCreated).toBe(DEMO_COURSES.length);
      expect(first.subscriptionProductsCreated).toBe(DEMO_SUBSCRIPTIONS.length);
      expect(first.accountsCreated.map((a) => a.email)).toEqual(DEMO_ACCOUNTS.map((a) => a.email));
      expect(first.accountsCreated.every((a) => a.password.length >= 12)).toBe(true);
      expect(first.lmsConnectionCreated).toBe(true);
      expect(second).toEqual({ coursesCreated: 0, subscriptionProductsCreated: 0, accountsCreated: [], lmsConnectionCreated: false });
      const [admin] = await t.db.select().from(users).where(eq(users.email, "admin@coursepay.test"));
      expect(admin?.role).toBe("admin");
    });

    it("stores money as integers and refuses negative prices and bad currencies", async () => {
      const course = await makeCourse(t.db, { priceMinor: 9_007_199_254_740_991 });
      expect(course.priceMinor).toBe(9_007_199_254_740_991);
      await expect(makeCourse(t.db, { priceMinor: -1 })).rejects.toThrow();
      await expect(makeCourse(t.db, { currency: "usd" })).rejects.toThrow();
      await expect(makeCourse(t.db, { slug: "Not A Slug" })).rejects.toThrow();
    });

    it("keeps slugs unique and a course at most once per cart", async () => {
      const course = await makeCourse(t.db);
      await expect(makeCourse(t.db, { slug: course.slug })).rejects.toThrow();
      const user = await makeUser(t.db);
      const [cart] = await t.db.insert(carts).values({ userId: user.id }).returning();
      await t.db.insert(cartItems).values({ cartId: cart!.id, courseId: course.id });
      await expect(t.db.insert(cartItems).values({ cartId: cart!.id, courseId: course.id })).rejects.toThrow();
    });

    it("keeps provider order ids unique, and allows many orders without one yet", async () => {
      const user = await makeUser(t.db);
      const base = { userId: user.id, currency: "USD", totalMinor: 4900, provider: "paypal" as const };
      await t.db.insert(orders).values([base, base]);
      await t.db.insert(orders).values({ ...base, providerOrderId: "5O190127TN364715T" });
      await expect(t.db.insert(orders).values({ ...base, providerOrderId: "5O190127TN364715T" })).rejects.toThrow();
      await expect(t.db.insert(orders).values({ ...base, totalMinor: 0 })).rejects.toThrow();
    });

    it("keeps payment events append-only: no deletes, no rewritten payloads", async () => {
      const [event] = await t.db
        .insert(paymentEvents)
        .values({ provider: "paypal", source: "webhook", type: "PAYMENT.CAPTURE.COMPLETED", dedupeKey: "WH-1", raw: { a: 1 }, verified: true })
        .returning();
      await t.db.update(paymentEvents).set({ processedAt: new Date(), outcome: "completed" }).where(eq(paymentEvents.id, event!.id));
      await expect(t.db.update(paymentEvents).set({ raw: { a: 2 } }).where(eq(paymentEvents.id, event!.id))).rejects.toMatchObject(dbError(/append-only/));
      await expect(t.db.delete(paymentEvents).where(eq(paymentEvents.id, event!.id))).rejects.toMatchObject(dbError(/append-only/));
      await expect(
        t.db.insert(paymentEvents).values({ provider: "paypal", source: "webhook", type: "X", dedupeKey: "WH-1", raw: {} }),
      ).rejects.toThrow();
      const [kept] = await t.db.select().from(paymentEvents).where(eq(paymentEvents.id, event!.id));
      expect(kept).toMatchObject({ raw: { a: 1 }, outcome: "completed" });
    });

    it("finds courses by published flag", async () => {
      const hidden = await makeCourse(t.db, { published: false });
      const [row] = await t.db.select().from(courses).where(eq(courses.id, hidden.id));
      expect(row?.published).toBe(false);
    });
  });
}
