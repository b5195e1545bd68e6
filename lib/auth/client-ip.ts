/**
 * The client's IP for rate limiting. Next.js fills `x-forwarded-for` from the socket only when the header is
 * absent, and proxies append to it, so the trustworthy entry is the one added by the nearest hop we trust:
 * `TRUSTED_PROXY_HOPS` (default 0 = no proxy, the last entry) counts proxies in front of the app.
 */
export function clientIp(headers: Headers): string {
  const chain = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  const hops = Number(process.env.TRUSTED_PROXY_HOPS ?? 0);
  return chain[chain.length - 1 - (Number.isInteger(hops) && hops > 0 ? hops : 0)] ?? chain[0] ?? "unknown";
}
