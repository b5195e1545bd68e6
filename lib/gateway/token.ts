import "server-only";
import { errors as joseErrors, importSPKI, jwtVerify, type JWTPayload } from "jose";
import { z } from "zod";
import { CURRENCIES, MoneyError, parseDecimal, type CurrencyCode, type Money } from "@/lib/money";

/**
 * The external-enrolment handoff: an LMS (OpenLearning and the like) POSTs a JWT naming the learner, the class and
 * its price; the store checks it before anything is created. RS256 only (never `none`, never an HMAC made with the
 * public key as its secret), signed by this connection's key, not expired (30 s of clock skew allowed), for this
 * connection's audience, with every claim the handoff needs, a price that is exact in its currency, and a
 * `redirect_url` on one of the connection's own origins (no open redirect). Whether the token was used before
 * (`jti`) is the database's to say (lib/gateway/handoffs.ts).
 */
export type Connection = {
  enabled: boolean;
  publicKeyPem: string;
  audience: string;
  /** Origins (scheme://host[:port]) the learner may be sent back to. */
  redirectOrigins: readonly string[];
};

export type Handoff = {
  jti: string;
  /** The LMS's user id of the learner. */
  sub: string;
  course: string;
  class: string;
  title: string;
  price: Money;
  redirectUrl: string;
  expiresAt: Date;
  claims: JWTPayload;
};

/** Every way a handoff is refused, each with the one message the learner's error page shows. */
export const REFUSALS = {
  disabled: "This course's payment page is not available right now. Please go back to the course and try again later.",
  malformed: "This link to the payment page is not valid. Please go back to the course and press “Join” again.",
  algorithm: "This link to the payment page was not signed the way the course's platform signs it.",
  signature: "This link to the payment page was not signed by the course's platform.",
  expired: "This link to the payment page has expired. Please go back to the course and press “Join” again.",
  not_yet_valid: "This link to the payment page is not valid yet. Check your computer's clock, then try again.",
  audience: "This link to the payment page was made for another school.",
  claims: "This link to the payment page is missing information about the course. Please go back and try again.",
  currency: "This course is priced in a currency this store does not accept.",
  price: "This course's price is not a valid amount.",
  redirect: "This link would send you back to a site the school has not approved.",
  // Decided by the database, not the token (lib/gateway/handoffs.ts):
  replayed: "This link to the payment page was already used. Please go back to the course and press “Join” again.",
  unknown_connection: "There is no payment page at this address. Please check the link the course's platform uses.",
} as const;
export type Refusal = keyof typeof REFUSALS;

export type VerifyResult = { ok: true; handoff: Handoff } | { ok: false; reason: Exclude<Refusal, "replayed" | "unknown_connection">; detail: string };

const CLOCK_SKEW_SECONDS = 30;

const claimsSchema = z.object({
  jti: z.string().min(1).max(200),
  sub: z.union([z.string().min(1).max(200), z.number().int()]).transform(String),
  course: z.union([z.string().min(1).max(200), z.number().int()]).transform(String),
  class: z.union([z.string().min(1).max(200), z.number().int()]).transform(String),
  title: z.string().min(1).max(300),
  currency: z.string().min(1).max(8),
  price: z.union([z.string().max(32), z.number()]),
  redirect_url: z.string().min(1).max(2000),
});

/** A price claim as an exact amount: a plain decimal (as text or a JSON number), more than zero, within its currency's decimals. */
function priceOf(value: string | number, currency: CurrencyCode): Money | null {
  const text = typeof value === "number" ? (Number.isFinite(value) ? String(value) : "") : value.trim();
  if (!/^\d+(\.\d+)?$/.test(text)) return null;
  try {
    const price = parseDecimal(text, currency);
    return price.minor > 0 ? price : null;
  } catch (error) {
    if (error instanceof MoneyError) return null;
    throw error;
  }
}

export async function verifyHandoff(token: string, connection: Connection, now = new Date()): Promise<VerifyResult> {
  if (!connection.enabled) return { ok: false, reason: "disabled", detail: "connection disabled" };
  let key;
  try {
    key = await importSPKI(connection.publicKeyPem, "RS256");
  } catch {
    return { ok: false, reason: "disabled", detail: "the connection's public key cannot be read" };
  }
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: ["RS256"],
      audience: connection.audience,
      requiredClaims: ["exp", "jti", "sub", "aud"],
      clockTolerance: CLOCK_SKEW_SECONDS,
      currentDate: now,
    }));
  } catch (error) {
    return { ok: false, ...refusalOf(error) };
  }
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) return { ok: false, reason: "claims", detail: claims.error.issues.map((i) => i.path.join(".")).join(", ") };
  const c = claims.data;
  const currency = c.currency.toUpperCase();
  if (!(CURRENCIES as readonly string[]).includes(currency)) return { ok: false, reason: "currency", detail: currency };
  const price = priceOf(c.price, currency as CurrencyCode);
  if (!price) return { ok: false, reason: "price", detail: String(c.price) };
  let redirect: URL;
  try {
    redirect = new URL(c.redirect_url);
  } catch {
    return { ok: false, reason: "redirect", detail: "not a URL" };
  }
  if (!connection.redirectOrigins.includes(redirect.origin)) return { ok: false, reason: "redirect", detail: redirect.origin };
  return {
    ok: true,
    handoff: { jti: c.jti, sub: c.sub, course: c.course, class: c.class, title: c.title, price, redirectUrl: redirect.toString(), expiresAt: new Date(payload.exp! * 1000), claims: payload },
  };
}

function refusalOf(error: unknown): { reason: Exclude<Refusal, "replayed" | "unknown_connection">; detail: string } {
  const detail = error instanceof Error ? error.message : String(error);
  if (error instanceof joseErrors.JWTExpired) return { reason: "expired", detail };
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === "nbf" || error.claim === "iat") return { reason: "not_yet_valid", detail };
    if (error.claim === "aud") return { reason: "audience", detail };
    return { reason: "claims", detail };
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed || error instanceof joseErrors.JOSENotSupported) return { reason: "algorithm", detail };
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return { reason: "signature", detail };
  return { reason: "malformed", detail };
}
