import "server-only";
import { createHash, randomBytes } from "node:crypto";

/**
 * An LMS learner has no account here: their handoffs (and so their orders) are bound to their browser by a cookie
 * holding 256 random bits. Only its SHA-256 is stored, on each handoff, so neither the database nor the admin pages
 * hold anything that would let someone else act as that browser. (A random token checked against a stored hash
 * cannot be forged, which is what a signature would add; it needs no key to rotate.)
 *
 * httpOnly (no script reads it), SameSite=Lax (sent on the top-level navigation from the LMS and on the store's own
 * requests, never on another site's sub-requests), Secure on https, one day: the learner's checkout window.
 */
export const GATEWAY_COOKIE = "coursepay_gateway";
export const GATEWAY_COOKIE_MAX_AGE = 24 * 60 * 60;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export const newBrowserToken = () => randomBytes(32).toString("base64url");

/** The stored form of a browser token, or null when the cookie is absent or not one of ours. */
export function browserHash(token: string | undefined | null): string | null {
  return token && TOKEN.test(token) ? createHash("sha256").update(token).digest("hex") : null;
}

export function gatewayCookie(token: string, secure: boolean) {
  return { name: GATEWAY_COOKIE, value: token, httpOnly: true, sameSite: "lax" as const, secure, path: "/", maxAge: GATEWAY_COOKIE_MAX_AGE };
}

/** The stored form of this request's gateway cookie (server components, actions and routes), or null. */
export async function currentBrowserHash(): Promise<string | null> {
  const { cookies } = await import("next/headers");
  return browserHash((await cookies()).get(GATEWAY_COOKIE)?.value);
}
