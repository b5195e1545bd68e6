/** A visitor's cart: a signed cookie of course ids, shown with database prices, merged into the account on sign-in. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { courses, enrollments } from "@/db/schema";
import { testEngines, useTestDb } from "@/lib/testing/db";
import { makeCourse, makeUser } from "@/lib/testing/fixtures";
import { addToCart, getCart } from "./index";
import { courseTitlesOf, guestCanAdd, guestCart, guestCartCookie, mergeGuestCart, readGuestCart } from "./guest";

const original = process.env.AUTH_SECRET;
beforeAll(() => {
  process.env.AUTH_SECRET = "a-test-auth-secret-of-enough-length-000";
});
afterAll(() => {
  process.env.AUTH_SECRET = original;
});

describe("the guest cart cookie", () => {
  it("round-trips the course ids it signed and ignores anything it did not", () => {
    const ids = [crypto.randomUUID(), crypto.randomUUID()];
    const { value, httpOnly, sameSite } = guestCartCookie(ids, false);
    expect({ httpOnly, sameSite }).toEqual({ httpOnly: true, sameSite: "lax" });
    expect(readGuestCart(value)).toEqual(ids);
    const [payload, mac] = value.split(".");
    const forged = Buffer.from(JSON.stringify([...ids, crypto.randomUUID()])).toString("base64url");
    expect(readGuestCart(`${forged}.${mac}`)).toEqual([]);
    expect(readGuestCart(payload)).toEqual([]);
    expect(readGuestCart("garbage")).toEqual([]);
    expect(readGuestCart(guestCartCookie(["not-a-uuid", ids[0]!, ids[0]!], false).value)).toEqual([ids[0]]);
  });
});

for (const engine of testEngines()) {
  describe(`a visitor's cart on ${engine}`, () => {
    const t = useTestDb(engine);

    it("holds published paid courses at their database price, and refuses free or hidden ones", async () => {
      const paid = await makeCourse(t.db, { priceMinor: 4900, currency: "USD" });
      const yen = await makeCourse(t.db, { priceMinor: 4800, currency: "JPY" });
      const free = await makeCourse(t.db, { priceMinor: 0 });
      const hidden = await makeCourse(t.db, { priceMinor: 900, published: false });
      expect(await guestCanAdd(t.db, [], paid.id)).toEqual({ ok: true });
      expect(await guestCanAdd(t.db, [], free.id)).toMatchObject({ ok: false });
      expect(await guestCanAdd(t.db, [], hidden.id)).toMatchObject({ ok: false });
      expect(await guestCanAdd(t.db, [], crypto.randomUUID())).toMatchObject({ ok: false });
      const cart = await guestCart(t.db, [paid.id, hidden.id, yen.id]);
      expect(cart.lines.map((l) => l.courseId)).toEqual([paid.id, yen.id]);
      expect(cart.totals.map((m) => [m.currency, m.minor]).sort()).toEqual([["JPY", 4800], ["USD", 4900]]);
    });

    it("merges into the account's cart on sign-in: no duplicates, owned courses left out and named", async () => {
      const user = await makeUser(t.db);
      const [a, b, owned, gone] = await Promise.all([1000, 2000, 3000, 4000].map((priceMinor) => makeCourse(t.db, { priceMinor, currency: "USD" })));
      await addToCart(t.db, user.id, a!.id); // already in the account's cart
      await t.db.insert(enrollments).values({ userId: user.id, courseId: owned!.id, mode: "full", source: "admin" });
      await t.db.update(courses).set({ published: false }).where(eq(courses.id, gone!.id));
      const merged = await mergeGuestCart(t.db, user.id, [a!.id, b!.id, owned!.id, gone!.id]);
      expect(merged.added).toBe(2);
      expect(merged.leftOut.sort()).toEqual([owned!.id, gone!.id].sort());
      expect((await getCart(t.db, user.id)).lines.map((l) => l.courseId).sort()).toEqual([a!.id, b!.id].sort());
      expect(await courseTitlesOf(t.db, [owned!.id, "not-an-id"])).toEqual([owned!.title]);
    });
  });
}
