import "server-only";
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { ZodType } from "zod";
import type { Db, Queryable } from "@/db/client";
import { log } from "@/lib/log";
import { appendPaymentEvent } from "@/lib/payments/events";
import type { PayPalEnvironment } from "./environment";
import { isRetryable, PayPalError } from "./errors";
import { tokenSchema } from "./schemas";
import { TokenCache } from "./token";

export type PayPalClientOptions = {
  env: PayPalEnvironment;
  db: Db;
  /** Per attempt. */
  timeoutMs?: number;
  /** Retries of idempotent calls after the first attempt. */
  maxRetries?: number;
  /** First backoff; doubles each retry, with jitter. */
  retryBaseMs?: number;
};

export type PayPalCall<T> = {
  /** A stable name for logs and the events log, e.g. "orders.capture". */
  operation: string;
  method: "GET" | "POST";
  path: string;
  body?: unknown;
  /** PayPal-Request-Id: makes a POST idempotent, and therefore retryable. */
  requestId?: string;
  schema: ZodType<T>;
  /** Our order this call concerns, linked in the events log. */
  orderId?: string | null;
  /** Or our subscription. */
  subscriptionId?: string | null;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The REST client. Every call: bearer token from the shared cache (one refresh and one retry on 401),
 * a timeout, retries with backoff for idempotent calls on network errors / 5xx / 429, a log line with method,
 * path, status, debug id and duration (never credentials or tokens), and the raw response appended to the
 * payment events log before the caller sees it.
 */
export class PayPalClient {
  readonly env: PayPalEnvironment;
  private readonly db: Db;
  private readonly tokens: TokenCache;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly retryBaseMs: number;
  /** Keep-alive connections to PayPal, reused across calls (they honour the server's Keep-Alive timeout hint). */
  private readonly agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

  constructor(options: PayPalClientOptions) {
    this.env = options.env;
    this.db = options.db;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.maxRetries = options.maxRetries ?? 3;
    this.retryBaseMs = options.retryBaseMs ?? 200;
    this.tokens = new TokenCache(options.db, `paypal:${options.env.mode}:${options.env.clientId}`, (db) => this.fetchToken(db));
  }

  async call<T>(call: PayPalCall<T>): Promise<T> {
    const idempotent = call.method === "GET" || call.requestId !== undefined;
    let refreshedToken = false;
    for (let attempt = 0; ; attempt++) {
      let token: string;
      try {
        token = await this.tokens.get();
      } catch (error) {
        if (!(error instanceof PayPalError) || !isRetryable(error) || attempt >= this.maxRetries) throw error;
        await sleep(this.backoff(attempt));
        continue;
      }
      const outcome = await this.send(call, token, attempt);
      if (outcome.ok) return outcome.value;
      const error = outcome.error;
      if (error.status === 401 && !refreshedToken) {
        refreshedToken = true; // an expired or revoked token: one fresh token, one more try
        await this.tokens.invalidate(token);
        attempt--;
        continue;
      }
      if (!idempotent || !isRetryable(error) || attempt >= this.maxRetries) throw error;
      await sleep(outcome.retryAfterMs ?? this.backoff(attempt));
    }
  }

  /**
   * Asks PayPal for a token with these credentials and drops it ("Test connection"): the shared token cache is
   * neither read nor written, so a test can neither pass on a cached token nor leave one behind.
   */
  async checkCredentials(): Promise<{ expiresInSeconds: number }> {
    const { expiresInSeconds } = await this.fetchToken(this.db);
    return { expiresInSeconds };
  }

  private backoff(attempt: number) {
    const base = this.retryBaseMs * 2 ** attempt;
    return base / 2 + Math.random() * base;
  }

  private async send<T>(call: PayPalCall<T>, token: string, attempt: number): Promise<{ ok: true; value: T } | { ok: false; error: PayPalError; retryAfterMs?: number }> {
    const started = performance.now();
    const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: "application/json" };
    if (call.method === "POST") {
      headers["Content-Type"] = "application/json";
      headers.Prefer = "return=representation";
    }
    if (call.requestId) headers["PayPal-Request-Id"] = call.requestId;

    let response: HttpAnswer;
    try {
      response = await exchange(this.agents, `${this.env.apiBase}${call.path}`, {
        method: call.method,
        headers,
        body: call.method === "POST" ? JSON.stringify(call.body ?? {}) : undefined,
        timeoutMs: this.timeoutMs,
      });
    } catch (cause) {
      const detail = cause instanceof Error && cause.name === "TimeoutError" ? `no answer within ${this.timeoutMs} ms` : String((cause as Error)?.cause ?? cause);
      this.logCall(call, 0, null, started, attempt, detail);
      await this.record(call, 0, { transport_error: detail });
      return { ok: false, error: PayPalError.network(detail) };
    }

    const text = response.text;
    const body = parseJson(text);
    const debugId = response.header("paypal-debug-id") ?? (body as { debug_id?: string } | null)?.debug_id ?? null;
    this.logCall(call, response.status, debugId, started, attempt);
    await this.record(call, response.status, body ?? { unparsed_body: text.slice(0, 2000) });

    if (response.status < 200 || response.status > 299) {
      const retryAfter = Number(response.header("retry-after"));
      return {
        ok: false,
        error: PayPalError.fromResponse(response.status, body, debugId),
        retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 30) * 1000 : undefined,
      };
    }
    const parsed = call.schema.safeParse(body);
    if (!parsed.success) {
      return { ok: false, error: new PayPalError(`Unexpected ${call.operation} response: ${parsed.error.message}`, "protocol", response.status, "UNEXPECTED_RESPONSE", debugId) };
    }
    return { ok: true, value: parsed.data };
  }

  private record(call: PayPalCall<unknown>, status: number, raw: unknown, db: Queryable = this.db) {
    return appendPaymentEvent(db, {
      provider: "paypal",
      source: "api",
      type: call.operation,
      orderId: call.orderId ?? null,
      subscriptionId: call.subscriptionId ?? null,
      httpStatus: status,
      raw: raw as object,
    });
  }

  private logCall(call: PayPalCall<unknown>, status: number, debugId: string | null, started: number, attempt: number, error?: string) {
    log[status >= 200 && status < 300 ? "info" : "warn"](
      { paypal: { op: call.operation, method: call.method, path: call.path, status, debugId, ms: Math.round(performance.now() - started), attempt, error } },
      "paypal call",
    );
  }

  private async fetchToken(db: Queryable) {
    const started = performance.now();
    const call = { operation: "oauth.token", method: "POST", path: "/v1/oauth2/token" } as const;
    let response: HttpAnswer;
    try {
      response = await exchange(this.agents, `${this.env.apiBase}/v1/oauth2/token`, {
        method: "POST",
        headers: {
          Authorization: `Basic ${Buffer.from(`${this.env.clientId}:${this.env.clientSecret}`).toString("base64")}`,
          "Content-Type": "application/x-www-form-urlencoded",
          Accept: "application/json",
        },
        body: "grant_type=client_credentials",
        timeoutMs: this.timeoutMs,
      });
    } catch (cause) {
      this.logCall({ ...call, schema: tokenSchema }, 0, null, started, 0, String(cause));
      throw PayPalError.network(`token request failed: ${String((cause as Error)?.cause ?? cause)}`);
    }
    const body = parseJson(response.text);
    const debugId = response.header("paypal-debug-id");
    this.logCall({ ...call, schema: tokenSchema }, response.status, debugId, started, 0);
    // The token itself is a secret: the events log keeps everything but it.
    const { access_token: _secret, nonce: _nonce, ...kept } = (body ?? {}) as Record<string, unknown>;
    await this.record({ ...call, schema: tokenSchema }, response.status, kept, db);
    if (response.status < 200 || response.status > 299) throw PayPalError.fromResponse(response.status, body, debugId);
    const parsed = tokenSchema.safeParse(body);
    if (!parsed.success) throw new PayPalError("Unexpected token response", "protocol", response.status, "UNEXPECTED_RESPONSE", debugId);
    return { accessToken: parsed.data.access_token, expiresInSeconds: parsed.data.expires_in };
  }
}

