/**
 * `npm run bench:checkout`: a checkout's server-side time and CPU through our service layer, next to a bare baseline
 * that makes the same provider calls with no database work — for each provider, at the provider's real latency
 * (issue 15).
 *
 * - Each emulator (PayPal, Stripe) runs as a child process (so it does not share the measured event loop) and answers
 *   every API call after BENCH_LATENCY_MS (default 200, PayPal's and Stripe's usual; 0 compares our work with loopback).
 * - A fresh PostgreSQL database per run (created, migrated, seeded directly, dropped at the end — also on failure), with
 *   BENCH_HISTORY (default 5,000) earlier completed orders and their enrollments, analyzed before the run.
 * - PayPal, "ours": startCheckout → the buyer approves (control API, not timed) → captureCheckout, through the app's
 *   PayPal client. "bare": POST /v2/checkout/orders with the same body and PayPal-Request-Id → approve (not timed) →
 *   POST …/capture, with a cached token over a plain keep-alive node:http agent.
 * - Stripe, "ours": startCheckout (a Checkout Session through the official SDK) → the buyer pays on the hosted page
 *   (control API, not timed) → captureCheckout, what the success_url route runs. "bare": the same three calls (create
 *   the session, retrieve it with its payment intent and charge, list the intent's refunds) over plain HTTP.
 * - Every "ours" checkout buys its own course as its own user, so no ownership or claim check can short-circuit.
 * - At 10 and 50 concurrent checkouts (closed loop), the same number of measured checkouts for both sides, in rounds
 *   that alternate ours/bare in ABBA order so neither side systematically gets the warmer machine. In each round the
 *   first `concurrency` checkouts (simultaneous start) and the last ones (draining) are not recorded, and each level
 *   starts with an unrecorded warm-up of both.
 * - app_cpu_ms_per_checkout: CPU time of this process during "ours" rounds per checkout (service layer, provider
 *   client, database driver, logging), minus the buyer's approval calls, whose CPU is measured on their own.
 *
 * - statements_per_checkout: what a checkout sends, counted over a few unmeasured checkouts on a connection of its
 *   own (counting turns on postgres.js's debug mode, which the measured pool must not pay for).
 * - "floor", a third side in the same rounds: the bare checkout plus that many one-row inserts (each its own commit,
 *   prepared, plain postgres.js with the app's pool size, no ORM), a quarter of them before and after each of the
 *   two provider steps, as ours sends them. It is what any design with that many round trips costs on this
 *   machine: floor_ratio_p50/p99 (floor ÷ bare) bound what ours can reach, and floor_cpu_ms_per_checkout is the
 *   CPU under app_cpu_ms_per_checkout that is the provider calls' and the round trips' own (system calls, waking
 *   PostgreSQL), not our code's.
 * - db_cpu_ms (per side and level): CPU of the benchmark database's PostgreSQL backends per checkout, read from
 *   /proc/<pid>/schedstat around each round (null when PostgreSQL runs elsewhere). At 50 in flight the app, the
 *   database and the emulators share two cores, so what a checkout costs PostgreSQL moves the ratios as much as
 *   what it costs the app.
 * - main_ms (per side and level): the part of cpu_ms spent on the main thread; the rest ran on V8's garbage
 *   collector and optimizing compiler threads (and libuv's pool), which the V8 CPU profile does not show.
 *
 * Prints a table and, as the last line, JSON: per provider under providers.<name>, and for PayPal also at top level:
 *   latency_ms, ratio_p50_10, ratio_p99_10, ratio_p50_50, ratio_p99_50, app_cpu_ms_per_checkout, levels,
 *   statements_per_checkout, floor_ratio_p50, floor_ratio_p99, floor_cpu_ms_per_checkout.
 * Targets (issue 15): every ratio_p50 ≤ 1.05, every ratio_p99 ≤ 1.25, app_cpu_ms_per_checkout ≤ 2.5.
 *
 * The app logs as in production (LOG_LEVEL, default info: a line per provider call, written synchronously to stdout).
 * So that those lines do not bury the report, the measurement runs in a child process whose stdout this process
 * reads: the app's log lines go to .data/bench/checkout-app.log, everything else is printed.
 *
 * Environment: BENCH_LATENCY_MS (200), BENCH_PROVIDERS ("paypal,stripe"), BENCH_LEVELS ("10,50"), BENCH_CHECKOUTS
 * (measured checkouts per side and level, default 400), BENCH_HISTORY (5000), DATABASE_POOL_SIZE (the app's pool size), TEST_POSTGRES_URL,
 * BENCH_CPU_PROFILE_DIR (a CPU profile of each measured round, e.g. paypal-ours-10-1.cpuprofile).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { createWriteStream, mkdirSync } from "node:fs";
import { Agent } from "node:http";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import postgres, { type Sql } from "postgres";
import type { Db } from "@/db/client";
import { backendCpu, backendCpuMs, httpCall, percentile, profiled, root, round3, startEmulatorProcess, threadCpuMs, type BackendCpu, type HttpResult } from "./support";

// The OAuth token cache encrypts what it stores; a throw-away key is enough for a throw-away database.
process.env.COURSEPAY_ENCRYPTION_KEY ??= "bench-checkout-encryption-key";

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 200);
const PROVIDERS = (process.env.BENCH_PROVIDERS ?? "paypal,stripe").split(",") as ProviderName[];
const LEVELS = (process.env.BENCH_LEVELS ?? "10,50").split(",").map(Number);
const measuredPerSide = () => Number(process.env.BENCH_CHECKOUTS ?? 400);
/** Rounds per side and level (ABBA order over pairs of rounds). */
const ROUNDS = 2;
const perRound = () => Math.ceil(measuredPerSide() / ROUNDS);
/** Unrecorded checkouts per side before a level's rounds (at least 2 × concurrency). */
const warmupPerSide = (level: number) => Math.max(50, level * 4);
/** Approvals measured alone, to take the buyer's part out of the app's CPU. */
const APPROVALS_MEASURED = 300;
const PRICE_MINOR = 4900;
/** Completed orders seeded before the run (BENCH_HISTORY): the store has sold before. */
const HISTORY = Number(process.env.BENCH_HISTORY ?? 5_000);
/** Unmeasured checkouts, one at a time, over a connection that counts statements (statements_per_checkout). */
const STATEMENT_COUNTING_CHECKOUTS = 10;

