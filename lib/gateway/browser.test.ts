import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { browserHash, gatewayCookie, newBrowserToken, tokenFromCookie } from "./browser";

describe("the gateway's browser cookie", () => {
  const original = process.env.AUTH_SECRET;
  beforeEach(() => {
    process.env.AUTH_SECRET = "a-test-auth-secret-of-enough-length-000";
  });
  afterEach(() => {
    process.env.AUTH_SECRET = original;
  });

  it("carries a signed random token; only the token's hash is what handoffs store", () => {
    const token = newBrowserToken();
    const cookie = gatewayCookie(token, true);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "lax", secure: true, path: "/" });
    expect(tokenFromCookie(cookie.value)).toBe(token);
    expect(browserHash(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(browserHash(token)).not.toContain(token);
  });

  it("ignores a cookie it did not sign: unsigned, tampered, signed with another secret, or malformed", () => {
    const token = newBrowserToken();
    const { value } = gatewayCookie(token, false);
    expect(tokenFromCookie(token)).toBeNull();
    expect(tokenFromCookie(`${newBrowserToken()}.${value.split(".")[1]}`)).toBeNull();
    expect(tokenFromCookie(`${value}x`)).toBeNull();
    expect(tokenFromCookie(`${value}.more`)).toBeNull();
    process.env.AUTH_SECRET = "another-auth-secret-of-enough-length-0000";
    expect(tokenFromCookie(value)).toBeNull();
    expect(tokenFromCookie(undefined)).toBeNull();
    expect(browserHash("not a token")).toBeNull();
  });
});
