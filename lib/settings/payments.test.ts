import { createServer } from "node:net";
import { and, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { adminAuditLog, orders, providerTokens, settings } from "@/db/schema";
import { addToCart } from "@/lib/cart";
import { startCheckout } from "@/lib/payments/checkout";
import { createPaymentDeps } from "@/lib/payments/deps";
import { CURRENCIES } from "@/lib/money";
import { CHECKOUT_MESSAGES } from "@/lib/payments/messages";
import { LOCAL_DEFAULTS } from "@/lib/paypal/environment";
import { testEngines } from "@/lib/testing/db";
import { makeCourse, makeUser } from "@/lib/testing/fixtures";
import { usePayments } from "@/lib/testing/payments";
import { decryptSecret, encryptSecret } from "@/lib/secrets";
import {
  assertPaymentsConfigured,
  PAYMENT_SETTINGS_KEY,
  PaymentSettingsResolver,
  paymentSettingsInput,
  paymentSettingsView,
  processPaymentSettings,
  readPaymentSettings,
  savePaymentSettings,
  testPayPalConnection,
} from "./payments";
import { rotateSecrets } from "./rotation";

const SANDBOX = { sandboxClientId: "SandboxClientId-0123456789", sandboxClientSecret: "sandbox-secret-value-4f2a" };
const LIVE = { liveClientId: "LiveClientId-0123456789", liveClientSecret: "live-secret-value-9b1c" };

/** What the browser sends: checked boxes as "on", every text field (empty when left blank), currencies repeated. */
function form(fields: Record<string, unknown> = {}) {
  return { enabled: "on", mode: "local", businessEmail: "", sandboxClientId: "", sandboxClientSecret: "", sandboxWebhookId: "", liveClientId: "", liveClientSecret: "", liveWebhookId: "", allowedCurrencies: CURRENCIES, ...fields };
}
const input = (fields: Record<string, unknown> = {}) => paymentSettingsInput.parse(form(fields));

for (const engine of testEngines()) {
  describe(`payment settings on ${engine}`, () => {
    const h = usePayments(engine);

    beforeEach(async () => {
      await h.db.delete(settings);
      await h.db.delete(providerTokens);
      processPaymentSettings.invalidate();
      // The environment of `npm run dev`: local mode, here on the harness's emulator.
      for (const name of ["PAYPAL_CLIENT_ID", "PAYPAL_CLIENT_SECRET", "PAYPAL_WEBHOOK_ID", "PAYPAL_BUSINESS_EMAIL", "COURSEPAY_ENCRYPTION_KEY_PREVIOUS"]) vi.stubEnv(name, undefined);
      vi.stubEnv("PAYPAL_ENV", "local");
      vi.stubEnv("PAYPAL_EMULATOR_URL", h.emulator.url);
    });
    afterEach(() => {
      vi.unstubAllEnvs();
    });

    const admin = () => makeUser(h.db, { role: "admin" });
    const rawRow = async () => (await h.db.select().from(settings).where(eq(settings.key, PAYMENT_SETTINGS_KEY)))[0];
    const auditOf = (actorId: string) => h.db.select().from(adminAuditLog).where(eq(adminAuditLog.actorId, actorId));
    const fresh = () => new PaymentSettingsResolver(0).current(h.db);

    it("stores secrets encrypted, bound to their environment, and shows the page only their last four characters", async () => {
      const { id } = await admin();
      expect(await savePaymentSettings(h.db, id, input({ mode: "sandbox", ...SANDBOX }))).toEqual({ ok: true, changed: ["mode", "sandbox.clientId", "sandbox.clientSecret"] });

      const row = await rawRow();
      expect(JSON.stringify(row)).not.toContain(SANDBOX.sandboxClientSecret);
      const encrypted = (row!.value as { sandbox: { clientSecret: string } }).sandbox.clientSecret;
      expect(decryptSecret(encrypted, "paypal.sandbox.client_secret")).toBe(SANDBOX.sandboxClientSecret);
      expect(() => decryptSecret(encrypted, "paypal.live.client_secret")).toThrow();

      const view = await paymentSettingsView(h.db);
      expect(JSON.stringify(view)).not.toContain(SANDBOX.sandboxClientSecret);
      expect(view.sandbox).toMatchObject({ clientId: SANDBOX.sandboxClientId, secret: { source: "settings", endsWith: "…4f2a" } });
      expect(view.live.secret).toBeNull();
      expect(view.lastSaved?.by).toMatch(/@example\.test$/);
    });

    it("keeps a saved secret when the field is left empty, and removes it only when asked", async () => {
      const { id } = await admin();
      await savePaymentSettings(h.db, id, input(SANDBOX));
      expect(await savePaymentSettings(h.db, id, input({ sandboxClientId: SANDBOX.sandboxClientId, allowedCurrencies: ["USD"] }))).toEqual({ ok: true, changed: ["allowedCurrencies"] });
      expect((await paymentSettingsView(h.db)).sandbox.secret).toEqual({ source: "settings", endsWith: "…4f2a" });
      expect(await readPaymentSettings(h.db)).toEqual({ enabled: true, mode: "local", allowedCurrencies: ["USD"] });

      // A secret alone, without its client id, is refused; both together go.
      const alone = await savePaymentSettings(h.db, id, input({ sandboxClearSecret: "on", sandboxClientId: SANDBOX.sandboxClientId, allowedCurrencies: ["USD"] }));
      expect(alone).toMatchObject({ ok: false, fieldErrors: { sandboxClientSecret: [expect.stringMatching(/secret that goes with/)] } });
      expect(await savePaymentSettings(h.db, id, input({ sandboxClearSecret: "on", allowedCurrencies: ["USD"] }))).toEqual({ ok: true, changed: ["sandbox.clientId", "sandbox.clientSecret"] });
      expect((await rawRow())!.value).not.toHaveProperty("sandbox.clientSecret");
      expect((await paymentSettingsView(h.db)).sandbox.secret).toBeNull();
    });

    it("refuses a secret with surrounding whitespace, and other malformed fields, before anything is read or written", () => {
      const refused = paymentSettingsInput.safeParse(form({ ...SANDBOX, sandboxClientSecret: ` ${SANDBOX.sandboxClientSecret}\n` }));
      expect(refused.success).toBe(false);
      const errors = (field: string) => refused.error?.issues.filter((i) => i.path[0] === field).map((i) => i.message);
      expect(errors("sandboxClientSecret")).toEqual([expect.stringMatching(/starts or ends with a space or line break/)]);

      const malformed = paymentSettingsInput.safeParse(
        form({ liveClientId: "has spaces in it", liveWebhookId: "wh-lowercase", businessEmail: "not-an-email", allowedCurrencies: ["USD", "XYZ"], mode: "moon" }),
      );
      const fields = new Set(malformed.error?.issues.map((i) => i.path[0]));
      expect([...fields].sort()).toEqual(["allowedCurrencies", "businessEmail", "liveClientId", "liveWebhookId", "mode"]);
      expect(malformed.error?.issues.find((i) => i.path[0] === "allowedCurrencies")?.message).toBe("XYZ is not a currency PayPal accepts.");
      expect(paymentSettingsInput.safeParse(form({ allowedCurrencies: [] })).error?.issues[0]?.message).toBe("Choose at least one currency.");
      // Ids may be pasted with spaces around them: they are not secrets, so they are trimmed.
      expect(input({ sandboxClientId: `  ${SANDBOX.sandboxClientId} ` }).sandboxClientId).toBe(SANDBOX.sandboxClientId);
    });

    it("writes the audit line with the change, never a secret, and neither on a refused save", async () => {
      const { id } = await admin();
      await savePaymentSettings(h.db, id, input({ mode: "sandbox", ...SANDBOX, sandboxWebhookId: "WH0123456789ABCDEF" }));
      const [line] = await auditOf(id);
      expect(line).toMatchObject({ action: "settings.payments.updated", targetType: "settings", targetId: PAYMENT_SETTINGS_KEY });
      expect(line!.details).toEqual({ changed: ["mode", "sandbox.clientId", "sandbox.clientSecret", "sandbox.webhookId"] });
      const before = await rawRow();

      // Live chosen without live credentials, or with the emulator's: refused as a whole, nothing written.
      const noCredentials = await savePaymentSettings(h.db, id, input({ mode: "live", ...SANDBOX, allowedCurrencies: ["USD"] }));
      expect(noCredentials).toMatchObject({ ok: false, fieldErrors: { liveClientId: [expect.any(String)], liveClientSecret: [expect.any(String)] } });
      const localValues = await savePaymentSettings(
        h.db,
        id,
        input({ mode: "live", liveClientId: LOCAL_DEFAULTS.clientId, liveClientSecret: LOCAL_DEFAULTS.clientSecret, businessEmail: "merchant@coursepay.test" }),
      );
      expect(localValues).toMatchObject({
        ok: false,
        fieldErrors: { liveClientId: [expect.stringMatching(/emulator/)], liveClientSecret: [expect.stringMatching(/emulator/)], businessEmail: [expect.stringMatching(/test domain/)] },
      });
      expect(await rawRow()).toEqual(before);
      expect(await auditOf(id)).toHaveLength(1);

      // Saving what is already in force changes nothing and logs nothing.
      expect(await savePaymentSettings(h.db, id, input({ mode: "sandbox", sandboxClientId: SANDBOX.sandboxClientId, sandboxWebhookId: "WH0123456789ABCDEF" }))).toEqual({ ok: true, changed: [] });
      expect(await auditOf(id)).toHaveLength(1);
    });

    it("overrides the environment's defaults with what is saved, per environment", async () => {
      vi.stubEnv("PAYPAL_ENV", "sandbox");
      vi.stubEnv("PAYPAL_CLIENT_ID", "EnvSandboxClient-0123456789");
      vi.stubEnv("PAYPAL_CLIENT_SECRET", "env-sandbox-secret-77aa");
      vi.stubEnv("PAYPAL_WEBHOOK_ID", "ENVWEBHOOK0123");
      expect((await fresh()).env).toMatchObject({ mode: "sandbox", clientId: "EnvSandboxClient-0123456789", webhookId: "ENVWEBHOOK0123" });
      expect((await paymentSettingsView(h.db)).sandbox).toMatchObject({ clientId: "", clientIdDefault: "EnvSandboxClient-0123456789", secret: { source: "environment", endsWith: "…77aa" } });

      const { id } = await admin();
      await savePaymentSettings(h.db, id, input({ mode: "sandbox", sandboxWebhookId: "DBWEBHOOK0123" }));
      expect((await fresh()).env).toMatchObject({ clientId: "EnvSandboxClient-0123456789", clientSecret: "env-sandbox-secret-77aa", webhookId: "DBWEBHOOK0123" });

      await savePaymentSettings(h.db, id, input({ mode: "sandbox", ...SANDBOX, sandboxWebhookId: "DBWEBHOOK0123" }));
      expect((await fresh()).env).toMatchObject({ clientId: SANDBOX.sandboxClientId, clientSecret: SANDBOX.sandboxClientSecret });

      // The environment's sandbox webhook id never serves live.
      await savePaymentSettings(h.db, id, input({ mode: "live", ...SANDBOX, ...LIVE, enabled: undefined }));
      const live = await fresh();
      expect(live).toMatchObject({ enabled: false, env: { mode: "live", apiBase: "https://api-m.paypal.com", clientId: LIVE.liveClientId, webhookId: undefined } });
    });

    it("reaches a second instance without a restart, and the saving instance at once", async () => {
      const { id } = await admin();
      const second = new PaymentSettingsResolver(50);
      const secondDb = h.secondPool();
      const before = await second.current(secondDb);
      expect(before.enabled).toBe(true);
      expect(await second.current(secondDb)).toBe(before); // unchanged: the same object, so nothing is rebuilt
      expect((await processPaymentSettings.current(h.db)).enabled).toBe(true);

      await savePaymentSettings(h.db, id, input({ enabled: undefined }));
      expect((await processPaymentSettings.current(h.db)).enabled).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 60));
      const after = await second.current(secondDb);
      expect(after.enabled).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(await second.current(secondDb)).toBe(after);
    });

    it("stops new checkouts while payments are off, and starts them again once they are on", async () => {
      const { id } = await admin();
      const buyer = await makeUser(h.db);
      const course = await makeCourse(h.db);
      await addToCart(h.db, buyer.id, course.id);
      const resolver = new PaymentSettingsResolver(0);
      const depsNow = async () => {
        const config = await resolver.current(h.db);
        return createPaymentDeps(config.env, h.db, { checkoutEnabled: config.enabled, retryBaseMs: 5 });
      };

      await savePaymentSettings(h.db, id, input({ enabled: undefined }));
      expect(await startCheckout(await depsNow(), buyer.id, { kind: "cart", currency: "USD" })).toEqual({
        ok: false,
        message: CHECKOUT_MESSAGES.paymentsUnavailable,
        removed: [],
      });
      expect(await h.db.select().from(orders).where(eq(orders.userId, buyer.id))).toEqual([]);
      expect(await h.emulator.control.calls({ path: "/v2/checkout/orders" })).toEqual([]);

      await savePaymentSettings(h.db, id, input());
      expect(await startCheckout(await depsNow(), buyer.id, { kind: "cart", currency: "USD" })).toMatchObject({ ok: true });
    });

    it("offers the emulator only where it may be used, and starts production on saved PayPal credentials", async () => {
      const { id } = await admin();
      vi.stubEnv("NODE_ENV", "production");
      vi.stubEnv("PAYPAL_ENV", undefined);
      await expect(assertPaymentsConfigured(h.db)).rejects.toThrow(/No PayPal credentials/);
      expect((await paymentSettingsView(h.db)).modes).toEqual(["sandbox", "live"]);
      expect(await savePaymentSettings(h.db, id, input({ mode: "local" }))).toMatchObject({ ok: false, fieldErrors: { mode: [expect.stringMatching(/only available in development/)] } });

      expect(await savePaymentSettings(h.db, id, input({ mode: "sandbox", ...SANDBOX }))).toMatchObject({ ok: true });
      await expect(assertPaymentsConfigured(h.db)).resolves.toBeUndefined();
    });

    it("rotates the encryption key: the previous key still decrypts, rotation rewrites under the new one", async () => {
      const { id } = await admin();
      await savePaymentSettings(h.db, id, input({ mode: "sandbox", ...SANDBOX }));
      await h.db.insert(providerTokens).values({ cacheKey: "paypal:test", provider: "paypal", accessTokenEncrypted: encryptSecret("token", "provider-token"), expiresAt: new Date(Date.now() + 3_600_000) });
      const oldCiphertext = JSON.stringify((await rawRow())!.value);

      vi.stubEnv("COURSEPAY_ENCRYPTION_KEY", "a-brand-new-encryption-key");
      expect((await paymentSettingsView(h.db)).sandbox.secret).toEqual({ source: "settings", endsWith: null });
      await expect(fresh()).rejects.toThrow(/cannot be decrypted/);

      vi.stubEnv("COURSEPAY_ENCRYPTION_KEY_PREVIOUS", "vitest-encryption-key");
      expect((await fresh()).env.clientSecret).toBe(SANDBOX.sandboxClientSecret);
      expect(await rotateSecrets(h.db)).toEqual({ secretsReencrypted: 1, tokensCleared: 1 });
      expect(JSON.stringify((await rawRow())!.value)).not.toBe(oldCiphertext);
      expect(await h.db.select().from(providerTokens)).toEqual([]);

      vi.stubEnv("COURSEPAY_ENCRYPTION_KEY_PREVIOUS", undefined);
      expect((await fresh()).env.clientSecret).toBe(SANDBOX.sandboxClientSecret);
    });

    it("tests the connection against PayPal without caching the token, and reports a refusal or no answer", async () => {
      const { id } = await admin();
      const accepted = await testPayPalConnection(h.db, id, input());
      expect(accepted).toEqual({ ok: true, message: expect.stringMatching(/^Connected: the local emulator accepted these credentials/) });
      expect(await h.db.select().from(providerTokens)).toEqual([]);
      expect(await rawRow()).toBeUndefined();

      vi.stubEnv("PAYPAL_CLIENT_SECRET", "a-wrong-secret");
      const refused = await testPayPalConnection(h.db, id, input());
      expect(refused).toEqual({ ok: false, message: expect.stringMatching(/refused these credentials \(invalid_client: Client Authentication failed\)/) });

      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
      const port = (closed.address() as { port: number }).port;
      await new Promise((resolve) => closed.close(resolve));
      vi.stubEnv("PAYPAL_EMULATOR_URL", `http://127.0.0.1:${port}`);
      expect(await testPayPalConnection(h.db, id, input())).toEqual({ ok: false, message: expect.stringMatching(/^Could not reach the local emulator/) });

      const lines = await h.db
        .select()
        .from(adminAuditLog)
        .where(and(eq(adminAuditLog.actorId, id), eq(adminAuditLog.action, "settings.payments.tested")))
        .orderBy(adminAuditLog.id);
      expect(lines.map((l) => (l.details as { outcome: string }).outcome)).toEqual(["accepted", "refused", "unreachable"]);
      expect(JSON.stringify(lines)).not.toContain("a-wrong-secret");
    });
  });
}
