import { and, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { adminAuditLog, settings } from "@/db/schema";
import { CURRENCIES } from "@/lib/money";
import { decryptSecret } from "@/lib/secrets";
import { testEngines } from "@/lib/testing/db";
import { makeUser } from "@/lib/testing/fixtures";
import { useStripe } from "@/lib/testing/stripe";
import { rotateSecrets } from "./rotation";
import {
  processStripeSettings,
  saveStripeSettings,
  STRIPE_SETTINGS_KEY,
  stripeSettingsInput,
  stripeSettingsView,
  StripeSettingsResolver,
  testStripeConnection,
} from "./stripe";

const TEST_KEYS = { testSecretKey: "sk_test_51AbCdEfGhIjKlMn0pQr7e1a", testWebhookSecret: "whsec_TestSigningSecret0042" };
const LIVE_KEYS = { liveSecretKey: "sk_live_51ZyXwVuTsRqPoNm9b2c", liveWebhookSecret: "whsec_LiveSigningSecret0077" };

/** What the browser sends: checked boxes as "on", every secret field (empty when left blank), currencies repeated. */
function form(fields: Record<string, unknown> = {}) {
  return { stripeEnabled: "on", stripeMode: "local", testSecretKey: "", testWebhookSecret: "", liveSecretKey: "", liveWebhookSecret: "", currencies: CURRENCIES, ...fields };
}
const input = (fields: Record<string, unknown> = {}) => stripeSettingsInput.parse(form(fields));

for (const engine of testEngines()) {
  describe(`Stripe settings on ${engine}`, () => {
    const h = useStripe(engine);

    beforeEach(async () => {
      await h.db.delete(settings);
      processStripeSettings.invalidate();
      // The environment of `npm run dev`: local mode, here on the harness's emulator.
      for (const name of ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_CURRENCIES", "STRIPE_ENV", "COURSEPAY_ENCRYPTION_KEY_PREVIOUS"]) vi.stubEnv(name, undefined);
      vi.stubEnv("STRIPE_EMULATOR_PORT", String(h.emulator.port));
    });
    afterEach(() => vi.unstubAllEnvs());

    const admin = () => makeUser(h.db, { role: "admin" });
    const rawRow = async () => (await h.db.select().from(settings).where(eq(settings.key, STRIPE_SETTINGS_KEY)))[0];
    const fresh = () => new StripeSettingsResolver(0).current(h.db);

    it("with nothing saved, development takes cards through the local emulator", async () => {
      expect(await fresh()).toEqual({
        enabled: true,
        env: { mode: "local", secretKey: "sk_test_coursepay_local", webhookSecret: "whsec_coursepay_local_signing_secret", api: { host: "127.0.0.1", port: h.emulator.port, protocol: "http" }, currencies: null },
      });
    });

    it("stores both keys encrypted, bound to their mode and purpose; the page sees their last four characters only", async () => {
      const { id } = await admin();
      expect(await saveStripeSettings(h.db, id, input({ stripeMode: "test", ...TEST_KEYS }))).toEqual({ ok: true, changed: ["mode", "test.secretKey", "test.webhookSecret"] });
      const row = await rawRow();
      expect(JSON.stringify(row)).not.toContain(TEST_KEYS.testSecretKey);
      expect(JSON.stringify(row)).not.toContain(TEST_KEYS.testWebhookSecret);
      const stored = (row!.value as { test: { secretKey: string; webhookSecret: string } }).test;
      expect(decryptSecret(stored.secretKey, "stripe.test.secret_key")).toBe(TEST_KEYS.testSecretKey);
      expect(() => decryptSecret(stored.secretKey, "stripe.live.secret_key")).toThrow();
      expect(() => decryptSecret(stored.webhookSecret, "stripe.test.secret_key")).toThrow();

      const view = await stripeSettingsView(h.db);
      expect(JSON.stringify(view)).not.toContain(TEST_KEYS.testSecretKey.slice(0, -4));
      expect(view.test).toEqual({ secretKey: { source: "settings", endsWith: "…7e1a" }, webhookSecret: { source: "settings", endsWith: "…0042" } });
      expect(view.live).toEqual({ secretKey: null, webhookSecret: null });
      expect(view.lastSaved?.by).toMatch(/@example\.test$/);

      const audited = await h.db.select().from(adminAuditLog).where(and(eq(adminAuditLog.actorId, id), eq(adminAuditLog.action, "settings.stripe.updated")));
      expect(audited.map((a) => a.details)).toEqual([{ changed: ["mode", "test.secretKey", "test.webhookSecret"] }]);
      expect(JSON.stringify(audited)).not.toContain("sk_test_51");
    });

    it("puts the saved mode and keys in force on every instance, and keeps a key when its field is left empty", async () => {
      const { id } = await admin();
      await saveStripeSettings(h.db, id, input({ stripeMode: "test", ...TEST_KEYS }));
      expect((await fresh()).env).toEqual({ mode: "test", secretKey: TEST_KEYS.testSecretKey, webhookSecret: TEST_KEYS.testWebhookSecret, api: null, currencies: null });
      expect(await saveStripeSettings(h.db, id, input({ stripeMode: "test", currencies: ["EUR", "USD"] }))).toEqual({ ok: true, changed: ["currencies"] });
      expect((await fresh()).env).toMatchObject({ secretKey: TEST_KEYS.testSecretKey, currencies: ["EUR", "USD"] });
    });

    it("turned off, buyers are no longer offered cards but Stripe's webhooks and refunds still have their keys", async () => {
      const { id } = await admin();
      await saveStripeSettings(h.db, id, input({ stripeEnabled: undefined }));
      const config = await fresh();
      expect(config.enabled).toBe(false);
      expect(config.env?.secretKey).toBe("sk_test_coursepay_local");
    });

    it("refuses keys of the wrong kind or mode, a missing key or signing secret, and the emulator's keys, saving nothing", async () => {
      const { id } = await admin();
      const wrongKind = stripeSettingsInput.safeParse(form({ testSecretKey: "pk_test_publishable", liveSecretKey: TEST_KEYS.testSecretKey, testWebhookSecret: "sk_test_x", liveWebhookSecret: " whsec_abc" }));
      expect(wrongKind.success).toBe(false);
      const errors = wrongKind.error!.flatten().fieldErrors as Record<string, string[]>;
      expect(errors.testSecretKey).toEqual(["A test-mode secret key starts with sk_test_ (or rk_test_ for a restricted key)."]);
      expect(errors.liveSecretKey).toEqual(["A live secret key starts with sk_live_ (or rk_live_ for a restricted key)."]);
      expect(errors.testWebhookSecret).toEqual(["A webhook signing secret starts with whsec_."]);
      expect(errors.liveWebhookSecret).toEqual(["The key has a space or line break in it. Copy it again without them."]);

      expect(await saveStripeSettings(h.db, id, input({ stripeMode: "live" }))).toEqual({
        ok: false,
        fieldErrors: {
          liveSecretKey: ["Enter the secret key of your Stripe account's live mode."],
          liveWebhookSecret: ["Enter the signing secret of your webhook endpoint: without it Stripe's notifications are refused and payments are only confirmed when the buyer returns."],
        },
      });
      expect(await saveStripeSettings(h.db, id, input({ stripeMode: "test", testSecretKey: "sk_test_coursepay_local", testWebhookSecret: TEST_KEYS.testWebhookSecret }))).toEqual({
        ok: false,
        fieldErrors: { testSecretKey: ["This is the local emulator's key, not one from your Stripe account."] },
      });
      expect(await rawRow()).toBeUndefined();
    });

    it("refuses the emulator on a production server unless STRIPE_ENV=local asks for it", async () => {
      const { id } = await admin();
      vi.stubEnv("NODE_ENV", "production");
      expect(await saveStripeSettings(h.db, id, input({ stripeMode: "local" }))).toMatchObject({ ok: false, fieldErrors: { stripeMode: ["The local Stripe emulator is only available in development."] } });
      expect((await stripeSettingsView(h.db)).modes).toEqual(["test", "live"]);
      expect((await fresh()).env).toBeNull(); // no key in production: no card payments, nothing pointed at an emulator
      await saveStripeSettings(h.db, id, input({ stripeMode: "live", ...LIVE_KEYS }));
      expect((await fresh()).env).toMatchObject({ mode: "live", secretKey: LIVE_KEYS.liveSecretKey, api: null });
    });

    it("a key saved in the environment serves its own mode only, and the page says where it comes from", async () => {
      vi.stubEnv("STRIPE_SECRET_KEY", "sk_test_FromTheEnvironment9911");
      vi.stubEnv("STRIPE_WEBHOOK_SECRET", "whsec_FromTheEnvironment5522");
      expect((await fresh()).env).toMatchObject({ mode: "test", secretKey: "sk_test_FromTheEnvironment9911" });
      const view = await stripeSettingsView(h.db);
      expect(view.test).toEqual({ secretKey: { source: "environment", endsWith: "…9911" }, webhookSecret: { source: "environment", endsWith: "…5522" } });
      expect(view.live).toEqual({ secretKey: null, webhookSecret: null });
    });

    it("removes the saved keys of a mode only when asked, and not while new ones are typed", async () => {
      const { id } = await admin();
      await saveStripeSettings(h.db, id, input({ ...TEST_KEYS }));
      expect(await saveStripeSettings(h.db, id, input({ testClear: "on", testSecretKey: TEST_KEYS.testSecretKey }))).toEqual({
        ok: false,
        fieldErrors: { testClear: ["Either type new keys or remove the saved ones, not both."] },
      });
      expect(await saveStripeSettings(h.db, id, input({ testClear: "on" }))).toEqual({ ok: true, changed: ["test.secretKey", "test.webhookSecret"] });
      expect((await stripeSettingsView(h.db)).test).toEqual({ secretKey: null, webhookSecret: null });
    });

    it("tests the keys typed in the form against Stripe: accepted, or refused in words, never echoing the key; each test audited", async () => {
      const { id } = await admin();
      expect(await testStripeConnection(h.db, id, input())).toEqual({ ok: true, message: "Connected: the local Stripe emulator accepted this secret key. (Testing does not save it.)" });
      vi.stubEnv("STRIPE_ENV", "local");
      vi.stubEnv("STRIPE_SECRET_KEY", "sk_test_not_the_right_key");
      const refused = await testStripeConnection(h.db, id, input());
      expect(refused).toMatchObject({ ok: false, message: expect.stringMatching(/^the local Stripe emulator refused this secret key \(401: Invalid API Key provided/) });
      expect(refused.message).not.toContain("not_the_right");
      expect(await testStripeConnection(h.db, id, input({ stripeMode: "live" }))).toMatchObject({ ok: false, message: "Please correct the highlighted fields first." });
      expect(await rawRow()).toBeUndefined();
      const audited = await h.db.select().from(adminAuditLog).where(and(eq(adminAuditLog.actorId, id), eq(adminAuditLog.action, "settings.stripe.tested")));
      expect(audited.map((a) => (a.details as { outcome: string }).outcome)).toEqual(["accepted", "refused"]);
    });

    it("key rotation re-encrypts Stripe's saved secrets too", async () => {
      const { id } = await admin();
      await saveStripeSettings(h.db, id, input({ ...TEST_KEYS, ...LIVE_KEYS }));
      const before = JSON.stringify((await rawRow())!.value);
      vi.stubEnv("COURSEPAY_ENCRYPTION_KEY_PREVIOUS", process.env.COURSEPAY_ENCRYPTION_KEY);
      vi.stubEnv("COURSEPAY_ENCRYPTION_KEY", Buffer.alloc(32, 7).toString("base64"));
      expect((await rotateSecrets(h.db)).secretsReencrypted).toBe(4);
      vi.stubEnv("COURSEPAY_ENCRYPTION_KEY_PREVIOUS", undefined);
      expect(JSON.stringify((await rawRow())!.value)).not.toBe(before);
      expect((await stripeSettingsView(h.db)).live.secretKey).toEqual({ source: "settings", endsWith: "…9b2c" });
    });
  });
}
