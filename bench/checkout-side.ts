/**
 * One side of `npm run bench:checkout` ("ours", "bare" or "floor" for one provider), in a process of its own, run by
 * bench/checkout.ts over IPC: it builds its checkout once, then runs the rounds it is asked for and reports each one's
 * timings and this process's CPU.
 *
 * Why a process per side: a store's app process runs only the store's code. When the three sides shared one process,
 * the code they share (node:http, postgres.js's message handlers) was compiled for all three: V8 kept optimizing 30–90
 * functions in each measured round of ours and deoptimized postgres.js's handlers ("wrong map") after a round of the
 * floor, and that CPU was charged to whichever side ran next.
 */
import { randomUUID } from "node:crypto";
import { Agent } from "node:http";
import postgres, { type Sql } from "postgres";
import type { Db, DbHandle } from "@/db/client";
import { httpCall, profiled, threadCpuMs, type HttpResult } from "./support";

// The OAuth token cache encrypts what it stores; a throw-away key is enough for a throw-away database.
process.env.COURSEPAY_ENCRYPTION_KEY ??= "bench-checkout-encryption-key";

export type ProviderName = "paypal" | "stripe";
export type Side = "ours" | "bare" | "floor";
export type Timing = { create: number; capture: number };
export type Buyer = { userId: string; courseId: string };

/** What the coordinator tells a side's process first: everything it needs to build its checkout. */
export type SideInit = {
  provider: ProviderName;
  side: Side;
  databaseUrl: string;
  emulatorUrl: string;
  /** ours: one seeded buyer (their own user and course) per checkout this side will run. */
  buyers: Buyer[];
  /** floor: one-row inserts per checkout (what ours sends). */
  statements: number;
  priceMinor: number;
};

/**
 * One round's checkouts as this process saw them: timings of the recorded ones, and this process's CPU over the round
 * (all threads, of which sys in the kernel and main on the main thread: the rest is V8's garbage collector and
 * optimizing compiler threads and libuv's pool) and voluntary context switches, each already apportioned to the
 * recorded checkouts by `share` (recorded ÷ run), which the coordinator applies to the database's CPU it reads.
 */
export type RoundResult = { timings: Timing[]; seconds: number; cpuMicros: number; sysMicros: number; mainMs: number; wakeups: number; share: number };

export type ToSide = { type: "init"; init: SideInit } | { type: "round"; profile: string | null; concurrency: number; recorded: number; spreadMs: number } | { type: "approvals"; count: number } | { type: "close" };
export type FromSide =
  | { type: "ready"; statements: number | null }
  | { type: "round"; result: RoundResult }
  | { type: "approvals"; cpuMs: number }
  | { type: "closed"; buyersUsed: number }
  | { type: "failed"; error: string };

/** Unmeasured checkouts, one at a time, over a connection that counts statements (statements_per_checkout). */
export const STATEMENT_COUNTING_CHECKOUTS = 10;

/** The floor's round trips before and after each provider step: 0 before create, 1 after it, 2 before capture, 3 after it. */
type RoundTrips = (point: 0 | 1 | 2 | 3) => Promise<void>;

/** A provider's checkout as each side runs it, and the buyer's approval step (the part of a checkout that is not the store's). */
type Scenario = { ours: (db: Db) => Promise<Timing>; bare: (trips?: RoundTrips) => Promise<Timing>; approvalCpuMs: (count: number) => Promise<number> };

/**
 * One closed-loop round: the first and last `concurrency` checkouts are run but not recorded. Each buyer arrives at a
 * random moment within `spreadMs` (one checkout's duration), as independent buyers do. Started together, they would
 * stay in step for the whole round, since every provider call answers after exactly the emulator's latency: each step
 * of ten checkouts would then queue behind the other nine's CPU, a burst that buyers arriving on their own do not make
 * (PayPal's own latency varies, which breaks such steps up).
 */
