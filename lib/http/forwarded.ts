/**
 * Who is on the other end of a request. Next.js keeps whatever `X-Forwarded-*` headers a client sends and only
 * fills them when absent, so without this a client could name its own IP (and dodge per-IP limits) or its own
 * host and scheme. Our server (server.ts) replaces those headers on every request with what this decides:
 * - with no trusted proxy (TRUSTED_PROXY_HOPS=0, the default), the socket's peer is the client and the scheme is
 *   the socket's; client-sent forwarding headers are dropped;
 * - with N trusted proxies, each appended the address it saw to X-Forwarded-For, so the client is the entry
 *   the farthest trusted proxy appended (N-th from the end); the scheme and host are what the nearest proxy set.
 * Plain functions, no Next.js: the server and the tests call them directly.
 */
export type ForwardedHeaders = Record<string, string | string[] | undefined>;

export type Forwarded = { ip: string; proto: "http" | "https"; host: string | undefined };

/** TRUSTED_PROXY_HOPS as a number (the boot check refuses anything but a whole number ≥ 0). */
export function trustedProxyHops(env: Record<string, string | undefined> = process.env): number {
  const hops = Number(env.TRUSTED_PROXY_HOPS ?? 0);
  return Number.isInteger(hops) && hops >= 0 ? hops : 0;
}

/** `::ffff:127.0.0.1` (IPv4 seen by an IPv6 socket) is 127.0.0.1; one spelling per address keeps limits per address. */
export function normaliseIp(ip: string): string {
  const trimmed = ip.trim().replace(/^\[(.*)\]$/, "$1");
  return (/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed)?.[1] ?? trimmed).toLowerCase();
}

const list = (value: string | string[] | undefined) =>
  (Array.isArray(value) ? value.join(",") : (value ?? ""))
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);

export function forwarded(
  socket: { remoteAddress?: string; encrypted?: boolean },
  headers: ForwardedHeaders,
  hops: number,
): Forwarded {
  const peer = normaliseIp(socket.remoteAddress ?? "unknown");
  const socketProto = socket.encrypted ? "https" : "http";
  if (hops === 0) return { ip: peer, proto: socketProto, host: undefined };
  const chain = list(headers["x-forwarded-for"]);
  // Fewer entries than trusted proxies means the request did not come through all of them: trust nothing it says.
  if (chain.length < hops) return { ip: peer, proto: socketProto, host: undefined };
  const proto = list(headers["x-forwarded-proto"]).at(-1);
  return {
    ip: normaliseIp(chain[chain.length - hops]!),
    proto: proto === "https" || proto === "http" ? proto : socketProto,
    host: list(headers["x-forwarded-host"]).at(-1),
  };
}

/** The client IP as the app sees it, from the header our server wrote. */
export function clientIp(headers: Headers): string {
  return headers.get("x-forwarded-for") ?? "unknown";
}
