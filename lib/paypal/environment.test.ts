import { describe, expect, it } from "vitest";
import { assertPayPalConfigured, browserOrigins, environmentFor, LOCAL_DEFAULTS, payPalEnvironment } from "./environment";

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
    expect(live.certHosts).not.toContain("127.0.0.1:4010");
  });

  it("refuses sandbox or live without credentials", () => {
    expect(() => payPalEnvironment({ PAYPAL_ENV: "live" })).toThrow(/PAYPAL_CLIENT_ID/);
    expect(() => environmentFor("sandbox", { clientId: "id" })).toThrow(/client id and secret/);
  });

  it("builds any mode from given values, the emulator's filling what local lacks", () => {
    expect(environmentFor("local", { webhookId: "WH123" }, { PAYPAL_EMULATOR_URL: "http://127.0.0.1:5999/" })).toMatchObject({
      apiBase: "http://127.0.0.1:5999",
      clientSecret: LOCAL_DEFAULTS.clientSecret,
      webhookId: "WH123",
    });
    expect(environmentFor("live", { clientId: "id", clientSecret: "s" }).webhookId).toBeUndefined();
  });

  it("follows PAYPAL_EMULATOR_PORT, the one variable that moves the local emulator", () => {
    expect(payPalEnvironment({ PAYPAL_EMULATOR_PORT: "4999" })).toMatchObject({ apiBase: "http://127.0.0.1:4999", sdkUrl: "http://127.0.0.1:4999/sdk/js" });
    expect(() => payPalEnvironment({ PAYPAL_EMULATOR_PORT: "abc" })).toThrow(/port number/);
  });

  it("lets the browser load every PayPal environment, and the emulator only where local mode may be chosen", () => {
    const paypal = ["https://www.paypal.com", "https://www.sandbox.paypal.com", "https://*.paypal.com", "https://*.paypalobjects.com"];
    expect(browserOrigins({ NODE_ENV: "production", PAYPAL_ENV: "live" })).toEqual(paypal);
    expect(browserOrigins({ NODE_ENV: "production", PAYPAL_ENV: "local", PAYPAL_EMULATOR_URL: "http://127.0.0.1:4999" })).toEqual([...paypal, "http://127.0.0.1:4999"]);
    expect(browserOrigins({ NODE_ENV: "development" })).toEqual([...paypal, "http://127.0.0.1:4010"]);
  });

  it("never lets a production server fall back to the emulator unless asked", () => {
    expect(() => assertPayPalConfigured("local", { NODE_ENV: "production" })).toThrow(/No PayPal credentials/);
    expect(() => assertPayPalConfigured("local", { NODE_ENV: "production", PAYPAL_ENV: "local" })).not.toThrow();
    expect(() => assertPayPalConfigured("local", { NODE_ENV: "development" })).not.toThrow();
    expect(() => assertPayPalConfigured("sandbox", { NODE_ENV: "production" })).not.toThrow();
  });
});
