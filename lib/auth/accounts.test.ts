import { describe, expect, it } from "vitest";
import { signInAttempts } from "@/db/schema";
import { testEngines, useTestDb } from "@/lib/testing/db";
import { createAccount, signInRetryAfter, verifyCredentials } from "./accounts";
import { THROTTLE } from "./throttle";
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

    const at = (base: Date, seconds: number) => new Date(base.getTime() + seconds * 1000);
    const attempt = (email: string, password: string, ip: string, now: Date) => verifyCredentials(t.db, { email, password, ip }, now);
    let ipCounter = 0;
    const freshIp = () => `198.51.${100 + Math.floor(ipCounter / 250)}.${(ipCounter++ % 250) + 1}`;

    it("backs off one account from one IP, doubling the wait, and a success resets it", async () => {
      const user = await account();
      const ip = freshIp();
      const now = new Date();
      for (let i = 0; i < THROTTLE.pairFreeFailures; i++) expect(await attempt(user.email, "wrong", ip, now)).toMatchObject({ reason: "invalid" });
      // The next try must wait the base delay, then twice that after another failure.
      expect(await attempt(user.email, user.password, ip, now)).toMatchObject({ reason: "rate_limited", retryAfterSeconds: THROTTLE.pairBaseDelaySeconds });
      const later = at(now, THROTTLE.pairBaseDelaySeconds);
      expect(await attempt(user.email, "wrong", ip, later)).toMatchObject({ reason: "invalid" });
      expect(await attempt(user.email, user.password, ip, later)).toMatchObject({ reason: "rate_limited", retryAfterSeconds: 2 * THROTTLE.pairBaseDelaySeconds });
      const after = at(later, 2 * THROTTLE.pairBaseDelaySeconds);
      expect(await attempt(user.email, user.password, ip, after)).toMatchObject({ ok: true });
      expect(await attempt(user.email, "wrong", ip, after)).toMatchObject({ reason: "invalid" }); // reset by the success
    });

    it("cannot be used to lock the owner out: the admin signs in from a clean IP during an attack", async () => {
      const admin = await createAccount(t.db, { name: "Admin", email: newEmail(), password: "the admin's password" }, "admin");
      if (!admin.ok) throw new Error("admin not created");
      const now = new Date();
      // An attacker fails 50 times from many IPs over a few minutes.
      for (let i = 0; i < 50; i++) await attempt(admin.user.email, `guess ${i}`, freshIp(), at(now, i));
      const owner = await attempt(admin.user.email, "the admin's password", freshIp(), at(now, 51));
      expect(owner).toMatchObject({ ok: true, user: { role: "admin" } });
    });

    it("slows an account under attack for IPs that have failed, while its known IP still gets in", async () => {
      const user = await account();
      const now = new Date();
      const home = freshIp();
      expect(await attempt(user.email, user.password, home, now)).toMatchObject({ ok: true });
      expect(await attempt(user.email, "typo", home, at(now, 1))).toMatchObject({ reason: "invalid" }); // the owner mistypes once
      for (let i = 0; i < THROTTLE.accountFailures; i++) await attempt(user.email, `guess ${i}`, freshIp(), at(now, 2));
      const dirty = freshIp();
      await attempt(`someone-else-${dirty}@example.test`, "x", dirty, at(now, 2)); // this IP failed elsewhere
      expect(await attempt(user.email, user.password, dirty, at(now, 3))).toMatchObject({ reason: "rate_limited", retryAfterSeconds: THROTTLE.accountDelaySeconds - 1 });
      expect(await attempt(user.email, user.password, home, at(now, 3))).toMatchObject({ ok: true });
      expect(await attempt(user.email, user.password, dirty, at(now, 2 + THROTTLE.accountDelaySeconds))).toMatchObject({ ok: true });
    });

    it("gives one IP a budget of failures across all accounts", async () => {
      const ip = freshIp();
      const now = new Date();
      for (let i = 0; i < THROTTLE.ipFailures; i++) await attempt(newEmail(), "guess", ip, now);
      const victim = await account();
      expect(await attempt(victim.email, victim.password, ip, at(now, 1))).toMatchObject({ reason: "rate_limited" });
      expect(await attempt(victim.email, victim.password, freshIp(), at(now, 1))).toMatchObject({ ok: true });
      expect(await attempt(victim.email, victim.password, ip, at(now, THROTTLE.windowMinutes * 60 + 1))).toMatchObject({ ok: true });
    });

    it("counts parallel guesses before any of them is checked, so a burst cannot slip past the back-off", async () => {
      const user = await account();
      const ip = freshIp();
      const now = new Date();
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => attempt(user.email, `burst ${i}`, ip, now)));
      expect(results.filter((r) => !r.ok && r.reason === "invalid")).toHaveLength(THROTTLE.pairFreeFailures);
      expect(results.filter((r) => !r.ok && r.reason === "rate_limited")).toHaveLength(10 - THROTTLE.pairFreeFailures);
    });

    it("does not record refused attempts, so waiting out the limit is enough", async () => {
      const user = await account();
      const ip = freshIp();
      const now = new Date();
      for (let i = 0; i < THROTTLE.pairFreeFailures; i++) await attempt(user.email, "x", ip, now);
      const before = (await t.db.select().from(signInAttempts)).length;
      expect(await attempt(user.email, "x", ip, now)).toMatchObject({ reason: "rate_limited" });
      expect((await t.db.select().from(signInAttempts)).length).toBe(before);
      expect(await signInRetryAfter(t.db, user.email, ip, now)).toBe(THROTTLE.pairBaseDelaySeconds);
    });
  });
}
