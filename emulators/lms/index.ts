/**
 * A local stand-in for OpenLearning's external-enrolment side (emulators/lms/README.md): course pages whose "Join now"
 * forms POST a freshly signed RS256 JWT to the store's gateway, the enrolment API the store calls after payment
 * (`POST /v2.2/enrolments/?api_key=…`, form body `class=…&user=…`), and a control API for tests. Standalone: it shares
 * no code with lib/, so the store's gateway and this side check each other.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { exportSPKI, generateKeyPair, importPKCS8, SignJWT, type CryptoKey } from "jose";
import { DEMO_PRIVATE_KEY_PEM } from "./demo-key";
import { Webhook } from "standardwebhooks";
import { coursePage, eventsPage, homePage, type DemoCourse } from "./pages";

export type LmsEmulatorOptions = {
  port?: number;
  host?: string;
  /** Where learners reach it (redirect_url and pages use it); defaults to http://localhost:<port>. */
  publicUrl?: string;
  /** The store's gateway endpoint its "Join now" forms post to. */
  gatewayUrl?: string;
  /** The `aud` of its tokens (the institution's portal identifier). */
  audience?: string;
  apiKey?: string;
  /** The signing secret (whsec_…) of the store's webhook endpoint pointing at /hooks/coursepay. */
  webhookSecret?: string;
  /** "demo" (the fixed demo pair) or "generate" (a fresh pair per start). */
  key?: "demo" | "generate";
};

export const LMS_DEFAULTS = {
  port: 4030,
  host: "127.0.0.1",
  gatewayUrl: "http://localhost:3000/gateway/demo-lms/enrol",
  audience: "demo-lms-portal",
  apiKey: "demo-lms-api-key",
};

export const DEMO_COURSES: DemoCourse[] = [
  { id: "marine-ecology", title: "Marine Ecology Field Course", classId: "class-marine-2027", currency: "USD", price: "49.00", blurb: "Six weeks of tide pools, plankton nets and data sheets." },
  { id: "japanese-travel", title: "Japanese for Travellers", classId: "class-jp-spring", currency: "JPY", price: "4800", blurb: "Enough Japanese to order, ask, thank and apologise." },
  { id: "data-journalism", title: "Data Journalism Basics", classId: "class-dj-01", currency: "EUR", price: "39.50", blurb: "Find the story in a spreadsheet and check it twice." },
];

type Enrolment = { id: string; classId: string; user: string; at: string };
type Faults = { failNext: number; status: number; delayMs: number };

export type LmsEmulator = {
  url: string;
  publicKeyPem: string;
  close(): Promise<void>;
  /** A token exactly like a "Join now" form carries (tests may override claims and expiry). */
  signToken(claims?: Record<string, unknown>, options?: { expiresInSeconds?: number }): Promise<string>;
};

