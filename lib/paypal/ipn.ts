import "server-only";
import type { PayPalEnvironment } from "./environment";

/**
 * Legacy IPN, PayPal's side of it: messages arrive form-encoded, often in windows-1252, and are validated by
 * posting the exact bytes back with `cmd=_notify-validate` prefixed; PayPal answers VERIFIED or INVALID.
 */
export type IpnAnswer = "VERIFIED" | "INVALID" | "UNAVAILABLE";

export async function validateIpn(env: PayPalEnvironment, raw: Buffer): Promise<IpnAnswer> {
  try {
    const response = await fetch(env.ipnPostbackUrl, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "User-Agent": "Coursepay-IPN-Verifier/1.0" },
      body: Buffer.concat([Buffer.from("cmd=_notify-validate&"), raw]),
      signal: AbortSignal.timeout(10_000),
    });
    const answer = (await response.text()).trim();
    if (!response.ok) return "UNAVAILABLE";
    return answer === "VERIFIED" ? "VERIFIED" : "INVALID";
  } catch {
    return "UNAVAILABLE";
  }
}

/** The variables of a message (values are ASCII for everything we act on; names are case-sensitive). */
export function ipnFields(raw: Buffer): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(raw.toString("latin1")));
}
