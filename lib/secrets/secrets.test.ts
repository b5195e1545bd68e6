import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { decryptSecret, encryptSecret } from ".";

describe("secrets at rest", () => {
  beforeAll(() => {
    process.env.COURSEPAY_ENCRYPTION_KEY ??= "test-key-for-unit-tests";
  });
  afterEach(() => {
    vi.unstubAllEnvs();
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

  it("opens values written under the previous key during a rotation, and writes under the new one", () => {
    const oldKey = process.env.COURSEPAY_ENCRYPTION_KEY!;
    const old = encryptSecret("secret", "p");
    vi.stubEnv("COURSEPAY_ENCRYPTION_KEY", "the-new-key");
    expect(() => decryptSecret(old, "p")).toThrow();
    vi.stubEnv("COURSEPAY_ENCRYPTION_KEY_PREVIOUS", oldKey);
    expect(decryptSecret(old, "p")).toBe("secret");
    const fresh = encryptSecret("secret", "p");
    vi.stubEnv("COURSEPAY_ENCRYPTION_KEY", oldKey);
    vi.stubEnv("COURSEPAY_ENCRYPTION_KEY_PREVIOUS", undefined);
    expect(() => decryptSecret(fresh, "p")).toThrow();
  });
});
