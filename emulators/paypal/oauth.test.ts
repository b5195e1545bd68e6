import { describe, expect, it } from "vitest";
import { orderBody, useEmulator } from "./test-support/harness";

const fixture = useEmulator({ tokenTtlSeconds: 600 });

describe("POST /v1/oauth2/token", () => {
  it("issues a bearer token for the configured client credentials", async () => {
    const response = await fixture.api.requestToken();
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ token_type: "Bearer", expires_in: 600 });
    expect(response.body.access_token).toMatch(/^A21AA/);
    expect(response.body.app_id).toMatch(/^APP-[A-Z0-9]{17}$/);
    expect(response.body.scope).toContain("https://uri.paypal.com/services/payments/payment/authcapture");
  });

  it("hands out the same token until it expires, with a shrinking expires_in", async () => {
    const first = await fixture.api.requestToken();
    await fixture.emulator.control.advanceClock(100);
    const second = await fixture.api.requestToken();
    expect(second.body.access_token).toBe(first.body.access_token);
    expect(second.body.expires_in).toBe(500);
  });

  it("rejects a wrong secret with 401 invalid_client", async () => {
    const response = await fixture.api.requestToken("wrong-secret");
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: "invalid_client", error_description: "Client Authentication failed" });
  });

  it("rejects a request without a grant type", async () => {
    const response = await fixture.api.requestToken(undefined, "");
    expect(response.status).toBe(400);
    expect(response.body.error).toBe("unsupported_grant_type");
  });
});

describe("bearer tokens on REST calls", () => {
  it("answers a missing Authorization header with 401 AUTHENTICATION_FAILURE", async () => {
    const response = await fixture.api.raw("POST", "/v2/checkout/orders", { body: orderBody(), token: null });
    expect(response.status).toBe(401);
    expect(response.body.name).toBe("AUTHENTICATION_FAILURE");
  });

  it("answers an unknown token with 401 invalid_token", async () => {
    const response = await fixture.api.raw("GET", "/v2/checkout/orders/5O190127TN364715T", { token: "A21AAnot-a-token" });
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: "invalid_token", error_description: "Access Token not found in cache" });
  });

  it("expires tokens on the emulator clock, and a new token call issues a fresh one", async () => {
    const token = await fixture.api.token();
    expect((await fixture.api.createOrder()).status).toBe(201);
    await fixture.emulator.control.advanceClock(601);
    expect((await fixture.api.raw("POST", "/v2/checkout/orders", { body: orderBody(), token })).status).toBe(401);
    const renewed = await fixture.api.requestToken();
    expect(renewed.body.access_token).not.toBe(token);
    expect((await fixture.api.raw("POST", "/v2/checkout/orders", { body: orderBody(), token: renewed.body.access_token })).status).toBe(201);
  });

  it("invalidates every token on /__emulator/tokens/expire", async () => {
    const token = await fixture.api.token();
    await fixture.emulator.control.expireTokens();
    const response = await fixture.api.raw("POST", "/v2/checkout/orders", { body: orderBody(), token });
    expect(response.status).toBe(401);
    expect(response.body.error).toBe("invalid_token");
  });
});
