import { describe, expect, it } from "vitest";
import { assertPayPalConfigured, LOCAL_DEFAULTS, payPalEnvironment } from "./environment";

describe("PayPal environment", () => {
  it("defaults to the local emulator with no configuration", () => {
    const env = payPalEnvironment({});
    expect(env).toMatchObject({ mode: "local", apiBase: LOCAL_DEFAULTS.emulatorUrl, sdkUrl: `${LOCAL_DEFAULTS.emulatorUrl}/sdk/js`, clientId: LOCAL_DEFAULTS.clientId });
    expect(env.certHosts).toEqual(["127.0.0.1:4010"]);
  });

  it("uses PayPal's hosts, and only them, for sandbox and live", () => {
    const sandbox = payPalEnvironment({ PAYPAL_CLIENT_ID: "id", PAYPAL_CLIENT_SECRET: "secret" });
    expect(sandbox).toMatchObject({ mode: "sandbox", apiBase: "https://api-m.sandbox.paypal.com", sdkUrl: undefined });
    expect(sandbox.certHosts.every((h) => h.endsWith("sandbox.paypal.com"))).toBe(true);
    const live = payPalEnvironment({ PAYPAL_ENV: "live", PAYPAL_CLIENT_ID: "id", PAYPAL_CLIENT_SECRET: "secret" });
    expect(live).toMatchObject({ mode: "live", apiBase: "https://api-m.paypal.com", ipnPostbackUrl: "https://ipnpb.paypal.com/cgi-bin/webscr" });
    expect(live.browserOrigins).not.toContain("http://127.0.0.1:4010");
  });

  it("refuses sandbox or live without credentials", () => {
    expect(() => payPalEnvironment({ PAYPAL_ENV: "live" })).toThrow(/PAYPAL_CLIENT_ID/);
  });

  it("never lets a production server fall back to the emulator unless asked", () => {
    expect(() => assertPayPalConfigured({ NODE_ENV: "production" })).toThrow(/No PayPal credentials/);
    expect(assertPayPalConfigured({ NODE_ENV: "production", PAYPAL_ENV: "local" }).mode).toBe("local");
    expect(assertPayPalConfigured({ NODE_ENV: "development" }).mode).toBe("local");
  });
});
