import "server-only";
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * An LMS learner has no account here: their handoffs (and so their orders) are bound to their browser by a cookie.
 * It holds 256 random bits, signed with AUTH_SECRET (a cookie that was not made here is ignored before any look-up),
 * and only the token's SHA-256 is stored, on each handoff — neither the database nor the admin pages hold anything
 * that would let someone else act as that browser.
 *
 * httpOnly (no script reads it), SameSite=Lax (sent on the top-level navigation from the LMS and on the store's own
 * requests, never on another site's sub-requests), Secure on https, one day: the learner's checkout window.
 */
export const GATEWAY_COOKIE = "coursepay_gateway";
export const GATEWAY_COOKIE_MAX_AGE = 24 * 60 * 60;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export const newBrowserToken = () => randomBytes(32).toString("base64url");

/** The stored form of a browser token (what handoffs keep), or null when it is not one of ours. */
export function browserHash(token: string | undefined | null): string | null {
  return token && TOKEN.test(token) ? createHash("sha256").update(token).digest("hex") : null;
}

const signature = (token: string) => {
  const secret = process.env.AUTH_SECRET;
  if (!secret) throw new Error("AUTH_SECRET is not set");
  return createHmac("sha256", secret).update(`${GATEWAY_COOKIE}:${token}`).digest("base64url");
};

/** The browser token inside a cookie value, if this store signed it; null for anything else. */
export function tokenFromCookie(value: string | undefined | null): string | null {
  const [token, mac, extra] = (value ?? "").split(".");
  if (!token || !mac || extra !== undefined || !TOKEN.test(token)) return null;
  const expected = Buffer.from(signature(token));
  const given = Buffer.from(mac);
  return given.length === expected.length && timingSafeEqual(given, expected) ? token : null;
}

export function gatewayCookie(token: string, secure: boolean) {
  return { name: GATEWAY_COOKIE, value: `${token}.${signature(token)}`, httpOnly: true, sameSite: "lax" as const, secure, path: "/", maxAge: GATEWAY_COOKIE_MAX_AGE };
}

/** The stored form of this request's gateway cookie (server components, actions and routes), or null. */
export async function currentBrowserHash(): Promise<string | null> {
  const { cookies } = await import("next/headers");
  return browserHash(tokenFromCookie((await cookies()).get(GATEWAY_COOKIE)?.value));
}
