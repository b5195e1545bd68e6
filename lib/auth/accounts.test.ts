import { describe, expect, it } from "vitest";
import { signInAttempts } from "@/db/schema";
import { testEngines, useTestDb } from "@/lib/testing/db";
import { createAccount, SIGN_IN_LIMITS, verifyCredentials } from "./accounts";
import { signUpSchema } from "./schemas";

let n = 0;
const newEmail = () => `person-${Date.now()}-${n++}@example.test`;

for (const engine of testEngines()) {
  describe(`accounts on ${engine}`, () => {
    const t = useTestDb(engine);

    async function account(email = newEmail(), password = "correct horse battery") {
      const created = await createAccount(t.db, { name: "Pat", email, password });
      if (!created.ok) throw new Error("account not created");
      return { ...created.user, password };
    }

    it("signs in with the right password and never stores it in clear", async () => {
      const user = await account();
      const result = await verifyCredentials(t.db, { email: user.email, password: user.password, ip: "203.0.113.1" });
      expect(result).toMatchObject({ ok: true, user: { id: user.id, role: "student" } });
      const stored = await t.db.query.users.findFirst({ where: (u, { eq }) => eq(u.id, user.id) });
      expect(stored?.passwordHash).toMatch(/^\$argon2id\$/);
      expect(stored?.passwordHash).not.toContain(user.password);
    });

    it("refuses a wrong password and an unknown email alike", async () => {
      const user = await account();
      expect(await verifyCredentials(t.db, { email: user.email, password: "nope", ip: "203.0.113.2" })).toEqual({ ok: false, reason: "invalid" });
      expect(await verifyCredentials(t.db, { email: newEmail(), password: "nope", ip: "203.0.113.2" })).toEqual({ ok: false, reason: "invalid" });
    });

    it("keeps emails unique regardless of case, also under concurrent sign-ups", async () => {
      const email = newEmail();
      const input = signUpSchema.parse({ name: "Pat", email: email.toUpperCase(), password: "long enough password" });
      const results = await Promise.all([createAccount(t.db, input), createAccount(t.db, { ...input, email })]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.find((r) => !r.ok)).toMatchObject({ fieldErrors: { email: [expect.stringMatching(/already exists/)] } });
    });

    it("rate-limits an email after repeated failures, even with the right password, then lifts the limit", async () => {
      const user = await account();
      const now = new Date();
      for (let i = 0; i < SIGN_IN_LIMITS.perEmail; i++) {
        await verifyCredentials(t.db, { email: user.email, password: "wrong", ip: `198.51.100.${i}` }, now);
      }
      const limited = await verifyCredentials(t.db, { email: user.email, password: user.password, ip: "198.51.100.200" }, now);
      expect(limited).toMatchObject({ ok: false, reason: "rate_limited" });
      if (!limited.ok && limited.reason === "rate_limited") {
        expect(limited.retryAfterSeconds).toBeGreaterThan(0);
        expect(limited.retryAfterSeconds).toBeLessThanOrEqual(SIGN_IN_LIMITS.windowMinutes * 60);
      }
      const later = new Date(now.getTime() + (SIGN_IN_LIMITS.windowMinutes * 60 + 1) * 1000);
      expect(await verifyCredentials(t.db, { email: user.email, password: user.password, ip: "198.51.100.200" }, later)).toMatchObject({ ok: true });
    });

    it("rate-limits one IP trying many emails", async () => {
      const ip = `192.0.2.${Math.floor(Math.random() * 250)}`;
      const now = new Date();
      for (let i = 0; i < SIGN_IN_LIMITS.perIp; i++) {
        await verifyCredentials(t.db, { email: newEmail(), password: "guess", ip }, now);
      }
      const victim = await account();
      expect(await verifyCredentials(t.db, { email: victim.email, password: victim.password, ip }, now)).toMatchObject({ reason: "rate_limited" });
      // The same person from another network is not affected.
      expect(await verifyCredentials(t.db, { email: victim.email, password: victim.password, ip: "203.0.113.77" }, now)).toMatchObject({ ok: true });
    });

    it("does not record refused attempts, so waiting out the limit is enough", async () => {
      const user = await account();
      const now = new Date();
      for (let i = 0; i < SIGN_IN_LIMITS.perEmail; i++) await verifyCredentials(t.db, { email: user.email, password: "x", ip: "10.0.0.1" }, now);
      const before = (await t.db.select().from(signInAttempts)).length;
      await verifyCredentials(t.db, { email: user.email, password: "x", ip: "10.0.0.1" }, now);
      expect((await t.db.select().from(signInAttempts)).length).toBe(before);
    });
  });
}

describe("sign-up input", () => {
  it("normalises emails and explains what is wrong", () => {
    expect(signUpSchema.parse({ name: " Pat ", email: " Pat@Example.TEST ", password: "0123456789" })).toEqual({
      name: "Pat",
      email: "pat@example.test",
      password: "0123456789",
    });
    const result = signUpSchema.safeParse({ name: "", email: "not-an-email", password: "short" });
    expect(result.success).toBe(false);
    const fields = result.error?.issues.map((i) => i.path[0]);
    expect(fields).toEqual(expect.arrayContaining(["name", "email", "password"]));
  });
});
