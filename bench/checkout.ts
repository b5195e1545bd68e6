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
 *   first `concurrency` checkouts and the last ones (draining) are not recorded, and each level starts with an
 *   unrecorded warm-up of every side (BENCH_WARMUP checkouts, until V8 has optimized a checkout's code). The
 *   buyers of a round arrive at random moments within one checkout's duration (the bare side's, from its warm-up),
 *   not all at once (the reason is at runRound in bench/checkout-side.ts).
 * - app_cpu_ms_per_checkout: CPU time of ours' process during its rounds per checkout (service layer, provider
 *   client, database driver, logging), minus the buyer's approval calls, whose CPU is measured on their own, over
 *   every level; app_cpu_ms_per_checkout_<level> and floor_cpu_ms_per_checkout_<level> the same at one level. They
 *   differ by level for every side, bare included: on this machine the same work costs about twice the CPU at 10
 *   in flight as at 50, and more again at 1 (BENCH_LEVELS=1,10,50): a checkout wakes the process more often
 *   (10 times at 1 in flight, 6 at 50), and on this machine a wake-up costs more the longer the process slept
 *   (machine_wakeup below: 35 µs of work cost 80–110 µs of CPU 2 ms after the last wake-up and 200–250 µs 40 ms after).
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
 *   statements_per_checkout, floor_ratio_p50, floor_ratio_p99, floor_cpu_ms_per_checkout, and per level
 *   app_cpu_ms_per_checkout_<level>, floor_cpu_ms_per_checkout_<level>; and machine_wakeup, this machine's CPU per
 *   small callback back to back and after 2, 5 and 40 ms asleep (wakeupCost in bench/support.ts), to read runs on
 *   different machines against each other.
 * Targets (issue 15): every ratio_p50 ≤ 1.05, every ratio_p99 ≤ 1.25, app_cpu_ms_per_checkout ≤ 2.5.
 *
 * Each side runs in a process of its own (bench/checkout-side.ts, where the reason is), as a store's app process runs
 * only the store's code; this process seeds the database, starts the emulators, tells the sides which round to run
 * and reads the database's CPU around each. The app logs as in production (LOG_LEVEL, default info: a line per
 * provider call, written synchronously to stdout). The sides' stdout is the file .data/bench/checkout-app.log, as a
 * server's is when redirected to one: the lines do not bury the report, and no process of the benchmark's wakes on
 * the same two cores to carry them.
 *
 * Environment: BENCH_LATENCY_MS (200), BENCH_PROVIDERS ("paypal,stripe"), BENCH_LEVELS ("10,50"), BENCH_CHECKOUTS
 * (measured checkouts per side and level, default 400), BENCH_WARMUP (unrecorded checkouts per side before each
 * level, default 1,000), BENCH_HISTORY (5000), DATABASE_POOL_SIZE (the app's pool size), TEST_POSTGRES_URL,
 * BENCH_CPU_PROFILE_DIR (a CPU profile of each measured round, e.g. paypal-ours-10-1.cpuprofile).
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { Agent } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import postgres, { type Sql } from "postgres";
import { backendCpu, backendCpuMs, httpCall, percentile, root, round3, startEmulatorProcess, WAKEUP_GAPS_MS, wakeupCost, type BackendCpu } from "./support";
import { STATEMENT_COUNTING_CHECKOUTS, type Buyer, type FromSide, type ProviderName, type RoundResult, type Side, type SideInit, type Timing, type ToSide } from "./checkout-side";

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 200);
const PROVIDERS = (process.env.BENCH_PROVIDERS ?? "paypal,stripe").split(",") as ProviderName[];
const LEVELS = (process.env.BENCH_LEVELS ?? "10,50").split(",").map(Number);
const measuredPerSide = () => Number(process.env.BENCH_CHECKOUTS ?? 400);
/** Rounds per side and level (ABBA order over pairs of rounds). */
const ROUNDS = 2;
const perRound = () => Math.ceil(measuredPerSide() / ROUNDS);
/**
 * Unrecorded checkouts per side before a level's rounds, at the level's concurrency (BENCH_WARMUP, at least
 * 4 × concurrency): until V8 has optimized what a checkout runs at that load. Most functions run once or twice per
 * checkout, so V8 optimizes them only after hundreds of checkouts, and a change of load deoptimizes some (other
 * object shapes on other paths). With 50 checkouts of warm-up, each measured round of ours still had 52–74
 * functions optimized (`--trace-opt`): the rounds measured a process in its first few hundred checkouts, not a
 * store's server. With 1,000 at the level's own concurrency, 10–23 at 10 in flight and 5–8 at 50.
 */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1_000);
