import { NextResponse, type NextRequest } from "next/server";
import { contentSecurityPolicy, PUBLIC_PAGE_HEADER } from "@/lib/http/csp";

/**
 * A Content-Security-Policy per request, with a fresh nonce ('strict-dynamic' lets the PayPal loader add the SDK
 * script) — except on a public page server.ts serves cacheable to a visitor, whose policy it writes itself from
 * the hashes of the page's inline scripts once the page is rendered (lib/http/public-pages.ts).
 */
export function proxy(request: NextRequest) {
  const requestHeaders = new Headers(request.headers);
  let policy: string | null = null;
  if (request.headers.get(PUBLIC_PAGE_HEADER) === "1") {
    // Next puts the nonce it finds in this request header on its scripts: none on a page every visitor shares.
    requestHeaders.delete("Content-Security-Policy");
  } else {
    const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
    const dev = process.env.NODE_ENV === "development";
    policy = contentSecurityPolicy([`'nonce-${nonce}'`, "'strict-dynamic'", ...(dev ? ["'unsafe-eval'"] : [])]);
    requestHeaders.set("x-nonce", nonce);
    requestHeaders.set("Content-Security-Policy", policy);
  }
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  if (policy) response.headers.set("Content-Security-Policy", policy);
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
