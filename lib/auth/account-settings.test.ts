/** A student's own account on both engines: name, password, email confirmed by the new address, deletion. */
import { eq } from "drizzle-orm";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { carts, orders, outboxJobs, users } from "@/db/schema";
import { composeEmail, emailJobSchema } from "@/lib/email";
import { addToCart } from "@/lib/cart";
import { testEngines, useTestDb } from "@/lib/testing/db";
import { makeCourse } from "@/lib/testing/fixtures";
import { createAccount, findUserById, verifyCredentials } from "./accounts";
import { changeName, changePassword, confirmEmailChange, deleteAccount, requestEmailChange } from "./account-settings";

const original = process.env.AUTH_SECRET;
beforeAll(() => {
  process.env.AUTH_SECRET = "a-test-auth-secret-of-enough-length-000";
});
afterAll(() => {
  process.env.AUTH_SECRET = original;
});

for (const engine of testEngines()) {
  describe(`account settings on ${engine}`, () => {
    const t = useTestDb(engine);
    const PASSWORD = "a-long-enough-password";
    async function account(name = "Ada Learner") {
      const created = await createAccount(t.db, { name, email: `${crypto.randomUUID()}@example.test`, password: PASSWORD });
      if (!created.ok) throw new Error("not created");
      return created.user;
    }
    // Each check from its own address, so the sign-in throttle never decides the outcome.
    const signsIn = async (email: string, password: string) => (await verifyCredentials(t.db, { email, password, ip: `10.0.0.${Math.floor(Math.random() * 250) + 1}` })).ok;

    it("changes the name, and the password only with the current one", async () => {
      const user = await account();
      expect(await changeName(t.db, user.id, "Ada L.")).toMatchObject({ ok: true });
      expect((await findUserById(t.db, user.id))!.name).toBe("Ada L.");
      expect(await changePassword(t.db, user.id, "wrong-password-here", "another-long-password")).toMatchObject({ ok: false, fieldErrors: { currentPassword: expect.any(Array) } });
      expect(await changePassword(t.db, user.id, PASSWORD, "another-long-password")).toMatchObject({ ok: true });
      expect(await signsIn(user.email, "another-long-password")).toBe(true);
      expect(await signsIn(user.email, PASSWORD)).toBe(false);
    });

    it("moves the email only when the link sent to the new address is opened; forged, expired or taken addresses change nothing", async () => {
      const user = await account();
      const other = await account();
      const newEmail = `new-${crypto.randomUUID()}@example.test`;
      expect(await requestEmailChange(t.db, user.id, other.email, PASSWORD)).toMatchObject({ ok: false, fieldErrors: { email: ["Another account uses this email address."] } });
      expect(await requestEmailChange(t.db, user.id, newEmail, "wrong-password-here")).toMatchObject({ ok: false });
      expect(await requestEmailChange(t.db, user.id, newEmail, PASSWORD)).toMatchObject({ ok: true });
      expect((await findUserById(t.db, user.id))!.email).toBe(user.email); // not yet
      const [job] = await t.db.select().from(outboxJobs).where(eq(outboxJobs.kind, "email.send")).orderBy(outboxJobs.id);
      const email = await composeEmail(t.db, emailJobSchema.parse(job!.payload));
      expect(email!.to).toBe(newEmail);
      const token = decodeURIComponent(email!.text.match(/token=([^\s\])]+)/)![1]!);

      const forged = await new SignJWT({ email: "attacker@example.test" }).setProtectedHeader({ alg: "HS256" }).setSubject(user.id).setAudience("coursepay:email-change").setExpirationTime("1h").sign(new TextEncoder().encode("not-the-key"));
      expect(await confirmEmailChange(t.db, forged)).toMatchObject({ ok: false });
      expect(await confirmEmailChange(t.db, `${token}x`)).toMatchObject({ ok: false });
      expect(await confirmEmailChange(t.db, token)).toMatchObject({ ok: true });
      expect((await findUserById(t.db, user.id))!.email).toBe(newEmail);
      expect(await signsIn(newEmail, PASSWORD)).toBe(true);
    });

    it("deletes an account: no more sign-in or session, cart gone, orders kept and anonymised", async () => {
      const user = await account("Grace Deleted");
      const course = await makeCourse(t.db, { priceMinor: 900, currency: "USD" });
      await addToCart(t.db, user.id, course.id);
      const [order] = await t.db.insert(orders).values({ userId: user.id, status: "completed", currency: "USD", totalMinor: 900, provider: "paypal" }).returning();
      expect(await deleteAccount(t.db, user.id, "wrong-password-here")).toMatchObject({ ok: false });
      expect(await deleteAccount(t.db, user.id, PASSWORD)).toMatchObject({ ok: true });
      expect(await findUserById(t.db, user.id)).toBeNull();
      expect(await signsIn(user.email, PASSWORD)).toBe(false);
      const [row] = await t.db.select().from(users).where(eq(users.id, user.id));
      expect(row).toMatchObject({ name: "Deleted account", passwordHash: null, email: `deleted-${user.id}@deleted.invalid` });
      expect(JSON.stringify(row)).not.toContain("Grace");
      expect(await t.db.select().from(carts).where(eq(carts.userId, user.id))).toEqual([]);
      expect(await t.db.select().from(orders).where(eq(orders.id, order!.id))).toHaveLength(1);
      // The address is free for a new account.
      expect((await createAccount(t.db, { name: "Grace Again", email: user.email, password: PASSWORD })).ok).toBe(true);
    });
  });
}
