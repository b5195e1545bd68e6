/**
 * HTTP in front of the emulator. A REST call goes through PayPal's order of concerns: authentication, negative
 * testing header, `PayPal-Request-Id`, then the emulator's own latency and faults around the operation, and is
 * recorded in the call log. Everything is in memory and synchronous per request, so a call costs well under a
 * millisecond; notifications leave through the delivery queues, never on the request path.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { Emulator } from "./emulator";
import { errorBody, OAuthError, PayPalError, requestInProgress } from "./errors";
import type { FaultRule } from "./faults";
import { debugId as newDebugId } from "./ids";
import { mockedFailure } from "./mock-response";
import { parseJsonBody, type Reply, type RequestContext, type Route } from "./router";

const MAX_BODY_BYTES = 1 << 20;

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new PayPalError(400, [{ issue: "INVALID_REQUEST_LENGTH", location: "body" }]));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

function errorReply(error: unknown, endpoint: string, debugId: string): Reply {
  if (error instanceof PayPalError) return { status: error.status, body: errorBody(error, endpoint, debugId) };
  if (error instanceof OAuthError) return { status: error.status, body: { error: error.error, error_description: error.description } };
  console.error("[paypal-emulator] unexpected error", error);
  return { status: 500, body: errorBody(new PayPalError(500), endpoint, debugId) };
}

function send(response: ServerResponse, reply: Reply, debugId: string): void {
  const payload = reply.text ?? (reply.body === undefined || reply.status === 204 ? "" : JSON.stringify(reply.body));
  const headers: Record<string, string | number> = {
    "paypal-debug-id": debugId,
    ...reply.headers,
  };
  if (payload.length > 0 || reply.status !== 204) {
    headers["content-type"] = reply.contentType ?? "application/json";
    headers["content-length"] = Buffer.byteLength(payload);
  }
  response.writeHead(reply.status, headers);
  response.end(payload);
}

/** The recorded form of a request body: the JSON the handler parsed, else the raw text. */
function loggedBody(raw: Buffer, parsed: { value: unknown } | undefined): unknown {
  if (raw.length === 0) return null;
  return parsed ? parsed.value : raw.toString("utf8");
}

export class EmulatorServer {
  readonly http: Server;
  private attached: Emulator | undefined;