async function runRound(checkout: () => Promise<Timing>, concurrency: number, recorded: number, spreadMs: number): Promise<RoundResult> {
  const total = recorded + 2 * concurrency;
  const timings: Timing[] = [];
  let started = 0;
  let firstStart = Infinity;
  let lastEnd = 0;
  const cpuBefore = process.cpuUsage();
  const mainBefore = threadCpuMs();
  const switchesBefore = process.resourceUsage().voluntaryContextSwitches;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * spreadMs));
      while (started < total) {
        const index = started++;
        const record = index >= concurrency && index < concurrency + recorded;
        const begin = performance.now();
        const timing = await checkout();
        if (record) {
          timings.push(timing);
          firstStart = Math.min(firstStart, begin);
          lastEnd = Math.max(lastEnd, performance.now());
        }
      }
    }),
  );
  const cpu = process.cpuUsage(cpuBefore);
  const mainMs = threadCpuMs() - mainBefore;
  const switches = process.resourceUsage().voluntaryContextSwitches - switchesBefore;
  const share = timings.length / total;
  return { timings, seconds: (lastEnd - firstStart) / 1000, cpuMicros: (cpu.user + cpu.system) * share, sysMicros: cpu.system * share, mainMs: mainMs * share, wakeups: switches * share, share };
}

/** `statements` one-row inserts split over the four points of a checkout (8 → 2, 2, 2, 2; 10 → 2, 2, 3, 3). */
function roundTrips(insert: () => Promise<unknown>, statements: number): RoundTrips {
  return async (point) => {
    for (let i = 0; i < Math.floor((statements + point) / 4); i++) await insert();
  };
}

const form = (fields: Record<string, string | number>) => new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, String(v)])).toString();
const expectStatus = (what: string, result: HttpResult, status: number) => {
  if (result.status !== status) throw new Error(`${what}: ${result.status} ${result.body}`);
  return JSON.parse(result.body) as Record<string, unknown>;
};

