/**
 * What every request goes through before Next.js sees it (server.ts): the forwarding headers rewritten from the
 * socket (lib/http/forwarded.ts), security headers on every response, and server-action requests that Next.js
 * would answer with a 500 (a foreign Origin, a malformed action id or body type) refused with a 4xx instead.
 */
import { ACTION_BODY_LIMIT_BYTES } from "./limits";
import type { IncomingMessage, ServerResponse } from "node:http";
import { forwarded } from "./forwarded";
import { PUBLIC_PAGE_HEADER } from "./csp";

/**
 * Powerful browser features the store never uses; PayPal's buttons need none of them (payment stays allowed).
 * Only names the browsers enforce: Chromium logs a console warning on every page for a name it does not know
 * (Chromium 156 knows neither `ambient-light-sensor` nor `bluetooth`), and such a name would guard nothing anyway.
 */
const PERMISSIONS_POLICY = [
  "accelerometer=()",
  "autoplay=()",
  "camera=()",
  "display-capture=()",
  "geolocation=()",
  "gyroscope=()",
  "hid=()",
  "magnetometer=()",
  "microphone=()",
  "midi=()",
  "serial=()",
  "usb=()",
  "xr-spatial-tracking=()",
].join(", ");

const HSTS = "max-age=63072000; includeSubDomains";

/** Next.js action ids are hex digests; anything else cannot name an action. */
const ACTION_ID = /^[0-9a-f]{16,128}$/i;
const ACTION_BODY_TYPES = ["multipart/form-data", "application/x-www-form-urlencoded", "text/plain"];

type Refusal = { status: number; message: string };

/** The same limit as Next's (serverActions.bodySizeLimit). */
const ACTION_BODY_LIMIT = ACTION_BODY_LIMIT_BYTES;
const malformed: Refusal = { status: 400, message: "Malformed action request." };

function isActionRequest(req: IncomingMessage) {
  return req.method === "POST" && req.headers["next-action"] !== undefined;
}

/** What can be decided from the headers alone. */
function refuseActionHeaders(req: IncomingMessage, host: string | undefined): Refusal | null {
  const action = req.headers["next-action"];
  if (typeof action !== "string" || !ACTION_ID.test(action)) return malformed;
  const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (!ACTION_BODY_TYPES.includes(type)) return malformed;
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let originHost: string | null = null;
    try {
      originHost = new URL(origin).host;
    } catch {
      // "null" or garbage: not this site
    }
    if (originHost !== host) return { status: 403, message: "Cross-site action request refused." };
  }
  const length = Number(req.headers["content-length"]);
  if (!Number.isInteger(length)) return { status: 411, message: "An action request needs a Content-Length." };
  if (length > ACTION_BODY_LIMIT) return { status: 413, message: "The request is too large." };
  return null;
}

/**
 * Reads the action's body and puts it back on the request for Next.js: readable chunks are taken until
 * Content-Length bytes are in, then unshifted in the same tick, before the stream can emit its end.
 */
function peekBody(req: IncomingMessage, length: number): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (body: Buffer | null) => {
      req.off("readable", onReadable);
      req.off("end", onEnd);
      req.off("error", onEnd);
      resolve(body);
    };
    function onReadable() {
      for (let chunk: Buffer | null; (chunk = req.read() as Buffer | null) !== null; ) {
        chunks.push(chunk);
        size += chunk.length;
        if (size > length) return done(null);
        if (size === length) {
          const body = Buffer.concat(chunks);
          req.unshift(body);
          return done(body);
        }
      }
    }
    function onEnd() {
      done(size === length ? Buffer.alloc(0) : null); // shorter than announced, or the client went away
    }
    if (length === 0) return resolve(Buffer.alloc(0));
    req.on("readable", onReadable);
    req.on("end", onEnd);
    req.on("error", onEnd);
  });
}

/** A body Next.js would fail to decode (with a 500): text/plain must be JSON, multipart must parse. */
async function refuseActionBody(req: IncomingMessage): Promise<Refusal | null> {
  const body = await peekBody(req, Number(req.headers["content-length"]));
  if (body === null) return malformed;
  const type = req.headers["content-type"]!;
  try {
    if (type.startsWith("text/plain")) JSON.parse(body.toString("utf8"));
    else if (type.startsWith("multipart/form-data")) await new Response(new Uint8Array(body), { headers: { "content-type": type } }).formData();
  } catch {
    return malformed;
  }
  return null;
}

/**
 * Prepares `req` for Next.js and sets the response headers every answer carries. Resolves false when it already
 * answered (a refused action request).
 */
export async function applyEdge(req: IncomingMessage, res: ServerResponse, hops: number): Promise<boolean> {
  const seen = forwarded(req.socket as { remoteAddress?: string; encrypted?: boolean }, req.headers, hops);
  req.headers["x-forwarded-for"] = seen.ip;
  req.headers["x-forwarded-proto"] = seen.proto;
  if (seen.host) req.headers["x-forwarded-host"] = seen.host;
  else delete req.headers["x-forwarded-host"];

  // Only server.ts says a page is a visitor's public page (lib/http/public-pages.ts).
  delete req.headers[PUBLIC_PAGE_HEADER];
  res.setHeader("Permissions-Policy", PERMISSIONS_POLICY);
  if (seen.proto === "https") res.setHeader("Strict-Transport-Security", HSTS);

  if (!isActionRequest(req)) return true;
  const refusal = refuseActionHeaders(req, seen.host ?? req.headers.host) ?? (await refuseActionBody(req));
  if (!refusal) return true;
  res.writeHead(refusal.status, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" });
  res.end(refusal.message);
  return false;
}