const warmupPerSide = (level: number) => Math.max(WARMUP, level * 4);
/** Approvals measured alone, to take the buyer's part out of the app's CPU. */
const APPROVALS_MEASURED = 300;
const PRICE_MINOR = 4900;
/** Completed orders seeded before the run (BENCH_HISTORY): the store has sold before. */
const HISTORY = Number(process.env.BENCH_HISTORY ?? 5_000);

const SIDES: Side[] = ["ours", "bare", "floor"];
const SIDE_SCRIPT = path.join(root, "bench", "checkout-side.ts");

/**
 * cpu_ms of which sys_ms in the kernel, and main_ms on the main thread (the rest is V8's garbage collector and
 * optimizing compiler threads, and libuv's pool; in 10 ms ticks over each round); wakeups: times the side's process
 * slept and was woken (voluntary context switches);
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

/** A side's process: one request at a time, each answered by the message of the expected type (or a failure). */
type SideProcess = {
  ask<T extends FromSide["type"]>(message: ToSide, expected: T): Promise<Extract<FromSide, { type: T }>>;
  stop(): void;
};

/** Starts a side's process and sends it `init`; resolves once its checkout is built (ours: statements counted). */
async function startSide(init: SideInit, appLog: number): Promise<SideProcess & { statements: number | null }> {
  const child = spawn(process.execPath, [...process.execArgv, SIDE_SCRIPT], { cwd: root, env: process.env, stdio: ["ignore", appLog, "inherit", "ipc"] });
  let pending: { resolve: (message: FromSide) => void; reject: (error: Error) => void } | undefined;
  child.on("message", (message: FromSide) => {
    const waiting = pending;
    pending = undefined;
    if (message.type === "failed") waiting?.reject(new Error(`${init.provider} ${init.side}: ${message.error}`));
    else waiting?.resolve(message);
  });
  child.once("exit", (code, signal) => pending?.reject(new Error(`${init.provider} ${init.side} exited (${code ?? signal}) without answering`)));
  const ask = <T extends FromSide["type"]>(message: ToSide, expected: T) =>
    new Promise<Extract<FromSide, { type: T }>>((resolve, reject) => {
      pending = {
        resolve: (answer) => (answer.type === expected ? resolve(answer as Extract<FromSide, { type: T }>) : reject(new Error(`${init.provider} ${init.side}: expected ${expected}, got ${answer.type}`))),
        reject,
      };
      child.send(message);
    });
  const side = { ask, stop: () => void child.kill("SIGTERM") };
  const { statements } = await ask({ type: "init", init }, "ready");
  return { ...side, statements };
}