type ProviderName = "paypal" | "stripe";
type Timing = { create: number; capture: number };
type Side = "ours" | "bare" | "floor";
const SIDES: Side[] = ["ours", "bare", "floor"];
/** The floor's round trips before and after each provider step: 0 before create, 1 after it, 2 before capture, 3 after it. */
type RoundTrips = (point: 0 | 1 | 2 | 3) => Promise<void>;
type Buyer = { userId: string; courseId: string };

/**
 * cpu_ms of which sys_ms in the kernel, and main_ms on the main thread (the rest is V8's garbage collector and
 * optimizing compiler threads, and libuv's pool; in 10 ms ticks over each round); wakeups: times this process slept
 * and was woken (voluntary context switches);
 * db_cpu_ms: CPU of the benchmark database's PostgreSQL backends (null when PostgreSQL runs on another machine).
 */
type SideStats = { p50_ms: number; p99_ms: number; per_s: number; create_p50_ms: number; capture_p50_ms: number; checkouts: number; cpu_ms: number; sys_ms: number; main_ms: number; wakeups: number; db_cpu_ms: number | null };
type Collected = { timings: Timing[]; seconds: number; cpuMicros: number; sysMicros: number; mainMs: number; wakeups: number; dbCpuMs: number | undefined };

function stats({ timings, seconds, cpuMicros, sysMicros, mainMs, wakeups, dbCpuMs }: Collected): SideStats {
  const totals = timings.map((t) => t.create + t.capture).sort((a, b) => a - b);
  const creates = timings.map((t) => t.create).sort((a, b) => a - b);
  const captures = timings.map((t) => t.capture).sort((a, b) => a - b);
  return {
    p50_ms: round3(percentile(totals, 50)),
    p99_ms: round3(percentile(totals, 99)),
    per_s: Math.round(timings.length / seconds),
    create_p50_ms: round3(percentile(creates, 50)),
    capture_p50_ms: round3(percentile(captures, 50)),
    checkouts: timings.length,
    cpu_ms: round3(cpuMicros / 1000 / timings.length),
    sys_ms: round3(sysMicros / 1000 / timings.length),
    main_ms: round3(mainMs / timings.length),
    wakeups: Math.round((wakeups / timings.length) * 10) / 10,
    db_cpu_ms: dbCpuMs === undefined ? null : round3(dbCpuMs / timings.length),
  };
}

