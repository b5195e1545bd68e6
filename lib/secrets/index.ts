import "server-only";
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/**
 * AES-256-GCM for secrets at rest (provider credentials, cached OAuth tokens).
 * The key comes from COURSEPAY_ENCRYPTION_KEY (any high-entropy string; hashed to 32 bytes). Each value is
 * bound to what it is (`purpose`, used as additional authenticated data), so a ciphertext copied from one
 * field into another fails to decrypt instead of being silently accepted.
 *
 * Rotation: with the new key in COURSEPAY_ENCRYPTION_KEY and the old one in COURSEPAY_ENCRYPTION_KEY_PREVIOUS,
 * values written under either key decrypt, new values use the new key, and `npm run secrets:rotate` rewrites
 * the stored ones (README, "Rotating the encryption key").
 */
const VERSION = "v1";

function key(variable: "COURSEPAY_ENCRYPTION_KEY" | "COURSEPAY_ENCRYPTION_KEY_PREVIOUS"): Buffer | null {
  const secret = process.env[variable];
  return secret ? createHash("sha256").update(secret).digest() : null;
}

function currentKey(): Buffer {
  const current = key("COURSEPAY_ENCRYPTION_KEY");
  if (!current) throw new Error("COURSEPAY_ENCRYPTION_KEY is not set");
  return current;
}

export function encryptSecret(plaintext: string, purpose: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", currentKey(), iv);
  cipher.setAAD(Buffer.from(purpose));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(":");
}

/** Tries the current key, then the previous one; throws when neither opens the value. */
export function decryptSecret(stored: string, purpose: string): string {
  const [version, iv, tag, body] = stored.split(":");
  if (version !== VERSION || !iv || !tag || body === undefined) throw new Error("Unrecognised encrypted value");
  const previous = key("COURSEPAY_ENCRYPTION_KEY_PREVIOUS");
  try {
    return decryptWith(currentKey(), iv, tag, body, purpose);
  } catch (error) {
    if (!previous) throw error;
    return decryptWith(previous, iv, tag, body, purpose);
  }
}

function decryptWith(secretKey: Buffer, iv: string, tag: string, body: string, purpose: string): string {
  const decipher = createDecipheriv("aes-256-gcm", secretKey, Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(purpose));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
}