type HttpAnswer = { status: number; header(name: string): string | null; text: string };

/**
 * One HTTP exchange over the client's keep-alive agents (node:http/https cost far less CPU per call than fetch).
 * Resolves with the complete answer; rejects on a network error, or with a TimeoutError when the complete answer
 * has not arrived within `timeoutMs`.
 */
function exchange(
  agents: { http: HttpAgent; https: HttpsAgent },
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; timeoutMs: number },
): Promise<HttpAnswer> {
  const target = new URL(url);
  const secure = target.protocol === "https:";
  const headers = init.body === undefined ? init.headers : { ...init.headers, "Content-Length": String(Buffer.byteLength(init.body)) };
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    const request = (secure ? httpsRequest : httpRequest)(target, { method: init.method, headers, agent: secure ? agents.https : agents.http }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", fail); // the connection broke before the body was complete
      response.on("end", () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, header: (name) => headerValue(response.headers, name), text: Buffer.concat(chunks).toString("utf8") });
      });
    });
    const timer = setTimeout(() => request.destroy(Object.assign(new Error(`no answer within ${init.timeoutMs} ms`), { name: "TimeoutError" })), init.timeoutMs);
    request.on("error", fail);
    request.end(init.body);
  });
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(", ") : (value ?? null);
}

function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