/** One closed-loop round: the first and last `concurrency` checkouts are run but not recorded. */
async function runRound(checkout: () => Promise<Timing>, concurrency: number, recorded: number, readDbCpu: () => Promise<BackendCpu | undefined>) {
  const total = recorded + 2 * concurrency;
  const timings: Timing[] = [];
  let started = 0;
  let firstStart = Infinity;
  let lastEnd = 0;
  const dbBefore = await readDbCpu();
  const cpuBefore = process.cpuUsage();
  const mainBefore = threadCpuMs();
  const switchesBefore = process.resourceUsage().voluntaryContextSwitches;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
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
  const dbCpuMs = backendCpuMs(dbBefore, await readDbCpu());
  // This process's CPU and wake-ups, and the database's CPU, over the round, apportioned to the recorded checkouts.
  const share = timings.length / total;
  return { timings, seconds: (lastEnd - firstStart) / 1000, cpuMicros: (cpu.user + cpu.system) * share, sysMicros: cpu.system * share, mainMs: mainMs * share, wakeups: switches * share, dbCpuMs: dbCpuMs === undefined ? undefined : dbCpuMs * share };
}

/** `statements` one-row inserts split over the four points of a checkout (8 → 2, 2, 2, 2; 10 → 2, 2, 3, 3). */
function roundTrips(insert: () => Promise<unknown>, statements: number): RoundTrips {
  return async (point) => {
    for (let i = 0; i < Math.floor((statements + point) / 4); i++) await insert();
  };
}

/** Deps built once per database handle (the measured pool, the counting connection). */
function perDatabase<D>(build: (db: Db) => D): (db: Db) => D {
  const built = new Map<Db, D>();
  return (db) => built.get(db) ?? built.set(db, build(db)).get(db)!;
}

const form = (fields: Record<string, string | number>) => new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, String(v)])).toString();
const expectStatus = (what: string, result: HttpResult, status: number) => {
  if (result.status !== status) throw new Error(`${what}: ${result.status} ${result.body}`);
  return JSON.parse(result.body) as Record<string, unknown>;
};