  /**
   * The server listens before the emulator exists because the public URL (part of its configuration) depends
   * on the port, which is only known after listening on port 0. Until `attach`, requests get a 503.
   */
  constructor() {
    this.http = createServer({ keepAliveTimeout: 65_000 }, (request, response) => {
      if (!this.attached) {
        response.writeHead(503).end();
        return;
      }
      this.handle(request, response).catch((error: unknown) => {
        console.error("[paypal-emulator] request failed", error);
        if (!response.headersSent) send(response, errorReply(error, "", newDebugId()), newDebugId());
        else response.destroy();
      });
    });
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.http.once("error", reject);
      this.http.listen(port, host, () => resolve((this.http.address() as AddressInfo).port));
    });
  }

  attach(emulator: Emulator): void {
    this.attached = emulator;
  }

  close(): Promise<void> {
    this.attached?.close();
    return new Promise((resolve, reject) => {
      this.http.close((error) => (error ? reject(error) : resolve()));
      this.http.closeAllConnections();
    });
  }

  private get emulator(): Emulator {
    if (!this.attached) throw new Error("emulator not attached");
    return this.attached;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? "GET";
    const url = new URL(request.url ?? "/", "http://emulator.invalid");
    const debugId = newDebugId();
    let raw: Buffer;
    try {
      raw = await readBody(request);
    } catch (error) {
      send(response, errorReply(error, `${method} ${url.pathname}`, debugId), debugId);
      return;
    }
    const match = this.emulator.router.match(method, url.pathname);
    if (!match || "methodNotAllowed" in match) {
      const status = match ? 405 : 404;
      send(response, { status, body: errorBody(new PayPalError(status), `${method} ${url.pathname}`, debugId) }, debugId);
      return;
    }
    const { route, params } = match;
    const context: RequestContext & { parsed?: { value: unknown } } = {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: request.headers,
      rawBody: raw,
      params,
      endpoint: `${method} ${route.template}`,
      debugId,
      json() {
        this.parsed ??= { value: parseJsonBody(raw) };
        return this.parsed.value;
      },
    };
    if (route.kind === "control" || route.kind === "public") {
      // PayPal's public resources fail too (an unreachable certificate host, a failing IPN post-back).
      const fault = route.kind === "public" ? this.emulator.faults.take(context.method, context.path, "before") : undefined;
      if (fault) return this.fail(fault, context, response);
      send(response, await this.run(route, context), debugId);
      return;
    }
    await this.serveApiCall(route, context, request, response);
  }

  private async run(route: Route, context: RequestContext): Promise<Reply> {
    try {
      return await route.handler(context);
    } catch (error) {
      return errorReply(error, context.endpoint, context.debugId);
    }
  }

  private async serveApiCall(
    route: Route,
    context: RequestContext & { parsed?: { value: unknown } },
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const { emulator } = this;
    const requestIdHeader = request.headers["paypal-request-id"];
    const requestId = typeof requestIdHeader === "string" && requestIdHeader.length > 0 ? requestIdHeader : null;
    const record = (status: number | null, fault?: FaultRule) =>
      emulator.calls.record({
        method: context.method,
        path: context.path,
        status,
        requestId,
        body: loggedBody(context.rawBody, context.parsed),
        time: new Date().toISOString(),
        debugId: context.debugId,
        ...(fault ? { fault: `${fault.kind}/${fault.phase}` } : {}),
      });

    let claimedKey: string | undefined;
    let reply: Reply;
    try {
      if (route.kind === "rest") {
        emulator.tokens.authenticate(request.headers.authorization);
        const mocked = mockedFailure(request.headers["paypal-mock-response"], context.endpoint);
        if (mocked) throw mocked;
      }
      let replayed: Reply | undefined;
      if (route.idempotencySeconds !== undefined && requestId !== null) {
        const key = `${context.method} ${context.path} ${requestId}`;
        const claim = emulator.idempotency.claim(key);
        if (claim.kind === "in-progress") throw requestInProgress();
        if (claim.kind === "replay") replayed = claim.reply;
        else claimedKey = key;
      }
      if (emulator.latencyMs > 0) await sleep(emulator.latencyMs, undefined, { signal: emulator.closing.signal });
      const before = emulator.faults.take(context.method, context.path, "before");
      if (before) {
        await this.fail(before, context, response);
        if (claimedKey) emulator.idempotency.release(claimedKey);
        record(before.kind.startsWith("http") ? response.statusCode : null, before);
        return;
      }
      reply = replayed ?? (await route.handler(context));
      if (claimedKey) emulator.idempotency.complete(claimedKey, reply, route.idempotencySeconds ?? 0);
    } catch (error) {
      if (claimedKey) emulator.idempotency.release(claimedKey);
      if (emulator.closing.signal.aborted) {
        response.destroy();
        return;
      }
      reply = errorReply(error, context.endpoint, context.debugId);
    }
    const after = emulator.faults.take(context.method, context.path, "after");
    if (after) {
      await this.fail(after, context, response);
      record(after.kind.startsWith("http") ? response.statusCode : null, after);
      return;
    }
    record(reply.status);
    send(response, reply, context.debugId);
  }

  /** Answers with the fault instead of the real result: a PayPal 500/503, a dropped connection, or silence. */
  private async fail(fault: FaultRule, context: RequestContext, response: ServerResponse): Promise<void> {
    if (fault.kind === "http500" || fault.kind === "http503") {
      const status = fault.kind === "http500" ? 500 : 503;
      send(response, { status, body: errorBody(new PayPalError(status), context.endpoint, context.debugId) }, context.debugId);
      return;
    }
    if (fault.kind === "timeout") {
      await sleep(fault.holdMs ?? this.emulator.config.faultTimeoutMs, undefined, { signal: this.emulator.closing.signal }).catch(() => undefined);
      response.destroy();
      return;
    }
    response.socket?.resetAndDestroy();
  }
}
