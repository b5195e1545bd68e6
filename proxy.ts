import { NextResponse, type NextRequest } from "next/server";
import { browserOrigins } from "@/lib/paypal/environment";
import { stripeCheckoutOrigins } from "@/lib/stripe/environment";
import { VIDEO_FRAME_ORIGINS } from "@/lib/learning/video";

/**
 * A Content-Security-Policy per request: scripts only from this site (with a fresh nonce; 'strict-dynamic'
 * lets the PayPal loader add the SDK script), and network, frames and images only from this site and
 * PayPal's origins — plus the local emulator wherever local mode may be chosen.
 */
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const paypal = browserOrigins().join(" ");
  const dev = process.env.NODE_ENV === "development";
  const policy = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic' ${paypal}${dev ? " 'unsafe-eval'" : ""}`,
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

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", policy);
  response.headers.set("X-Content-Type-Options", "nosniff");
  response.headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
  return response;
}

export const config = {
  matcher: [
    {
      source: "/((?!api|_next/static|_next/image|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
