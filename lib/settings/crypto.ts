import "server-only";
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/**
 * AES-256-GCM for secrets at rest (provider credentials, cached OAuth tokens).
 * The key comes from COURSEPAY_ENCRYPTION_KEY (any high-entropy string; hashed to 32 bytes). Each value is
 * bound to what it is (`purpose`, used as additional authenticated data), so a ciphertext copied from one
 * field into another fails to decrypt instead of being silently accepted.
 */
const VERSION = "v1";

function key(): Buffer {
  const secret = process.env.COURSEPAY_ENCRYPTION_KEY;
  if (!secret) throw new Error("COURSEPAY_ENCRYPTION_KEY is not set");
  return createHash("sha256").update(secret).digest();
}

export function encryptSecret(plaintext: string, purpose: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  cipher.setAAD(Buffer.from(purpose));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(":");
}

export function decryptSecret(stored: string, purpose: string): string {
  const [version, iv, tag, body] = stored.split(":");
  if (version !== VERSION || !iv || !tag || body === undefined) throw new Error("Unrecognised encrypted value");
  const decipher = createDecipheriv("aes-256-gcm", key(), Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(purpose));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
}