export async function startLmsEmulator(options: LmsEmulatorOptions = {}): Promise<LmsEmulator> {
  const port = options.port ?? LMS_DEFAULTS.port;
  const host = options.host ?? LMS_DEFAULTS.host;
  const apiKey = options.apiKey ?? LMS_DEFAULTS.apiKey;
  const audience = options.audience ?? LMS_DEFAULTS.audience;
  const gatewayUrl = options.gatewayUrl ?? LMS_DEFAULTS.gatewayUrl;
  const { privateKey, publicKeyPem } = await signingKey(options.key ?? "demo");

  let enrolments: Enrolment[] = [];
  let calls = 0;
  let faults: Faults = { failNext: 0, status: 503, delayMs: 0 };
  let publicUrl = options.publicUrl ?? "";
  // The outbound-event listener: verified with the store's endpoint secret, deduplicated on webhook-id.
  // Every endpoint secret it was given: a delivery signed with any of them is genuine (the demo's and a test's).
  const hookSecrets = new Set(options.webhookSecret ? [options.webhookSecret] : []);
  let hookFailNext = 0;
  let hookDeliveries = 0;
  let hookRejected = 0;
  const hookEvents = new Map<string, { id: string; type: string; data: unknown; receivedAt: string }>();

  const signToken: LmsEmulator["signToken"] = async (claims = {}, opts = {}) => {
    const course = DEMO_COURSES[0]!;
    const base = {
      jti: randomUUID(),
      sub: "learner-1",
      title: course.title,
      course: course.id,
      class: course.classId,
      currency: course.currency,
      price: course.price,
      redirect_url: `${publicUrl}/courses/${course.id}?learner=learner-1`,
    };
    // A test may name another audience (claims.aud) to see it refused.
    return new SignJWT({ aud: audience, ...base, ...claims })
      .setProtectedHeader({ alg: "RS256", typ: "JWT" })
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + (opts.expiresInSeconds ?? 600))
      .sign(privateKey);
  };

  const tokenFor = (course: DemoCourse, learner: string) =>
    signToken({ sub: learner, title: course.title, course: course.id, class: course.classId, currency: course.currency, price: course.price, redirect_url: `${publicUrl}/courses/${course.id}?learner=${encodeURIComponent(learner)}` });

  async function enrol(req: IncomingMessage, url: URL, res: ServerResponse) {
    calls++;
    if (faults.delayMs) await new Promise((r) => setTimeout(r, faults.delayMs));
    if (faults.failNext > 0) {
      faults.failNext--;
      return send(res, faults.status, { detail: "The enrolment service is temporarily unavailable." });
    }
    if (url.searchParams.get("api_key") !== apiKey) return send(res, 401, { detail: "Invalid API key." });
    if (!(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) return send(res, 415, { detail: "Send the form as application/x-www-form-urlencoded." });
    const form = new URLSearchParams(await readBody(req));
    const classId = form.get("class");
    const user = form.get("user");
    if (!classId || !user) return send(res, 400, { detail: "Both class and user are required." });
    if (!DEMO_COURSES.some((c) => c.classId === classId)) return send(res, 404, { detail: `No class ${classId}.` });
    if (enrolments.some((e) => e.classId === classId && e.user === user)) return send(res, 409, { detail: "User is already enrolled in this class." });
    const enrolment = { id: randomUUID(), classId, user, at: new Date().toISOString() };
    enrolments.push(enrolment);
    send(res, 201, { id: enrolment.id, class: classId, user, status: "enrolled" });
  }

  /** The event, if one of the known secrets signed it (the standardwebhooks library checks signature and timestamp). */
  function verified(body: string, headers: Record<string, string>): { type: string; data: unknown } | null {
    for (const secret of hookSecrets) {
      try {
        return new Webhook(secret).verify(body, headers) as { type: string; data: unknown };
      } catch {
        // not this secret
      }
    }
    return null;
  }

  async function receiveEvent(req: IncomingMessage, res: ServerResponse) {
    const body = await readBody(req);
    hookDeliveries++;
    if (hookFailNext > 0) {
      hookFailNext--;
      return send(res, 500, { detail: "The listener failed (a fault set through the control API)." });
    }
    if (hookSecrets.size === 0) return send(res, 503, { detail: "No signing secret set: POST /__emulator/webhook {secret}." });
    const event = verified(body, req.headers as Record<string, string>);
    if (!event) {
      hookRejected++;
      return send(res, 400, { detail: "Signature check failed: no known secret signed this delivery." });
    }
    const id = String(req.headers["webhook-id"]);
    // A retried delivery of an event already handled is acknowledged and changes nothing.
    if (!hookEvents.has(id)) hookEvents.set(id, { id, type: event.type, data: event.data, receivedAt: new Date().toISOString() });
    send(res, 204, null);
  }

  async function control(req: IncomingMessage, path: string, res: ServerResponse) {
    if (path === "/__emulator/health") return send(res, 200, { ok: true });
    if (path === "/__emulator/public-key") return send(res, 200, { publicKeyPem, audience });
    if (path === "/__emulator/enrolments") return send(res, 200, { enrolments, calls });
    if (path === "/__emulator/events") return send(res, 200, { deliveries: hookDeliveries, rejected: hookRejected, events: [...hookEvents.values()] });
    if (req.method !== "POST") return send(res, 405, { detail: "POST" });
    const body = JSON.parse((await readBody(req)) || "{}") as Record<string, unknown>;
    if (path === "/__emulator/reset") {
      enrolments = [];
      calls = 0;
      faults = { failNext: 0, status: 503, delayMs: 0 };
      hookEvents.clear();
      hookDeliveries = hookRejected = hookFailNext = 0;
      return send(res, 200, { ok: true });
    }
    if (path === "/__emulator/faults") {
      faults = { failNext: Number(body.failNext ?? 0), status: Number(body.status ?? 503), delayMs: Number(body.delayMs ?? 0) };
      return send(res, 200, faults);
    }
    if (path === "/__emulator/webhook") {
      if (typeof body.secret === "string") hookSecrets.add(body.secret);
      hookFailNext = Number(body.failNext ?? 0);
      return send(res, 200, { ok: true });
    }
    if (path === "/__emulator/token") {
      const { expiresInSeconds, ...claims } = body;
      return send(res, 200, { jwt: await signToken(claims, { expiresInSeconds: expiresInSeconds === undefined ? undefined : Number(expiresInSeconds) }) });
    }
    send(res, 404, { detail: "Unknown control call." });
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://lms.local");
    const handle = async () => {
      if (url.pathname === "/v2.2/enrolments/" && req.method === "POST") return enrol(req, url, res);
      if (url.pathname === "/hooks/coursepay" && req.method === "POST") return receiveEvent(req, res);
      if (url.pathname === "/events") return html(res, eventsPage([...hookEvents.values()], hookSecrets.size > 0));
      if (url.pathname.startsWith("/__emulator/")) return control(req, url.pathname, res);
      const learner = (url.searchParams.get("learner") ?? "learner-1").slice(0, 60);
      if (url.pathname === "/") {
        const tokens = await Promise.all(DEMO_COURSES.map((c) => tokenFor(c, learner)));
        return html(res, homePage({ courses: DEMO_COURSES, tokens, gatewayUrl, learner, publicKeyPem }));
      }
      const course = DEMO_COURSES.find((c) => url.pathname === `/courses/${c.id}`);
      if (course) {
        const enrolled = enrolments.some((e) => e.classId === course.classId && e.user === learner);
        return html(res, coursePage({ course, token: enrolled ? null : await tokenFor(course, learner), gatewayUrl, learner, enrolled }));
      }
      send(res, 404, { detail: "Not found." });
    };
    handle().catch((error: unknown) => send(res, 500, { detail: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const bound = (server.address() as AddressInfo).port;
  publicUrl ||= `http://localhost:${bound}`;
  return {
    url: `http://${host}:${bound}`,
    publicKeyPem,
    signToken,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function signingKey(kind: "demo" | "generate"): Promise<{ privateKey: CryptoKey; publicKeyPem: string }> {
  if (kind === "generate") {
    const pair = await generateKeyPair("RS256", { extractable: true });
    return { privateKey: pair.privateKey, publicKeyPem: await exportSPKI(pair.publicKey) };
  }
  const privateKey = await importPKCS8(DEMO_PRIVATE_KEY_PEM, "RS256", { extractable: true });
  const { createPublicKey } = await import("node:crypto");
  const publicKeyPem = createPublicKey(DEMO_PRIVATE_KEY_PEM).export({ type: "spki", format: "pem" }).toString();
  return { privateKey, publicKeyPem };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
      if (body.length > 64_000) req.destroy(new Error("body too large"));
    });
    req.on("end", () => resolve(body));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

function html(res: ServerResponse, page: string) {
  res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(page);
}

export function lmsOptionsFromEnv(env: Record<string, string | undefined>): LmsEmulatorOptions {
  return {
    port: env.LMS_EMULATOR_PORT ? Number(env.LMS_EMULATOR_PORT) : undefined,
    host: env.LMS_EMULATOR_HOST,
    publicUrl: env.LMS_EMULATOR_PUBLIC_URL,
    gatewayUrl: env.LMS_EMULATOR_GATEWAY_URL,
    audience: env.LMS_EMULATOR_AUDIENCE,
    apiKey: env.LMS_EMULATOR_API_KEY,
    key: env.LMS_EMULATOR_KEY === "generate" ? "generate" : "demo",
    webhookSecret: env.LMS_EMULATOR_WEBHOOK_SECRET,
  };
}
