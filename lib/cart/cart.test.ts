import { describe, expect, it } from "vitest";
import { testEngines, useTestDb } from "@/lib/testing/db";
import { makeCourse, makeUser } from "@/lib/testing/fixtures";
import { enroll, grantEnrollment } from "@/lib/enrollment";
import { money } from "@/lib/money";
import { addToCart, cartCount, getCart, removeFromCart } from "./index";

for (const engine of testEngines()) {
  describe(`cart on ${engine}`, () => {
    const t = useTestDb(engine);

    it("holds a course at most once, even when added concurrently", async () => {
      const [user, course] = await Promise.all([makeUser(t.db), makeCourse(t.db)]);
      const results = await Promise.all(Array.from({ length: 4 }, () => addToCart(t.db, user.id, course.id)));
      expect(results.every((r) => r.ok)).toBe(true);
      expect(await cartCount(t.db, user.id)).toBe(1);
    });

    it("totals per currency", async () => {
      const user = await makeUser(t.db);
      const courses = await Promise.all([
        makeCourse(t.db, { priceMinor: 4900, currency: "USD" }),
        makeCourse(t.db, { priceMinor: 2900, currency: "USD" }),
        makeCourse(t.db, { priceMinor: 3900, currency: "EUR" }),
        makeCourse(t.db, { priceMinor: 4800, currency: "JPY" }),
      ]);
      for (const c of courses) await addToCart(t.db, user.id, c.id);
      const cart = await getCart(t.db, user.id);
      expect(cart.lines).toHaveLength(4);
      expect(cart.totals).toEqual([money(7800, "USD"), money(3900, "EUR"), money(4800, "JPY")]);
    });

    it("refuses free, unpublished and already-owned courses, and changes nothing", async () => {
      const user = await makeUser(t.db);
      const free = await makeCourse(t.db, { priceMinor: 0 });
      const hidden = await makeCourse(t.db, { published: false });
      const owned = await makeCourse(t.db);
      await grantEnrollment(t.db, user.id, owned.id, { mode: "full", source: "admin" });
      expect(await addToCart(t.db, user.id, free.id)).toMatchObject({ ok: false, message: expect.stringMatching(/free/) });
      expect(await addToCart(t.db, user.id, hidden.id)).toMatchObject({ ok: false });
      expect(await addToCart(t.db, user.id, owned.id)).toMatchObject({ ok: false, message: "You already own this course." });
      expect(await cartCount(t.db, user.id)).toBe(0);
    });

    it("lets an auditor put the course in the cart to upgrade", async () => {
      const [user, course] = await Promise.all([makeUser(t.db), makeCourse(t.db, { auditable: true })]);
      await enroll(t.db, user.id, course.id, "audit");
      expect(await addToCart(t.db, user.id, course.id)).toEqual({ ok: true });
    });

    it("removes items, and removing twice is harmless", async () => {
      const [user, course] = await Promise.all([makeUser(t.db), makeCourse(t.db)]);
      await addToCart(t.db, user.id, course.id);
      await removeFromCart(t.db, user.id, course.id);
      await removeFromCart(t.db, user.id, course.id);
      expect((await getCart(t.db, user.id)).lines).toEqual([]);
    });

    it("keeps carts apart", async () => {
      const [alice, bob, course] = await Promise.all([makeUser(t.db), makeUser(t.db), makeCourse(t.db)]);
      await addToCart(t.db, alice.id, course.id);
      await removeFromCart(t.db, bob.id, course.id);
      expect(await cartCount(t.db, alice.id)).toBe(1);
      expect(await cartCount(t.db, bob.id)).toBe(0);
    });
  });
}