// ---------------------------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  // App modules are loaded after the environment above is set (the logger and crypto read it).
  const [{ openPostgres, poolSize }, { migrateDatabase }, admin, schema, { startCheckout, captureCheckout }, { PayPalClient }, { payPalEnvironment }, { PayPalProvider, orderRequestBody }, { money }, { createStripeDeps }, { stripeEnvironment }] =
    await Promise.all([
      import("@/db/client"),
      import("@/db/migrate"),
      import("@/lib/testing/postgres-admin"),
      import("@/db/schema"),
      import("@/lib/payments/checkout"),
      import("@/lib/paypal/client"),
      import("@/lib/paypal/environment"),
      import("@/lib/paypal/provider"),
      import("@/lib/money"),
      import("@/lib/payments/deps"),
      import("@/lib/stripe/environment"),
    ]);
  const { sql, eq, count } = await import("drizzle-orm");

  const dbName = `coursepay_bench_${process.pid}_${randomBytes(3).toString("hex")}`;
  const children: ChildProcess[] = [];
  let handle: Awaited<ReturnType<typeof openPostgres>> | undefined;
  let counting: Awaited<ReturnType<typeof openPostgres>> | undefined;
  let floorClient: Sql | undefined;
  let monitorClient: Sql | undefined;
  let dbCreated = false;
  const controlAgent = new Agent({ keepAlive: true, maxSockets: 64 });
  const bareAgent = new Agent({ keepAlive: true, maxSockets: 64 });

  const cleanup = async () => {
    controlAgent.destroy();
    bareAgent.destroy();
    for (const child of children) child.kill("SIGTERM");
    await handle?.close().catch(() => undefined);
    await counting?.close().catch(() => undefined);
    await floorClient?.end({ timeout: 5 }).catch(() => undefined);
    await monitorClient?.end({ timeout: 5 }).catch(() => undefined);
    if (dbCreated) await admin.dropDatabase(dbName).catch((error: unknown) => console.error(`could not drop ${dbName}:`, error));
  };
  const interrupted = () => void cleanup().finally(() => process.exit(130));
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);

  try {
    const url = await admin.createDatabase(dbName);
    dbCreated = true;
    const migrating = openPostgres(url, { max: 1 });
    try {
      await migrateDatabase(migrating);
    } finally {
      await migrating.close();
    }
    // The app's own pool settings (db/client.ts, DATABASE_POOL_SIZE), as in production: no statement hook, which
    // turns on postgres.js's debug mode (an Error and its stack trace captured for every query).
    handle = openPostgres(url);
    const db = handle.db;
    // A connection of its own that counts what a checkout sends, for a few unmeasured checkouts.
    let statementsSent = 0;
    counting = openPostgres(url, { max: 1, onQuery: () => statementsSent++ });
    // The floor's round trips: plain postgres.js with the app's pool size and named statements, no ORM.
    const floorSql = (floorClient = postgres(url, { max: poolSize(), prepare: true, onnotice: () => {} }));
    // Reads the CPU of the database's backends around each round, over a connection of its own (left out).
    const monitor = (monitorClient = postgres(url, { max: 1, onnotice: () => {} }));
    const readDbCpu = () => backendCpu(monitor);
    await floorSql`create table bench_round_trips (id bigserial primary key, n int not null)`;
    const countingDb = counting.db;
    const statementsPer = async (checkout: (db: Db) => Promise<Timing>) => {
      await checkout(countingDb); // not counted: the provider client's first call fetches and stores its OAuth token
      const before = statementsSent;
      for (let i = 0; i < STATEMENT_COUNTING_CHECKOUTS; i++) await checkout(countingDb);
      return (statementsSent - before) / STATEMENT_COUNTING_CHECKOUTS;
    };

    // Seed one user and one course per "ours" checkout (warm-ups and unrecorded round edges included).
    const oursPerLevel = (level: number) => warmupPerSide(level) + ROUNDS * (perRound() + 2 * level);
    const needed = PROVIDERS.length * (1 + STATEMENT_COUNTING_CHECKOUTS + LEVELS.reduce((total, level) => total + oursPerLevel(level), 0));
    const buyers: Buyer[] = [];
    for (let offset = 0; offset < needed; offset += 2_000) {
      const size = Math.min(2_000, needed - offset);
      const batch = Array.from({ length: size }, (_, i) => offset + i);
      const users = await db
        .insert(schema.users)
        .values(batch.map((n) => ({ email: `bench-${n}@example.test`, name: `Bench buyer ${n}` })))
        .returning({ id: schema.users.id });
      const courses = await db
        .insert(schema.courses)
        .values(batch.map((n) => ({ slug: `bench-course-${n}`, title: `Bench course ${n}`, summary: "A benchmark course.", body: "Lesson one.", priceMinor: PRICE_MINOR, currency: "USD", published: true })))
        .returning({ id: schema.courses.id });
      users.forEach((user, i) => buyers.push({ userId: user.id, courseId: courses[i]!.id }));
    }
    // A store that has sold before: HISTORY completed orders (other buyers, the same courses) with their items and
    // enrollments, then statistics. On empty tables every connection's cached plans read orders, order items and
    // enrollments sequentially until autovacuum analyzes them (pg_stat_user_tables: 520,000 order-item rows read in
    // the first minute of a run), which measures a store's first minutes rather than a buyer's checkout.
    for (let offset = 0; offset < HISTORY; offset += 2_000) {
      const batch = Array.from({ length: Math.min(2_000, HISTORY - offset) }, (_, i) => offset + i);
      const earlier = await db
        .insert(schema.users)
        .values(batch.map((n) => ({ email: `history-${n}@example.test`, name: `Earlier buyer ${n}` })))
        .returning({ id: schema.users.id });
      const bought = batch.map((n) => buyers[n % buyers.length]!.courseId);
      const orders = await db
        .insert(schema.orders)
        .values(earlier.map((user, i) => ({ userId: user.id, status: "completed" as const, currency: "USD", totalMinor: PRICE_MINOR, provider: "paypal" as const, providerOrderId: `HISTORY-${batch[i]}`, closedAt: new Date(), courseIds: [bought[i]!] })))
        .returning({ id: schema.orders.id });
      const items = await db
        .insert(schema.orderItems)
        .values(orders.map((order, i) => ({ orderId: order.id, courseId: bought[i]!, title: `Bench course`, unitPriceMinor: PRICE_MINOR, currency: "USD" })))
        .returning({ id: schema.orderItems.id });
      await db.insert(schema.enrollments).values(items.map((item, i) => ({ userId: earlier[i]!.id, courseId: bought[i]!, mode: "full" as const, source: "purchase" as const, orderItemId: item.id })));
    }
    await db.execute(sql`analyze`);
    let nextBuyer = 0;
    const takeBuyer = () => {
      const buyer = buyers[nextBuyer++];
      if (!buyer) throw new Error("ran out of seeded buyers");
      return buyer;
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

    /** A provider's two sides and the buyer's approval step (the part of a checkout that is not the store's). */
    type Scenario = { ours: (db: Db) => Promise<Timing>; bare: (trips?: RoundTrips) => Promise<Timing>; approvalCpuMs: () => Promise<number> };

    const startEmulator = async (service: ProviderName) => {
      const emulator = await startEmulatorProcess({}, service);
      children.push(emulator.child);
      const base = new URL(emulator.url);
      const control = async (pathname: string, body: unknown) => {
        const result = await httpCall(controlAgent, base, "POST", `/__emulator${pathname}`, { "content-type": "application/json" }, JSON.stringify(body));
        if (result.status !== 200) throw new Error(`${service} control ${pathname}: ${result.status} ${result.body}`);
      };
      await control("/latency", { ms: LATENCY_MS });
      return { url: emulator.url, base, control };
    };

    /** CPU of `count` approvals at a time of orders made by `make` (made first, not measured). */
    const measureApprovals = async (make: () => Promise<string>, approve: (id: string) => Promise<void>) => {
      const ids = await Promise.all(Array.from({ length: APPROVALS_MEASURED }, make));
      const before = process.cpuUsage();
      for (let i = 0; i < ids.length; i += 10) await Promise.all(ids.slice(i, i + 10).map(approve));
      const cpu = process.cpuUsage(before);
      return (cpu.user + cpu.system) / 1000 / ids.length;
    };

    const paypalScenario = async (): Promise<Scenario> => {
      const emulator = await startEmulator("paypal");
      const env = payPalEnvironment({ PAYPAL_ENV: "local", PAYPAL_EMULATOR_URL: emulator.url });
      const depsFor = perDatabase((db) => ({ db, provider: new PayPalProvider(new PayPalClient({ env, db })), checkoutEnabled: true }));
      const approve = (id: string) => emulator.control(`/orders/${encodeURIComponent(id)}/approve`, { outcome: "success" });

      const basic = Buffer.from(`${env.clientId}:${env.clientSecret}`).toString("base64");
      const token = expectStatus("token", await httpCall(bareAgent, emulator.base, "POST", "/v1/oauth2/token", { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded", accept: "application/json" }, "grant_type=client_credentials"), 200);
      const headers = { authorization: `Bearer ${token.access_token as string}`, accept: "application/json", "content-type": "application/json", prefer: "return=representation" };
      let n = 0;
      const bareCreate = async () => {
        const orderId = randomUUID();
        const price = money(PRICE_MINOR, "USD");
        const body = JSON.stringify(orderRequestBody({ orderId, total: price, items: [{ sku: orderId, title: `Bench course ${n++}`, price }], requestId: `coursepay-${orderId}-create` }));
        const created = expectStatus("bare create", await httpCall(bareAgent, emulator.base, "POST", "/v2/checkout/orders", { ...headers, "paypal-request-id": `coursepay-${orderId}-create` }, body), 201);
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
          const captured = expectStatus("bare capture", await httpCall(bareAgent, emulator.base, "POST", `/v2/checkout/orders/${encodeURIComponent(providerOrderId)}/capture`, { ...headers, "paypal-request-id": `coursepay-${orderId}-capture-0` }, "{}"), 201);
          await trips?.(3);
          const t3 = performance.now();
          const capture = (captured.purchase_units as { payments: { captures: { status: string }[] } }[])[0]!.payments.captures[0]!;
          if (capture.status !== "COMPLETED") throw new Error(`bare capture: ${JSON.stringify(captured)}`);
          return { create: t1 - t0, capture: t3 - t2 };
        },
        approvalCpuMs: () => measureApprovals(async () => (await bareCreate()).providerOrderId, approve),
      };
    };

    const stripeScenario = async (): Promise<Scenario> => {
      const emulator = await startEmulator("stripe");
      const env = stripeEnvironment({ STRIPE_ENV: "local", STRIPE_EMULATOR_PORT: emulator.base.port });
      const depsFor = perDatabase((db) => createStripeDeps(env, db));
      const pay = (id: string) => emulator.control(`/sessions/${encodeURIComponent(id)}/pay`, {});
      const returnUrls = () => ({ success: "http://store.test/api/payments/stripe/return?session_id={CHECKOUT_SESSION_ID}", cancel: "http://store.test/api/payments/stripe/cancel?session_id={CHECKOUT_SESSION_ID}" });
      const headers = { authorization: `Bearer ${env.secretKey}`, accept: "application/json", "content-type": "application/x-www-form-urlencoded" };
      let n = 0;
      const bareCreate = async () => {
        const orderId = randomUUID();
        const urls = returnUrls();
        const body = form({
          mode: "payment",
          "line_items[0][price_data][currency]": "usd",
          "line_items[0][price_data][unit_amount]": PRICE_MINOR,
          "line_items[0][price_data][product_data][name]": `Bench course ${n++}`,
          "line_items[0][price_data][product_data][metadata][sku]": orderId,
          "line_items[0][quantity]": 1,
          client_reference_id: orderId,
          "metadata[order_id]": orderId,
          "payment_intent_data[metadata][order_id]": orderId,
          success_url: urls.success,
          cancel_url: urls.cancel,
        });
        const created = expectStatus("bare session", await httpCall(bareAgent, emulator.base, "POST", "/v1/checkout/sessions", { ...headers, "idempotency-key": `coursepay-${orderId}-create` }, body), 200);
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
          const session = expectStatus("bare retrieve", await httpCall(bareAgent, emulator.base, "GET", `/v1/checkout/sessions/${sessionId}?expand[]=payment_intent.latest_charge`, headers), 200);
          const intent = session.payment_intent as { id: string; status: string };
          expectStatus("bare refunds", await httpCall(bareAgent, emulator.base, "GET", `/v1/refunds?payment_intent=${intent.id}&limit=100`, headers), 200);
          await trips?.(3);
          const t3 = performance.now();
          if (intent.status !== "succeeded") throw new Error(`bare retrieve: ${JSON.stringify(session)}`);
          return { create: t1 - t0, capture: t3 - t2 };
        },
        approvalCpuMs: () => measureApprovals(bareCreate, pay),
      };
    };

    type SideCpu = { ours: number; floor: number };
    type ProviderReport = {
      latency_ms: number;
      levels: Record<string, Record<Side, SideStats> & { ratio_p50: number; ratio_p99: number; floor_ratio_p50: number; floor_ratio_p99: number }>;
      approval_cpu_ms: number;
      app_cpu_ms_per_checkout: number;
      floor_cpu_ms_per_checkout: number;
    } & Record<string, unknown>;
    const reports: Partial<Record<ProviderName, ProviderReport>> = {};
    const scenarios: Record<ProviderName, () => Promise<Scenario>> = { paypal: paypalScenario, stripe: stripeScenario };
    const insertRoundTrip = () => floorSql`insert into bench_round_trips (n) values (${1}) returning id`;

    for (const name of PROVIDERS) {
      const scenario = await scenarios[name]();
      const statementsPerCheckout = await statementsPer(scenario.ours);
      const trips = roundTrips(insertRoundTrip, Math.round(statementsPerCheckout));
      const runners: Record<Side, () => Promise<Timing>> = { ours: () => scenario.ours(db), bare: () => scenario.bare(), floor: () => scenario.bare(trips) };
      const levels: ProviderReport["levels"] = {};
      const cpu: SideCpu = { ours: 0, floor: 0 };
      let checkouts = 0;
      for (const level of LEVELS) {
        // Warm-up of every side at this level (JIT, pool connections, prepared statements, emulator sockets).
        for (const side of SIDES) await runRound(runners[side], level, warmupPerSide(level) - 2 * level, readDbCpu);
        const collected = Object.fromEntries(SIDES.map((side): [Side, Collected] => [side, { timings: [], seconds: 0, cpuMicros: 0, sysMicros: 0, mainMs: 0, wakeups: 0, dbCpuMs: 0 }])) as Record<Side, Collected>;
        for (let r = 0; r < ROUNDS; r++) {
          // ABBA over the three sides: ours, bare, floor | floor, bare, ours | …
          const order = r % 2 === 0 ? SIDES : [...SIDES].reverse();
          for (const side of order) {
            const round = await profiled(`${name}-${side}-${level}`, () => runRound(runners[side], level, perRound(), readDbCpu));
            collected[side].timings.push(...round.timings);
            collected[side].seconds += round.seconds;
            collected[side].cpuMicros += round.cpuMicros;
            collected[side].sysMicros += round.sysMicros;
            collected[side].mainMs += round.mainMs;
            collected[side].wakeups += round.wakeups;
            const dbCpuMs = collected[side].dbCpuMs;
            collected[side].dbCpuMs = dbCpuMs === undefined || round.dbCpuMs === undefined ? undefined : dbCpuMs + round.dbCpuMs;
          }
        }
        const [o, b, f] = SIDES.map((side) => stats(collected[side])) as [SideStats, SideStats, SideStats];
        levels[String(level)] = {
          ours: o,
          bare: b,
          floor: f,
          ratio_p50: round3(o.p50_ms / b.p50_ms),
          ratio_p99: round3(o.p99_ms / b.p99_ms),
          floor_ratio_p50: round3(f.p50_ms / b.p50_ms),
          floor_ratio_p99: round3(f.p99_ms / b.p99_ms),
        };
        cpu.ours += collected.ours.cpuMicros;
        cpu.floor += collected.floor.cpuMicros;
        checkouts += o.checkouts;
      }
      const approvalCpu = await scenario.approvalCpuMs();
      // Both sides' CPU includes the buyer's approval calls; taken out of both, as they are not the store's.
      const perCheckout = (micros: number) => round3(micros / 1000 / checkouts - approvalCpu);
      const report: ProviderReport = {
        latency_ms: LATENCY_MS,
        levels,
        approval_cpu_ms: round3(approvalCpu),
        app_cpu_ms_per_checkout: perCheckout(cpu.ours),
        floor_cpu_ms_per_checkout: perCheckout(cpu.floor),
        statements_per_checkout: round3(statementsPerCheckout),
      };
      for (const level of LEVELS) {
        const at = levels[String(level)]!;
        Object.assign(report, { [`ratio_p50_${level}`]: at.ratio_p50, [`ratio_p99_${level}`]: at.ratio_p99 });
      }
      report.floor_ratio_p50 = Object.fromEntries(LEVELS.map((level) => [level, levels[String(level)]!.floor_ratio_p50]));
      report.floor_ratio_p99 = Object.fromEntries(LEVELS.map((level) => [level, levels[String(level)]!.floor_ratio_p99]));
      reports[name] = report;
    }

    // Every "ours" checkout must have completed exactly once, with its enrollment.
    const [completed] = await db.select({ n: count() }).from(schema.orders).where(eq(schema.orders.status, "completed"));
    const [paid] = await db.select({ n: count() }).from(schema.payments);
    const [enrolled] = await db.select({ n: count() }).from(schema.enrollments).where(eq(schema.enrollments.source, "purchase"));
    if (completed!.n !== HISTORY + nextBuyer || paid!.n !== nextBuyer || enrolled!.n !== HISTORY + nextBuyer) {
      throw new Error(`expected ${nextBuyer} completed orders, payments and enrollments besides the ${HISTORY} earlier ones; found ${completed!.n}, ${paid!.n}, ${enrolled!.n}`);
    }

    const lines: string[] = [];
    lines.push(`Checkout: create + capture, server side (the buyer's approval not timed); emulators in child processes answering after ${LATENCY_MS} ms; PostgreSQL pool ${poolSize()}; app log level ${process.env.LOG_LEVEL ?? "info"} (lines in .data/bench/checkout-app.log)`);
    lines.push(`  ours = startCheckout + captureCheckout (service layer, provider client, database); bare = the same provider calls, no database;`);
    lines.push(`  floor = bare + as many one-row inserts as ours sends (each its own commit, no ORM), before and after each provider step`);
    for (const name of PROVIDERS) {
      const report = reports[name]!;
      lines.push("");
      lines.push(`  ${name}: in flight  side   checkouts   p50 ms   p99 ms  checkouts/s   create p50  capture p50   p50 ÷ bare  p99 ÷ bare  CPU ms  (sys)  (main)  wake-ups  DB CPU ms`);
      for (const level of LEVELS) {
        const r = report.levels[String(level)]!;
        for (const side of SIDES) {
          const st = r[side];
          const ratios = side === "ours" ? [r.ratio_p50, r.ratio_p99] : side === "floor" ? [r.floor_ratio_p50, r.floor_ratio_p99] : undefined;
          const shown = ratios ? `${ratios[0]!.toFixed(3).padStart(10)}  ${ratios[1]!.toFixed(3).padStart(10)}` : " ".repeat(22);
          lines.push(
            `  ${" ".repeat(name.length)}  ${String(level).padStart(9)}  ${side.padEnd(5)}  ${String(st.checkouts).padStart(9)}  ${st.p50_ms.toFixed(1).padStart(7)}  ${st.p99_ms.toFixed(1).padStart(7)}  ${String(st.per_s).padStart(11)}  ${st.create_p50_ms.toFixed(1).padStart(11)}  ${st.capture_p50_ms.toFixed(1).padStart(11)}  ${shown}  ${st.cpu_ms.toFixed(2).padStart(6)}  ${st.sys_ms.toFixed(2).padStart(5)}  ${st.main_ms.toFixed(2).padStart(6)}  ${st.wakeups.toFixed(1).padStart(8)}  ${(st.db_cpu_ms === null ? "–" : st.db_cpu_ms.toFixed(2)).padStart(9)}`,
          );
        }
      }
      lines.push(
        `  ${name}: app CPU per checkout ${report.app_cpu_ms_per_checkout.toFixed(2)} ms (target ≤ 2.5), floor ${report.floor_cpu_ms_per_checkout.toFixed(2)} ms (the buyer's approval, ${report.approval_cpu_ms.toFixed(2)} ms, taken out of both); ${report.statements_per_checkout} statements per checkout`,
      );
    }
    lines.push("");
    lines.push("  targets: ratio_p50 ≤ 1.05 and ratio_p99 ≤ 1.25 at 10 and 50 in flight; app_cpu_ms_per_checkout ≤ 2.5");
    const first = reports[PROVIDERS[0]!]!;
    const summary = { ...first, providers: reports, checkouts_per_side: perRound() * ROUNDS, pool: poolSize() };
    console.log(lines.join("\n"));
    console.log(JSON.stringify(summary));
  } finally {
    process.removeListener("SIGINT", interrupted);
    process.removeListener("SIGTERM", interrupted);
    await cleanup();
  }
}

/** Runs the measurement in a child process, printing its report and filing the app's log lines. */
function runWorker(): void {
  const logPath = path.join(root, ".data", "bench", "checkout-app.log");
  mkdirSync(path.dirname(logPath), { recursive: true });
  const appLog = createWriteStream(logPath);
  const worker = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
    cwd: root,
    env: { ...process.env, BENCH_CHECKOUT_WORKER: "1" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  // Ctrl-C reaches the worker too; it cleans up (emulator, database) and exits, then so do we.
  const ignore = () => {};
  process.on("SIGINT", ignore);
  process.on("SIGTERM", ignore);
  let logLines = 0;
  createInterface({ input: worker.stdout! }).on("line", (line) => {
    if (line.startsWith('{"level":')) {
      appLog.write(`${line}\n`);
      logLines++;
    } else {
      console.log(line);
    }
  });
  worker.on("exit", (code) => {
    appLog.end(() => {
      if (code !== 0) console.error(`(${logLines} app log lines in ${path.relative(root, logPath)})`);
      process.exit(code ?? 1);
    });
  });
}

if (process.env.BENCH_CHECKOUT_WORKER === "1") {
  // As server.ts does in production: tsx turns source maps on, and then every stack trace costs lookups — the
  // Stripe SDK captures one per request (its profile here: 3 % of "ours" went to preparing those traces).
  process.setSourceMapsEnabled(false);
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  runWorker();
}
