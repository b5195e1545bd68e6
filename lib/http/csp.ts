/**
 * The store's Content-Security-Policy, in one place. Scripts come only from this site plus what `scripts` allows:
 * a fresh nonce with 'strict-dynamic' for pages rendered per request (proxy.ts), or the SHA-256 of each inline
 * script for the public pages served cacheable to visitors (lib/http/public-pages.ts), where a nonce shared by
 * every visitor would be no secret. Network, frames and images only from this site and PayPal's origins — plus
 * the local emulator wherever local mode may be chosen.
 */
import { browserOrigins } from "@/lib/paypal/environment";
import { stripeCheckoutOrigins } from "@/lib/stripe/environment";
import { VIDEO_FRAME_ORIGINS } from "@/lib/learning/video";

/** Set by server.ts (and removed from what clients send) on a request it serves as a cacheable public page. */
export const PUBLIC_PAGE_HEADER = "x-coursepay-public-page";

export function contentSecurityPolicy(scripts: string[]): string {
  const paypal = browserOrigins().join(" ");
  return [
    "default-src 'self'",
    ["script-src 'self'", ...scripts, paypal].join(" "),
    // PayPal's SDK and React set style attributes, which nonces cannot cover.
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob: ${paypal}`,
    "font-src 'self'",
    `connect-src 'self' ${paypal}`,
    // PayPal's checkout, and lesson videos from the allowed players only (lib/learning/video.ts).
    `frame-src ${paypal} ${VIDEO_FRAME_ORIGINS.join(" ")}`,
    "object-src 'none'",
    "base-uri 'self'",
    // A card payment's form leads to Stripe Checkout (a server action's redirect).
    `form-action 'self' ${stripeCheckoutOrigins().join(" ")}`,
    "frame-ancestors 'none'",
  ].join("; ");
}
