import "server-only";
import { hash, verify } from "@node-rs/argon2";

// argon2id with the library's defaults (OWASP's recommended memory/time costs).
export const hashPassword = (password: string) => hash(password);

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false; // a malformed stored hash never signs anyone in
  }
}

/**
 * A real hash of a random password, verified against when the email is unknown, so an attacker cannot tell
 * "no such account" from "wrong password" by timing.
 */
let decoyHash: Promise<string> | undefined;
export function decoy(): Promise<string> {
  decoyHash ??= hash(crypto.randomUUID());
  return decoyHash;
}
