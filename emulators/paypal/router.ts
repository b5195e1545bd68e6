/**
 * A small exact-segment router. Routes are written with the OpenAPI path templates (`/v2/checkout/orders/{id}`)
 * so that the matched template doubles as the key into PayPal's per-endpoint issue catalogue.
 */
import type { IncomingHttpHeaders } from "node:http";
import { malformedJson } from "./errors";

export interface RequestContext {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: Buffer;
  readonly params: Readonly<Record<string, string>>;
  /** `"POST /v2/checkout/orders/{id}/capture"`: method plus the route template. */
  readonly endpoint: string;
  readonly debugId: string;
  /** The parsed JSON body; an empty body reads as `{}`, malformed JSON throws PayPal's `MALFORMED_REQUEST_JSON`. */
  json(): unknown;
}

export interface Reply {
  status: number;
  body?: unknown;
  /** A non-JSON body (HTML, JavaScript, PEM, plain text). */
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /**
   * For idempotent operations: how to answer a later request with the same `PayPal-Request-Id`. PayPal replays
   * the *current* state of what the first request created, with 200 instead of 201.
   */
  replay?: () => Reply;
}

export type Handler = (context: RequestContext) => Reply | Promise<Reply>;

export type RouteKind =
  /** PayPal REST API: bearer auth, call log, latency, faults, negative testing. */
  | "rest"
  /** The OAuth token call: REST-like (logged, latency, faults) but authenticated by Basic credentials. */
  | "token"
  /** Public non-API resources PayPal serves without auth (approval pages, SDK script, certs, IPN post-back). */
  | "public"
  /** The emulator's own control API under `/__emulator`. */
  | "control";

export interface RouteOptions {
  kind: RouteKind;
  /** Honour `PayPal-Request-Id`, keeping successful results this long (emulator clock). */
  idempotencySeconds?: number;
}

export interface Route extends RouteOptions {
  method: string;
  template: string;
  handler: Handler;
  segments: readonly string[];
}

export type Match = { route: Route; params: Record<string, string> } | { methodNotAllowed: true } | undefined;

const splitPath = (path: string): string[] => path.split("/").filter((segment) => segment.length > 0);

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, template: string, options: RouteOptions, handler: Handler): void {
    this.routes.push({ ...options, method, template, handler, segments: splitPath(template) });
  }

  match(method: string, path: string): Match {
    const segments = splitPath(path);
    let pathMatched = false;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      if (route.method === method) return { route, params };
      pathMatched = true;
    }
    return pathMatched ? { methodNotAllowed: true } : undefined;
  }
}

function matchSegments(pattern: readonly string[], actual: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i] as string;
    const segment = actual[i] as string;
    if (expected.startsWith("{") && expected.endsWith("}")) {
      try {
        params[expected.slice(1, -1)] = decodeURIComponent(segment);
      } catch {
        return undefined;
      }
    } else if (expected !== segment) {
      return undefined;
    }
  }
  return params;
}

/** Parses a JSON request body the way PayPal does: empty means "no fields", anything unparsable is a 400. */
export function parseJsonBody(raw: Buffer): unknown {
  if (raw.length === 0) return {};
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw malformedJson();
  }
}

/** `Prefer: return=representation` asks for the full resource; PayPal's default is `return=minimal`. */
export const prefersRepresentation = (context: RequestContext): boolean =>
  /return=representation/i.test(String(context.headers.prefer ?? ""));
