/**
 * The Stripe emulator's HTTP side: `/v1/…` answers the official `stripe` SDK like test mode does (Bearer secret
 * key, form-encoded bodies, Idempotency-Key replay, Stripe's error envelope and statuses, Request-Id and
 * Stripe-Version headers); `/c/pay/…` is the hosted Checkout page; `/__emulator/…` is the control API for tests
 * (a prefix Stripe never uses).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { missing, StripeError } from "./errors";
import { decodeForm, type FormValue } from "./form";
import { newId } from "./ids";
import { API_VERSION, renderDispute, renderRefund } from "./objects";
import { checkoutPage } from "./checkout-page";
import { StripeState } from "./state";
import { Events, type DeliveryPolicy } from "./webhooks";

export type StripeEmulatorOptions = {
  port?: number;
  host?: string;
  /** The URL buyers and the SDK reach it at (defaults to http://host:port). */
  publicUrl?: string;
  secretKey?: string;
  webhookUrl?: string | null;
  webhookSecret?: string;
};

export const STRIPE_DEFAULTS = {
  port: 4020,
  host: "127.0.0.1",
  secretKey: "sk_test_coursepay_local",
  webhookSecret: "whsec_coursepay_local_signing_secret",
};

type Fault = { method: string; path: string; phase: "before" | "after"; kind: "http500" | "drop"; remaining: number };
type Call = { method: string; path: string; status: number | null; idempotencyKey: string | null; time: string; fault?: string };
type Reply = { status: number; body: unknown; headers?: Record<string, string> };
type Stored = { fingerprint: string; reply: Reply | null };

const json = (body: unknown, status = 200): Reply => ({ status, body });

export class StripeEmulator {
  readonly secretKey: string;
  readonly webhookSecret: string;
  readonly events: Events;
  readonly state: StripeState;
  publicUrl = "";
  private clockOffset = 0;
  private latencyMs = 0;
  private faults: Fault[] = [];
  private calls: Call[] = [];
  private idempotency = new Map<string, Stored>();
  private server: Server | null = null;

  constructor(private readonly options: StripeEmulatorOptions) {
    this.secretKey = options.secretKey ?? STRIPE_DEFAULTS.secretKey;
    this.webhookSecret = options.webhookSecret ?? STRIPE_DEFAULTS.webhookSecret;
    const now = () => Math.floor(Date.now() / 1000) + this.clockOffset;
    this.events = new Events({ webhookUrl: options.webhookUrl ?? null, webhookSecret: this.webhookSecret }, now);
    this.state = new StripeState(this.events, () => this.publicUrl, now);
  }