// ---------------------------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const [{ openPostgres, poolSize }, { migrateDatabase }, admin, schema] = await Promise.all([import("@/db/client"), import("@/db/migrate"), import("@/lib/testing/postgres-admin"), import("@/db/schema")]);
  const { sql, eq, count } = await import("drizzle-orm");

  // First, while this process is quiet (no seeding garbage for the collector's threads to clear): the machine's price of
  // a wake-up, with no app code (printed with the rest).
  const wakeups = await wakeupCost();

  const logPath = path.join(root, ".data", "bench", "checkout-app.log");
  mkdirSync(path.dirname(logPath), { recursive: true });
  const appLog = openSync(logPath, "w");
  const dbName = `coursepay_bench_${process.pid}_${randomBytes(3).toString("hex")}`;
  const stoppable: { stop: () => void }[] = [];
  let handle: Awaited<ReturnType<typeof openPostgres>> | undefined;
  let monitorClient: Sql | undefined;
  let dbCreated = false;
  const controlAgent = new Agent({ keepAlive: true, maxSockets: 4 });

  const cleanup = async () => {
    controlAgent.destroy();
    for (const child of stoppable) child.stop();
    await handle?.close().catch(() => undefined);
    await monitorClient?.end({ timeout: 5 }).catch(() => undefined);
    if (dbCreated) await admin.dropDatabase(dbName).catch((error: unknown) => console.error(`could not drop ${dbName}:`, error));
    closeSync(appLog);
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
    handle = openPostgres(url, { max: 2 });
    const db = handle.db;
    // Reads the CPU of the database's backends around each round, over a connection of its own (left out).
    const monitor = (monitorClient = postgres(url, { max: 1, onnotice: () => {} }));
    const readDbCpu = () => backendCpu(monitor);
    await db.execute(sql`create table bench_round_trips (id bigserial primary key, n int not null)`);

    // Seed one user and one course per "ours" checkout (warm-ups and unrecorded round edges included).
    const oursPerLevel = (level: number) => warmupPerSide(level) + ROUNDS * (perRound() + 2 * level);
    const perProvider = 1 + STATEMENT_COUNTING_CHECKOUTS + LEVELS.reduce((total, level) => total + oursPerLevel(level), 0);
    const needed = PROVIDERS.length * perProvider;
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

    type ProviderReport = {
      latency_ms: number;
      levels: Record<string, Record<Side, SideStats> & { ratio_p50: number; ratio_p99: number; floor_ratio_p50: number; floor_ratio_p99: number }>;
      approval_cpu_ms: number;
      app_cpu_ms_per_checkout: number;
      floor_cpu_ms_per_checkout: number;
    } & Record<string, unknown>;
    const reports: Partial<Record<ProviderName, ProviderReport>> = {};
    let buyersUsed = 0;

    for (const [index, name] of PROVIDERS.entries()) {
      const emulator = await startEmulatorProcess({}, name);
      stoppable.push(emulator);
      const latency = await httpCall(controlAgent, new URL(emulator.url), "POST", "/__emulator/latency", { "content-type": "application/json" }, JSON.stringify({ ms: LATENCY_MS }));
      if (latency.status !== 200) throw new Error(`${name} latency: ${latency.status} ${latency.body}`);
      const init = (side: Side, statements = 0): SideInit => ({
        provider: name,
        side,
        databaseUrl: url,
        emulatorUrl: emulator.url,
        buyers: side === "ours" ? buyers.slice(index * perProvider, (index + 1) * perProvider) : [],
        statements,
        priceMinor: PRICE_MINOR,
      });
      const ours = await startSide(init("ours"), appLog);
      stoppable.push(ours);
      const statementsPerCheckout = ours.statements!;
      const sides: Record<Side, Awaited<ReturnType<typeof startSide>>> = { ours, bare: await startSide(init("bare"), appLog), floor: await startSide(init("floor", statementsPerCheckout), appLog) };
      stoppable.push(sides.bare, sides.floor);

      /** One round of a side, with the database's CPU read around it and apportioned as the side's own CPU is. */
      const round = async (side: Side, concurrency: number, recorded: number, spreadMs: number, profile: string | null): Promise<RoundResult & { dbCpuMs: number | undefined }> => {
        const dbBefore: BackendCpu | undefined = await readDbCpu();
        const { result } = await sides[side].ask({ type: "round", profile, concurrency, recorded, spreadMs }, "round");
        const dbCpuMs = backendCpuMs(dbBefore, await readDbCpu());
        return { ...result, dbCpuMs: dbCpuMs === undefined ? undefined : dbCpuMs * result.share };
      };

      const levels: ProviderReport["levels"] = {};
      /** CPU (µs) of ours and the floor over each level's recorded checkouts. */
      const cpuAt: Record<string, { ours: number; floor: number; checkouts: number }> = {};
      for (const level of LEVELS) {
        // Warm-up of every side at this level (JIT, pool connections, prepared statements, emulator sockets). The bare
        // side's, its buyers all starting at once, gives one checkout's duration (approval included): each of `level`
        // buyers starts one every `level / throughput`. The rounds' buyers arrive at random moments within it.
        const bareWarmup = await round("bare", level, warmupPerSide(level) - 2 * level, 0, null);
        const spreadMs = (1000 * level * bareWarmup.seconds) / bareWarmup.timings.length;
        for (const side of SIDES) if (side !== "bare") await round(side, level, warmupPerSide(level) - 2 * level, spreadMs, null);
        const collected = Object.fromEntries(SIDES.map((side): [Side, Collected] => [side, { timings: [], seconds: 0, cpuMicros: 0, sysMicros: 0, mainMs: 0, wakeups: 0, dbCpuMs: 0 }])) as Record<Side, Collected>;
        for (let r = 0; r < ROUNDS; r++) {
          // ABBA over the three sides: ours, bare, floor | floor, bare, ours | …
          const order = r % 2 === 0 ? SIDES : [...SIDES].reverse();
          for (const side of order) {
            const result = await round(side, level, perRound(), spreadMs, process.env.BENCH_CPU_PROFILE_DIR ? `${name}-${side}-${level}` : null);
            const into = collected[side];
            into.timings.push(...result.timings);
            into.seconds += result.seconds;
            into.cpuMicros += result.cpuMicros;
            into.sysMicros += result.sysMicros;
            into.mainMs += result.mainMs;
            into.wakeups += result.wakeups;
            into.dbCpuMs = into.dbCpuMs === undefined || result.dbCpuMs === undefined ? undefined : into.dbCpuMs + result.dbCpuMs;
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
        cpuAt[String(level)] = { ours: collected.ours.cpuMicros, floor: collected.floor.cpuMicros, checkouts: o.checkouts };
      }
      // Both sides' CPU includes the buyer's approval calls; taken out of each (measured in its own process), as
      // they are not the store's.
      const approvalCpu = { ours: (await ours.ask({ type: "approvals", count: APPROVALS_MEASURED }, "approvals")).cpuMs, floor: (await sides.floor.ask({ type: "approvals", count: APPROVALS_MEASURED }, "approvals")).cpuMs };
      for (const side of SIDES) {
        const { buyersUsed: used } = await sides[side].ask({ type: "close" }, "closed");
        buyersUsed += used;
      }
      emulator.stop();
      const all = Object.values(cpuAt).reduce((sum, at) => ({ ours: sum.ours + at.ours, floor: sum.floor + at.floor, checkouts: sum.checkouts + at.checkouts }));
      const perCheckout = (micros: number, approval: number, checkouts: number) => round3(micros / 1000 / checkouts - approval);
      const report: ProviderReport = {
        latency_ms: LATENCY_MS,
        levels,
        approval_cpu_ms: round3(approvalCpu.ours),
        app_cpu_ms_per_checkout: perCheckout(all.ours, approvalCpu.ours, all.checkouts),
        floor_cpu_ms_per_checkout: perCheckout(all.floor, approvalCpu.floor, all.checkouts),
        statements_per_checkout: round3(statementsPerCheckout),
      };
      for (const level of LEVELS) {
        const at = levels[String(level)]!;
        const spent = cpuAt[String(level)]!;
        Object.assign(report, {
          [`ratio_p50_${level}`]: at.ratio_p50,
          [`ratio_p99_${level}`]: at.ratio_p99,
          [`app_cpu_ms_per_checkout_${level}`]: perCheckout(spent.ours, approvalCpu.ours, spent.checkouts),
          [`floor_cpu_ms_per_checkout_${level}`]: perCheckout(spent.floor, approvalCpu.floor, spent.checkouts),
        });
      }
      report.floor_ratio_p50 = Object.fromEntries(LEVELS.map((level) => [level, levels[String(level)]!.floor_ratio_p50]));
      report.floor_ratio_p99 = Object.fromEntries(LEVELS.map((level) => [level, levels[String(level)]!.floor_ratio_p99]));
      reports[name] = report;
    }

    // Every "ours" checkout must have completed exactly once, with its enrollment.
    const [completed] = await db.select({ n: count() }).from(schema.orders).where(eq(schema.orders.status, "completed"));
    const [paid] = await db.select({ n: count() }).from(schema.payments);
    const [enrolled] = await db.select({ n: count() }).from(schema.enrollments).where(eq(schema.enrollments.source, "purchase"));
    if (completed!.n !== HISTORY + buyersUsed || paid!.n !== buyersUsed || enrolled!.n !== HISTORY + buyersUsed) {
      throw new Error(`expected ${buyersUsed} completed orders, payments and enrollments besides the ${HISTORY} earlier ones; found ${completed!.n}, ${paid!.n}, ${enrolled!.n}`);
    }

    const lines: string[] = [];
    lines.push(`Checkout: create + capture, server side (the buyer's approval not timed); each side in a process of its own; emulators in child processes answering after ${LATENCY_MS} ms; PostgreSQL pool ${poolSize()}; app log level ${process.env.LOG_LEVEL ?? "info"} (lines in .data/bench/checkout-app.log)`);
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
        `  ${name}: app CPU per checkout ${report.app_cpu_ms_per_checkout.toFixed(2)} ms (target ≤ 2.5; ${LEVELS.map((level) => `${(report[`app_cpu_ms_per_checkout_${level}`] as number).toFixed(2)} at ${level} in flight`).join(", ")}), floor ${report.floor_cpu_ms_per_checkout.toFixed(2)} ms (the buyer's approval, ${report.approval_cpu_ms.toFixed(2)} ms, taken out of each); ${report.statements_per_checkout} statements per checkout`,
      );
    }
    lines.push("");
    lines.push("  targets: ratio_p50 ≤ 1.05 and ratio_p99 ≤ 1.25 at 10 and 50 in flight; app_cpu_ms_per_checkout ≤ 2.5");
    const first = reports[PROVIDERS[0]!]!;
    lines.push(`  this machine's wake-ups (no app code; see wakeupCost): ${wakeups.back_to_back_us} µs of CPU per callback back to back, ${WAKEUP_GAPS_MS.map((gap) => `${wakeups[`gap_${gap}ms_us`]} µs after ${gap} ms asleep`).join(", ")}`);
    const summary = { ...first, providers: reports, checkouts_per_side: perRound() * ROUNDS, pool: poolSize(), machine_wakeup: wakeups };
    console.log(lines.join("\n"));
    console.log(JSON.stringify(summary));
  } finally {
    process.removeListener("SIGINT", interrupted);
    process.removeListener("SIGTERM", interrupted);
    await cleanup();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
