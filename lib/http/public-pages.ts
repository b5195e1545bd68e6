/**
 * The catalog and course pages, as a visitor sees them, served cacheable: a CDN may keep them for a minute and the
 * browser's back/forward cache may keep them at all (it refuses pages marked `no-store`, which Next marks every
 * page it renders per request). Only a visitor's page qualifies — no session, no guest cart (any `coursepay_`
 * cookie) — and `Vary: Cookie` keeps anyone else's out of a shared cache.
 *
 * A per-request nonce means nothing on a page every visitor shares, so the Content-Security-Policy allows the
 * page's own inline scripts by their SHA-256 instead (scripts from this site load as before). That needs the
 * finished page, so server.ts hands such a request to Next without `Accept-Encoding`, reads what Next writes,
 * and sends it afterwards: with the policy, a validator (`ETag`, answered with 304 when it matches) and gzip.
 */
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { IncomingMessage, ServerResponse } from "node:http";
import { contentSecurityPolicy, PUBLIC_PAGE_HEADER } from "./csp";

/** A minute at a shared cache, then served stale for up to five while it is fetched again; browsers revalidate. */
export const PUBLIC_CACHE_CONTROL = "public, max-age=0, s-maxage=60, stale-while-revalidate=300";

const PUBLIC_PATHS = [/^\/$/, /^\/courses\/[^/]+$/];
/** Auth.js's session cookie (any prefix, any chunk) and every cookie of ours, e.g. the guest cart. */
const PERSONAL_COOKIE = /(?:^|;\s*)(?:(?:__Secure-|__Host-)?authjs\.session-token|coursepay_)[^=]*=/;
const INLINE_SCRIPT = /<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi;

/** A GET for a whole public page (not a client navigation's RSC payload) from someone with nothing personal. */
export function isPublicPageRequest(req: IncomingMessage): boolean {
  if (req.method !== "GET" || req.headers.rsc !== undefined) return false;
  const path = (req.url ?? "/").split("?")[0]!;
  return PUBLIC_PATHS.some((pattern) => pattern.test(path)) && !PERSONAL_COOKIE.test(req.headers.cookie ?? "");
}

/** `'sha256-…'` of every inline script, as CSP hashes them (the UTF-8 of the text between the tags). */
export function inlineScriptHashes(html: string): string[] {
  const hashes = new Set<string>();
  for (const [, text] of html.matchAll(INLINE_SCRIPT)) hashes.add(`'sha256-${createHash("sha256").update(text!, "utf8").digest("base64")}'`);
  return [...hashes];
}

const addVary = (current: unknown, ...names: string[]) =>
  [...new Set([...String(current ?? "").split(",").map((v) => v.trim()).filter(Boolean), ...names])].join(", ");

type Callback = (error?: Error | null) => void;
const toBuffer = (chunk: unknown, encoding: unknown) =>
  typeof chunk === "string" ? Buffer.from(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8") : Buffer.from(chunk as Uint8Array);

export function servePublicPage(req: IncomingMessage, res: ServerResponse, handle: (req: IncomingMessage, res: ServerResponse) => unknown) {
  req.headers[PUBLIC_PAGE_HEADER] = "1";
  const gzip = /\bgzip\b/.test(req.headers["accept-encoding"] ?? "");
  delete req.headers["accept-encoding"];

  const chunks: Buffer[] = [];
  const end = res.end.bind(res);
  const writeHead = res.writeHead;
  // The headers are decided once the page is complete: until then a status and headers given to writeHead (Next's
  // compression layer calls it before the first write) are only recorded.
  res.flushHeaders = () => {};
  res.writeHead = ((status: number, ...rest: unknown[]) => {
    res.statusCode = status;
    const headers = rest.find((arg) => typeof arg === "object" && arg !== null);
    const pairs = Array.isArray(headers) ? headers.flatMap((_, i) => (i % 2 ? [] : [[headers[i], headers[i + 1]]])) : Object.entries(headers ?? {});
    for (const [name, value] of pairs) res.setHeader(String(name), value as string);
    return res;
  }) as ServerResponse["writeHead"];
  res.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
    chunks.push(toBuffer(chunk, encoding));
    (typeof encoding === "function" ? (encoding as Callback) : (callback as Callback | undefined))?.();
    return true;
  }) as ServerResponse["write"];
  res.end = ((chunk?: unknown, encoding?: unknown, callback?: unknown) => {
    if (typeof chunk === "function") callback = chunk;
    else if (chunk != null) chunks.push(toBuffer(chunk, encoding));
    if (typeof encoding === "function") callback = encoding;
    let body = Buffer.concat(chunks);
    res.setHeader("Content-Security-Policy", contentSecurityPolicy(inlineScriptHashes(body.toString("utf8"))));
    const page = res.statusCode === 200 && String(res.getHeader("content-type")).startsWith("text/html") && !res.hasHeader("set-cookie");
    if (page) {
      // Weak: the gzip and plain bytes of one page share it.
      const etag = `W/"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
      res.setHeader("Cache-Control", PUBLIC_CACHE_CONTROL);
      res.setHeader("Vary", addVary(res.getHeader("vary"), "Cookie", "Accept-Encoding"));
      res.setHeader("ETag", etag);
      if ((req.headers["if-none-match"] ?? "").split(",").some((tag) => tag.trim() === etag)) {
        res.statusCode = 304;
        body = Buffer.alloc(0);
      }
    }
    if (gzip && body.length > 1024) {
      body = gzipSync(body);
      res.setHeader("Content-Encoding", "gzip");
    }
    if (res.statusCode !== 304) res.setHeader("Content-Length", body.length);
    res.writeHead = writeHead;
    return end(body, callback as Callback | undefined);
  }) as ServerResponse["end"];
  return handle(req, res);
}