  async listen(): Promise<string> {
    // Idle connections are kept as Stripe's edge keeps them, not Node's default 5 s: a client that reuses a
    // keep-alive connection the server is closing at that moment gets "socket hang up", which api.stripe.com's
    // clients do not see (bench:checkout's bare Stripe side met it after idling between rounds).
    this.server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(this.options.port ?? STRIPE_DEFAULTS.port, this.options.host ?? STRIPE_DEFAULTS.host, resolve));
    const { port } = this.server.address() as AddressInfo;
    this.publicUrl = this.options.publicUrl ?? `http://${this.options.host ?? STRIPE_DEFAULTS.host}:${port}`;
    return this.publicUrl;
  }

  async close(): Promise<void> {
    this.events.close();
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  reset(): void {
    this.state.reset();
    this.events.reset();
    this.faults = [];
    this.calls = [];
    this.idempotency.clear();
    this.clockOffset = 0;
    this.latencyMs = 0;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://emulator");
    const method = req.method ?? "GET";
    try {
      if (url.pathname.startsWith("/__emulator/")) return send(res, await this.control(method, url.pathname.slice("/__emulator".length), raw ? JSON.parse(raw) : {}));
      if (url.pathname.startsWith("/c/pay/")) return this.hostedPage(method, url.pathname.slice("/c/pay/".length), raw, res);
      if (url.pathname.startsWith("/v1/")) return await this.api(req, res, method, url, raw);
      send(res, json({ error: { type: "invalid_request_error", message: `Unrecognized request URL (${method}: ${url.pathname}).` } }, 404));
    } catch (error) {
      if (error instanceof StripeError) return send(res, json(error.body(), error.status));
      console.error("[stripe-emulator] request failed", error);
      send(res, json({ error: { type: "api_error", message: "An unknown error occurred." } }, 500));
    }
  }

  // -- /v1 ---------------------------------------------------------------------------------------

  private async api(req: IncomingMessage, res: ServerResponse, method: string, url: URL, raw: string): Promise<void> {
    const idempotencyKey = method === "POST" ? ((req.headers["idempotency-key"] as string | undefined) ?? null) : null;
    const record = (status: number | null, fault?: string) =>
      this.calls.push({ method, path: url.pathname, status, idempotencyKey, time: new Date().toISOString(), ...(fault ? { fault } : {}) });
    const headers = { "Request-Id": newId("req", 14), "Stripe-Version": API_VERSION, ...(idempotencyKey ? { "Idempotency-Key": idempotencyKey } : {}) };

    const auth = this.authenticate(req.headers.authorization);
    if (auth) {
      record(401);
      return send(res, { ...json(auth.body(), 401), headers });
    }
    if (this.latencyMs) await new Promise((r) => setTimeout(r, this.latencyMs));
    const before = this.takeFault(method, url.pathname, "before");
    if (before) return this.fail(res, before, record);

    let reply: Reply;
    const fingerprint = `${method} ${url.pathname} ${raw}`;
    const stored = idempotencyKey ? this.idempotency.get(idempotencyKey) : undefined;
    if (stored && stored.fingerprint !== fingerprint) {
      reply = json(
        new StripeError(400, "idempotency_error", `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`).body(),
        400,
      );
    } else if (stored && !stored.reply) {
      reply = json(new StripeError(409, "invalid_request_error", "There is currently another in-progress request using this Stripe-Account, Idempotency-Key and endpoint.", { code: "idempotency_key_in_use" }).body(), 409);
    } else if (stored?.reply) {
      reply = { ...stored.reply, headers: { ...stored.reply.headers, "Idempotent-Replayed": "true" } };
    } else {
      if (idempotencyKey) this.idempotency.set(idempotencyKey, { fingerprint, reply: null });
      const params = method === "GET" ? decodeForm(url.search.slice(1)) : decodeForm(raw);
      try {
        reply = this.route(method, url.pathname, params, idempotencyKey);
      } catch (error) {
        if (!(error instanceof StripeError)) throw error;
        reply = json(error.body(), error.status);
      }
      // Stripe stores the first outcome once the request was executed, errors included (validation errors too, here).
      if (idempotencyKey) this.idempotency.set(idempotencyKey, { fingerprint, reply });
    }
    const after = this.takeFault(method, url.pathname, "after");
    if (after) return this.fail(res, after, record);
    record(reply.status);
    send(res, { ...reply, headers: { ...headers, ...reply.headers } });
  }

  private authenticate(header: string | undefined): StripeError | null {
    const key = header?.startsWith("Bearer ") ? header.slice(7) : header?.startsWith("Basic ") ? Buffer.from(header.slice(6), "base64").toString().split(":")[0] : undefined;
    if (!key) {
      return new StripeError(401, "invalid_request_error", "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').");
    }
    if (key !== this.secretKey) return new StripeError(401, "invalid_request_error", `Invalid API Key provided: ${key.slice(0, 8)}${"*".repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`);
    return null;
  }

  private route(method: string, path: string, params: Record<string, FormValue>, idempotencyKey: string | null): Reply {
    const expand = (Array.isArray(params.expand) ? params.expand : params.expand && typeof params.expand === "object" ? Object.values(params.expand) : []).filter((e): e is string => typeof e === "string");
    const { expand: _ignored, ...rest } = params;
    let m: RegExpExecArray | null;
    if (method === "POST" && path === "/v1/checkout/sessions") return json(this.state.renderSession(this.state.createSession(rest), expand));
    if (method === "GET" && path === "/v1/checkout/sessions") {
      const pi = typeof params.payment_intent === "string" ? params.payment_intent : undefined;
      const all = [...this.state.sessions.values()].filter((s) => !pi || s.paymentIntent === pi).sort((a, b) => b.created - a.created);
      return json({ object: "list", data: all.slice(0, 10).map((s) => this.state.renderSession(s)), has_more: all.length > 10, url: "/v1/checkout/sessions" });
    }
    if ((m = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(path)) && method === "GET") return json(this.state.renderSession(this.state.session(m[1]!), expand));
    if ((m = /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/.exec(path)) && method === "POST") return json(this.state.renderSession(this.state.expire(m[1]!)));
    if ((m = /^\/v1\/checkout\/sessions\/([^/]+)\/line_items$/.exec(path)) && method === "GET") return json(this.state.lineItems(this.state.session(m[1]!)));
    if ((m = /^\/v1\/payment_intents\/([^/]+)$/.exec(path)) && method === "GET") return json(this.state.renderIntent(m[1]!, expand.includes("latest_charge")));
    if ((m = /^\/v1\/charges\/([^/]+)$/.exec(path)) && method === "GET") return json(this.state.renderCharge(m[1]!, expand.includes("refunds")));
    if (method === "POST" && path === "/v1/refunds") return json(renderRefund(this.state.createRefund(rest, idempotencyKey)));
    if (method === "GET" && path === "/v1/refunds") return json(this.state.listRefunds(rest));
    if ((m = /^\/v1\/refunds\/([^/]+)$/.exec(path)) && method === "GET") return json(renderRefund(this.state.refund(m[1]!)));
    if (method === "GET" && path === "/v1/disputes") {
      const pi = typeof params.payment_intent === "string" ? params.payment_intent : undefined;
      const all = [...this.state.disputes.values()].filter((d) => !pi || d.paymentIntent === pi).reverse();
      return json({ object: "list", data: all.slice(0, 100).map(renderDispute), has_more: all.length > 100, url: "/v1/disputes" });
    }
    if ((m = /^\/v1\/disputes\/([^/]+)$/.exec(path)) && method === "GET") {
      const dispute = this.state.disputes.get(m[1]!);
      if (!dispute) throw missing("dispute", m[1]!);
      return json(renderDispute(dispute));
    }
    if (method === "GET" && path === "/v1/events") {
      const type = typeof params.type === "string" ? params.type : undefined;
      const all = this.events.all.filter((e) => !type || e.type === type);
      return json({ object: "list", data: all.slice(0, 100), has_more: all.length > 100, url: "/v1/events" });
    }
    if ((m = /^\/v1\/events\/([^/]+)$/.exec(path)) && method === "GET") {
      const event = this.events.all.find((e) => e.id === m![1]);
      if (!event) throw missing("event", m[1]!);
      return json(event);
    }
    throw new StripeError(404, "invalid_request_error", `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`);
  }

  private takeFault(method: string, path: string, phase: Fault["phase"]): Fault | null {
    const fault = this.faults.find((f) => f.phase === phase && f.method === method && path.startsWith(f.path) && f.remaining > 0);
    if (!fault) return null;
    fault.remaining--;
    return fault;
  }

  private fail(res: ServerResponse, fault: Fault, record: (status: number | null, fault?: string) => void): void {
    record(fault.kind === "drop" ? null : 500, `${fault.kind}/${fault.phase}`);
    if (fault.kind === "drop") {
      res.socket?.destroy();
      return;
    }
    send(res, json({ error: { type: "api_error", message: "An unknown error occurred (emulated fault)." } }, 500));
  }

  // -- hosted Checkout page ------------------------------------------------------------------------

  private hostedPage(method: string, id: string, raw: string, res: ServerResponse): void {
    const session = this.state.sessions.get(decodeURIComponent(id));
    if (!session) return sendHtml(res, 404, "<!doctype html><title>Not found</title><p>This checkout does not exist.</p>");
    if (method === "GET") return sendHtml(res, 200, checkoutPage(session));
    const form = new URLSearchParams(raw);
    const card = (form.get("card") ?? "").replace(/\s+/g, "");
    const bank = (form.get("bank") ?? "").replace(/\s+/g, "");
    const buyer = { email: form.get("email") ?? "", name: form.get("name") ?? "" };
    const result = this.state.pay(session.id, card ? { card } : { bankAccount: bank }, buyer);
    if (!result.ok) return sendHtml(res, 200, checkoutPage(session, result.message, { email: buyer.email, card: form.get("card") ?? "" }));
    const target = (session.successUrl ?? this.publicUrl).replaceAll("{CHECKOUT_SESSION_ID}", session.id);
    res.writeHead(303, { Location: target }).end();
  }

  // -- control API --------------------------------------------------------------------------------

  private async control(method: string, path: string, body: Record<string, unknown>): Promise<Reply> {
    let m: RegExpExecArray | null;
    if (method === "GET" && path === "/health") return json({ ok: true, secretKey: this.secretKey.slice(0, 8) });
    if (method === "POST" && path === "/reset") return this.reset(), json({ ok: true });
    if (method === "POST" && path === "/latency") return (this.latencyMs = Number(body.ms ?? 0)), json({ ok: true });
    if (method === "POST" && path === "/clock/advance") return (this.clockOffset += Number(body.seconds ?? 0)), json({ ok: true });
    if (method === "POST" && path === "/faults") {
      this.faults.push({ method: String(body.method ?? "POST"), path: String(body.path), phase: body.phase === "after" ? "after" : "before", kind: body.kind === "drop" ? "drop" : "http500", remaining: Number(body.count ?? 1) });
      return json({ ok: true });
    }
    if (method === "GET" && path === "/calls") return json({ calls: this.calls });
    if (method === "GET" && path === "/deliveries") return json({ deliveries: this.events.deliveries });
    if (method === "POST" && path === "/webhooks/policy") return (this.events.policy = { ...this.events.policy, ...(body as Partial<DeliveryPolicy>) }), json({ policy: this.events.policy });
    if (method === "POST" && path === "/webhooks/release") return json({ released: this.events.release((body.order as "fifo" | "reverse" | "shuffle") ?? "fifo") });
    if (method === "POST" && path === "/webhooks/flush") return json({ idle: await this.events.flush(Number(body.timeoutMs ?? 10_000)) });
    if ((m = /^\/sessions\/([^/]+)$/.exec(path)) && method === "GET") return json(this.state.renderSession(this.state.session(m[1]!), ["line_items", "payment_intent", "payment_intent.latest_charge"]));
    if ((m = /^\/sessions\/([^/]+)\/pay$/.exec(path)) && method === "POST") {
      const method = body.bankAccount ? { bankAccount: String(body.bankAccount) } : { card: String(body.card ?? "4242424242424242") };
      return json(this.state.pay(m[1]!, method, { email: String(body.email ?? "buyer@example.test"), name: String(body.name ?? "Test Buyer") }));
    }
    if ((m = /^\/sessions\/([^/]+)\/settle$/.exec(path)) && method === "POST") return json(this.state.renderSession(this.state.settleAsync(m[1]!, body.succeed === undefined ? undefined : Boolean(body.succeed))));
    if ((m = /^\/charges\/([^/]+)\/refund$/.exec(path)) && method === "POST") {
      return json(renderRefund(this.state.createRefund({ charge: m[1]!, ...(body.amount !== undefined ? { amount: String(body.amount) } : {}) })));
    }
    if ((m = /^\/charges\/([^/]+)\/dispute$/.exec(path)) && method === "POST") return json(renderDispute(this.state.dispute(m[1]!, String(body.reason ?? "fraudulent"))));
    if ((m = /^\/disputes\/([^/]+)\/close$/.exec(path)) && method === "POST") return json(renderDispute(this.state.closeDispute(m[1]!, body.status === "won" ? "won" : "lost")));
    return json({ error: `no control route ${method} ${path}` }, 404);
  }
}

function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, { "Content-Type": "application/json", ...reply.headers });
  res.end(JSON.stringify(reply.body));
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
  res.end(html);
}