/** The side's process: builds its checkout on "init", then answers each request in turn until "close". */
async function serve(init: SideInit, send: (message: FromSide) => Promise<void>, next: () => Promise<ToSide>): Promise<void> {
  // App modules are loaded after the environment is set (the logger and crypto read it).
  const [{ openPostgres, poolSize, preparedPerDb }, { startCheckout, captureCheckout }, { PayPalClient }, { payPalEnvironment }, { PayPalProvider, orderRequestBody }, { money }, { createStripeDeps }, { stripeEnvironment }] = await Promise.all([
    import("@/db/client"),
    import("@/lib/payments/checkout"),
    import("@/lib/paypal/client"),
    import("@/lib/paypal/environment"),
    import("@/lib/paypal/provider"),
    import("@/lib/money"),
    import("@/lib/payments/deps"),
    import("@/lib/stripe/environment"),
  ]);
  const { provider, side, databaseUrl, priceMinor } = init;
  const base = new URL(init.emulatorUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const handles: DbHandle[] = [];
  let floorSql: Sql | undefined;

  let nextBuyer = 0;
  const takeBuyer = () => {
    const buyer = init.buyers[nextBuyer++];
    if (!buyer) throw new Error("ran out of seeded buyers");
    return buyer;
  };
  const control = async (pathname: string) => {
    const result = await httpCall(agent, base, "POST", `/__emulator${pathname}`, { "content-type": "application/json" }, provider === "paypal" ? JSON.stringify({ outcome: "success" }) : "{}");
    if (result.status !== 200) throw new Error(`${provider} control ${pathname}: ${result.status} ${result.body}`);
  };

  /** "ours": the store's checkout for the next seeded buyer; the buyer's approval (`approve`) is not timed. */
  const oursCheckout = async (deps: Parameters<typeof startCheckout>[0], approve: (providerOrderId: string) => Promise<void>, options?: Parameters<typeof startCheckout>[3]): Promise<Timing> => {
    const buyer = takeBuyer();
    const t0 = performance.now();
    const started = await startCheckout(deps, buyer.userId, { kind: "course", courseId: buyer.courseId }, options);
    const t1 = performance.now();
    if (!started.ok) throw new Error(`startCheckout: ${started.message}`);
    await approve(started.providerOrderId);
    const t2 = performance.now();
    const captured = await captureCheckout(deps, buyer.userId, started.providerOrderId);
    const t3 = performance.now();
    if (!captured.ok || captured.status !== "completed") throw new Error(`captureCheckout: ${JSON.stringify(captured)}`);
    return { create: t1 - t0, capture: t3 - t2 };
  };

  /** CPU per approval, `count` approvals ten at a time, of orders made by `make` (made first, not measured). */
  const measureApprovals = async (count: number, make: () => Promise<string>, approve: (id: string) => Promise<void>) => {
    const ids = await Promise.all(Array.from({ length: count }, make));
    const before = process.cpuUsage();
    for (let i = 0; i < ids.length; i += 10) await Promise.all(ids.slice(i, i + 10).map(approve));
    const cpu = process.cpuUsage(before);
    return (cpu.user + cpu.system) / 1000 / ids.length;
  };

  const paypalScenario = async (): Promise<Scenario> => {
    const env = payPalEnvironment({ PAYPAL_ENV: "local", PAYPAL_EMULATOR_URL: init.emulatorUrl });
    // Deps built once per database handle (the measured pool, the counting connection).
    const depsFor = preparedPerDb((db) => ({ db: db as Db, provider: new PayPalProvider(new PayPalClient({ env, db: db as Db })), checkoutEnabled: true }));
    const approve = (id: string) => control(`/orders/${encodeURIComponent(id)}/approve`);

    const basic = Buffer.from(`${env.clientId}:${env.clientSecret}`).toString("base64");
    const token = expectStatus("token", await httpCall(agent, base, "POST", "/v1/oauth2/token", { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded", accept: "application/json" }, "grant_type=client_credentials"), 200);
    const headers = { authorization: `Bearer ${token.access_token as string}`, accept: "application/json", "content-type": "application/json", prefer: "return=representation" };
    let n = 0;
    const bareCreate = async () => {
      const orderId = randomUUID();
      const price = money(priceMinor, "USD");
      const body = JSON.stringify(orderRequestBody({ orderId, total: price, items: [{ sku: orderId, title: `Bench course ${n++}`, price }], requestId: `coursepay-${orderId}-create` }));
      const created = expectStatus("bare create", await httpCall(agent, base, "POST", "/v2/checkout/orders", { ...headers, "paypal-request-id": `coursepay-${orderId}-create` }, body), 201);
      return { orderId, providerOrderId: created.id as string };
    };

    return {
      ours: (db) => oursCheckout(depsFor(db), approve),
      async bare(trips) {
        const t0 = performance.now();
        await trips?.(0);
        const { orderId, providerOrderId } = await bareCreate();
        await trips?.(1);
        const t1 = performance.now();
        await approve(providerOrderId);
        const t2 = performance.now();
        await trips?.(2);
        const captured = expectStatus("bare capture", await httpCall(agent, base, "POST", `/v2/checkout/orders/${encodeURIComponent(providerOrderId)}/capture`, { ...headers, "paypal-request-id": `coursepay-${orderId}-capture-0` }, "{}"), 201);
        await trips?.(3);
        const t3 = performance.now();
        const capture = (captured.purchase_units as { payments: { captures: { status: string }[] } }[])[0]!.payments.captures[0]!;
        if (capture.status !== "COMPLETED") throw new Error(`bare capture: ${JSON.stringify(captured)}`);
        return { create: t1 - t0, capture: t3 - t2 };
      },
      approvalCpuMs: (count) => measureApprovals(count, async () => (await bareCreate()).providerOrderId, approve),
    };
  };

  const stripeScenario = async (): Promise<Scenario> => {
    const env = stripeEnvironment({ STRIPE_ENV: "local", STRIPE_EMULATOR_PORT: base.port });
    const depsFor = preparedPerDb((db) => createStripeDeps(env, db as Db));
    const pay = (id: string) => control(`/sessions/${encodeURIComponent(id)}/pay`);
    const returnUrls = () => ({ success: "http://store.test/api/payments/stripe/return?session_id={CHECKOUT_SESSION_ID}", cancel: "http://store.test/api/payments/stripe/cancel?session_id={CHECKOUT_SESSION_ID}" });
    const headers = { authorization: `Bearer ${env.secretKey}`, accept: "application/json", "content-type": "application/x-www-form-urlencoded" };
    let n = 0;
    const bareCreate = async () => {
      const orderId = randomUUID();
      const urls = returnUrls();
      const body = form({
        mode: "payment",
        "line_items[0][price_data][currency]": "usd",
        "line_items[0][price_data][unit_amount]": priceMinor,
        "line_items[0][price_data][product_data][name]": `Bench course ${n++}`,
        "line_items[0][price_data][product_data][metadata][sku]": orderId,
        "line_items[0][quantity]": 1,
        client_reference_id: orderId,
        "metadata[order_id]": orderId,
        "payment_intent_data[metadata][order_id]": orderId,
        success_url: urls.success,
        cancel_url: urls.cancel,
      });
      const created = expectStatus("bare session", await httpCall(agent, base, "POST", "/v1/checkout/sessions", { ...headers, "idempotency-key": `coursepay-${orderId}-create` }, body), 200);
      return created.id as string;
    };

    return {
      ours: (db) => oursCheckout(depsFor(db), pay, { returnUrls }),
      async bare(trips) {
        const t0 = performance.now();
        await trips?.(0);
        const sessionId = await bareCreate();
        await trips?.(1);
        const t1 = performance.now();
        await pay(sessionId);
        const t2 = performance.now();
        await trips?.(2);
        const session = expectStatus("bare retrieve", await httpCall(agent, base, "GET", `/v1/checkout/sessions/${sessionId}?expand[]=payment_intent.latest_charge`, headers), 200);
        const intent = session.payment_intent as { id: string; status: string };
        await trips?.(3);
        const t3 = performance.now();
        if (intent.status !== "succeeded") throw new Error(`bare retrieve: ${JSON.stringify(session)}`);
        return { create: t1 - t0, capture: t3 - t2 };
      },
      approvalCpuMs: (count) => measureApprovals(count, bareCreate, pay),
    };
  };

  try {
    const scenario = await (provider === "paypal" ? paypalScenario() : stripeScenario());
    let checkout: () => Promise<Timing>;
    let statements: number | null = null;
    if (side === "ours") {
      // The app's own pool settings (db/client.ts, DATABASE_POOL_SIZE), as in production: no statement hook, which
      // turns on postgres.js's debug mode (an Error and its stack trace captured for every query).
      const handle = openPostgres(databaseUrl);
      handles.push(handle);
      // A connection of its own that counts what a checkout sends, for a few unmeasured checkouts.
      let sent = 0;
      const counting = openPostgres(databaseUrl, { max: 1, onQuery: () => sent++ });
      handles.push(counting);
      await scenario.ours(counting.db); // not counted: the provider client's first call fetches and stores its OAuth token
      const before = sent;
      for (let i = 0; i < STATEMENT_COUNTING_CHECKOUTS; i++) await scenario.ours(counting.db);
      statements = (sent - before) / STATEMENT_COUNTING_CHECKOUTS;
      checkout = () => scenario.ours(handle.db);
    } else if (side === "floor") {
      // The floor's round trips: plain postgres.js with the app's pool size and named statements, no ORM.
      const sql = (floorSql = postgres(databaseUrl, { max: poolSize(), prepare: true, onnotice: () => {} }));
      const trips = roundTrips(() => sql`insert into bench_round_trips (n) values (${1}) returning id`, Math.round(init.statements));
      checkout = () => scenario.bare(trips);
    } else {
      checkout = () => scenario.bare();
    }
    await send({ type: "ready", statements });

    for (;;) {
      const request = await next();
      if (request.type === "round") {
        const run = () => runRound(checkout, request.concurrency, request.recorded, request.spreadMs);
        await send({ type: "round", result: await (request.profile ? profiled(request.profile, run) : run()) });
      } else if (request.type === "approvals") {
        await send({ type: "approvals", cpuMs: await scenario.approvalCpuMs(request.count) });
      } else {
        break;
      }
    }
  } finally {
    agent.destroy();
    for (const handle of handles) await handle.close().catch(() => undefined);
    await floorSql?.end({ timeout: 5 }).catch(() => undefined);
  }
  await send({ type: "closed", buyersUsed: nextBuyer });
}

if (process.send) {
  // As server.ts does in production: tsx turns source maps on, and then every stack trace costs lookups — the
  // Stripe SDK captures one per request (its profile here: 3 % of "ours" went to preparing those traces).
  process.setSourceMapsEnabled(false);
  const queue: ToSide[] = [];
  const waiting: ((message: ToSide) => void)[] = [];
  process.on("message", (message: ToSide) => {
    const resolve = waiting.shift();
    if (resolve) resolve(message);
    else queue.push(message);
  });
  const next = () => new Promise<ToSide>((resolve) => (queue.length ? resolve(queue.shift()!) : waiting.push(resolve)));
  const send = (message: FromSide) => new Promise<void>((resolve, reject) => process.send!(message, undefined, undefined, (error) => (error ? reject(error) : resolve())));
  // The coordinator's end (done, Ctrl-C, a failure elsewhere) closes the channel: nothing is left to measure for.
  process.on("disconnect", () => process.exit());
  void (async () => {
    const first = await next();
    if (first.type !== "init") throw new Error(`expected init, got ${first.type}`);
    await serve(first.init, send, next);
    process.disconnect();
  })().catch(async (error: unknown) => {
    process.exitCode = 1;
    await send({ type: "failed", error: error instanceof Error ? (error.stack ?? error.message) : String(error) }).catch(() => undefined);
    process.disconnect();
  });
}
