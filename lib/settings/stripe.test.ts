import { and, eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { adminAuditLog } from "@/db/schema";
import { makeUser } from "@/lib/testing/fixtures";
import { useStripe } from "@/lib/testing/stripe";
import { stripeSettingsView, testStripeConnection } from "./stripe";

describe("Stripe settings (from the environment)", () => {
  const h = useStripe("pglite");
  afterEach(() => vi.unstubAllEnvs());

  it("shows the mode, the key's last four characters and the currencies, never the key", () => {
    vi.stubEnv("STRIPE_ENV", "local");
    vi.stubEnv("STRIPE_SECRET_KEY", "sk_test_abcdefgh1234");
    vi.stubEnv("STRIPE_CURRENCIES", "USD,EUR");
    const view = stripeSettingsView();
    expect(view).toEqual({ mode: "local", secretKeyEndsWith: "1234", webhookSecretSet: true, currencies: ["USD", "EUR"] });
    expect(JSON.stringify(view)).not.toContain("abcdefgh");
  });

  it("tests the connection with the configured key: accepted, or refused in words; each test audited", async () => {
    const admin = await makeUser(h.db, { role: "admin" });
    vi.stubEnv("STRIPE_ENV", "local");
    vi.stubEnv("STRIPE_EMULATOR_PORT", String(h.emulator.port));
    vi.stubEnv("STRIPE_SECRET_KEY", h.emulator.secretKey);
    expect(await testStripeConnection(h.db, admin.id)).toEqual({ ok: true, message: "Connected: the local Stripe emulator accepted this secret key." });
    vi.stubEnv("STRIPE_SECRET_KEY", "sk_test_not_the_right_key");
    const refused = await testStripeConnection(h.db, admin.id);
    expect(refused).toMatchObject({ ok: false, message: expect.stringMatching(/^the local Stripe emulator refused this secret key \(401: Invalid API Key provided/) });
    expect(refused.message).not.toContain("not_the_right");
    const audited = await h.db.select().from(adminAuditLog).where(and(eq(adminAuditLog.actorId, admin.id), eq(adminAuditLog.action, "settings.stripe.tested")));
    expect(audited.map((a) => (a.details as { outcome: string }).outcome)).toEqual(["accepted", "refused"]);
  });
});
