import { beforeAll, describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret } from "./crypto";

describe("secrets at rest", () => {
  beforeAll(() => {
    process.env.COURSEPAY_ENCRYPTION_KEY ??= "test-key-for-unit-tests";
  });

  it("round-trips and never stores the plaintext", () => {
    const stored = encryptSecret("client-secret-value", "paypal.clientSecret");
    expect(stored).not.toContain("client-secret-value");
    expect(decryptSecret(stored, "paypal.clientSecret")).toBe("client-secret-value");
  });

  it("uses a fresh nonce each time", () => {
    expect(encryptSecret("same", "p")).not.toBe(encryptSecret("same", "p"));
  });

  it("refuses a value moved to another purpose, or tampered with", () => {
    const stored = encryptSecret("secret", "paypal.clientSecret");
    expect(() => decryptSecret(stored, "provider-token")).toThrow();
    const [v, iv, tag, body] = stored.split(":");
    const flipped = Buffer.from(body!, "base64url");
    flipped[0]! ^= 1;
    expect(() => decryptSecret([v, iv, tag, flipped.toString("base64url")].join(":"), "paypal.clientSecret")).toThrow();
  });
});
