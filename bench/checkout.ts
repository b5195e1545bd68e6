/**
 * `npm run bench:checkout`: the server-side cost of a checkout (create + capture) through our service layer,
 * next to a bare baseline that makes the same two PayPal calls with no database work (issue 4).
 *
 * - The PayPal emulator runs as a child process (so it does not share the measured event loop), at 0 ms latency.
 * - A fresh PostgreSQL database per run (created, migrated, seeded directly, dropped at the end — also on failure).
 * - "ours": startCheckout → approve (control API, not timed) → captureCheckout, through the app's PayPal client,
 *   timed as create part + capture part. Every checkout buys its own course as its own user, so no ownership or
 *   claim check can short-circuit.
 * - "bare": POST /v2/checkout/orders with the same request body and PayPal-Request-Id → approve (not timed) →
 *   POST …/capture with a PayPal-Request-Id, with a cached token over a plain keep-alive node:http agent.
 * - At 1, 10 and 50 concurrent checkouts (closed loop), the same number of measured checkouts for both, in rounds
 *   that alternate ours/bare in ABBA order so neither side systematically gets the warmer machine. In each round the
 *   first `concurrency` checkouts (simultaneous start) and the last ones (draining, fewer in flight) are not
 *   recorded, and each level starts with an unrecorded warm-up of both.
 *
 * Prints a table and, as the last line, JSON:
 *   {"levels":{"1":{"ours":{"p50_ms","p99_ms","per_s"},"bare":{…},"ratio_p50"},…},"ratio_p50_10":…}
 * Target (issue 4): ratio_p50_10 ≤ 1.5.
 *
 * The app logs as in production (LOG_LEVEL, default info: a line per PayPal call, written synchronously to stdout).
 * So that those lines do not bury the report, the measurement runs in a child process whose stdout this process
 * reads: the app's log lines go to .data/bench/checkout-app.log, everything else is printed.
 *
 * Environment: BENCH_CHECKOUTS (measured checkouts per side and level, default 300/600/600), BENCH_LEVELS
 * ("1,10,50"), DATABASE_POOL_SIZE (the app's pool size), TEST_POSTGRES_URL (server to create the database on).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { createWriteStream, mkdirSync } from "node:fs";
import { Agent } from "node:http";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { httpCall, percentile, root, round3, startEmulatorProcess } from "./support";

// The OAuth token cache encrypts what it stores; a throw-away key is enough for a throw-away database.
process.env.COURSEPAY_ENCRYPTION_KEY ??= "bench-checkout-encryption-key";

const LEVELS = (process.env.BENCH_LEVELS ?? "1,10,50").split(",").map(Number);
const DEFAULT_CHECKOUTS: Record<number, number> = { 1: 300, 10: 600, 50: 600 };
const measuredPerSide = (level: number) => Number(process.env.BENCH_CHECKOUTS ?? DEFAULT_CHECKOUTS[level] ?? 600);
/** Rounds per side and level (ABBA order over pairs of rounds). */
const ROUNDS = 2;
const perRound = (level: number) => Math.ceil(measuredPerSide(level) / ROUNDS);
/** Unrecorded checkouts per side before a level's rounds (at least 2 × concurrency). */
const warmupPerSide = (level: number) => Math.max(50, level * 4);
const PRICE_MINOR = 4900;

type Timing = { create: number; capture: number };
type Side = "ours" | "bare";

// ---------------------------------------------------------------------------------------------------------------
// Emulator child process and plain HTTP
// ---------------------------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------------------------
// Statistics
// ---------------------------------------------------------------------------------------------------------------


type SideStats = { p50_ms: number; p99_ms: number; per_s: number; create_p50_ms: number; capture_p50_ms: number; checkouts: number; cpu_ms: number };

function stats(timings: Timing[], seconds: number, cpuMicros: number): SideStats {
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
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  // App modules are loaded after the environment above is set (the logger and crypto read it).
  const [{ openPostgres }, { migrateDatabase }, admin, schema, { startCheckout, captureCheckout }, { PayPalClient }, { payPalEnvironment }, { PayPalProvider, orderRequestBody }, { money }] =
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
    ]);
  const { sql, eq, count } = await import("drizzle-orm");

  const dbName = `coursepay_bench_${process.pid}_${randomBytes(3).toString("hex")}`;
  let emulatorChild: ChildProcess | undefined;
  let handle: Awaited<ReturnType<typeof openPostgres>> | undefined;
  let dbCreated = false;
  const controlAgent = new Agent({ keepAlive: true, maxSockets: 64 });
  const bareAgent = new Agent({ keepAlive: true, maxSockets: 64 });

  const cleanup = async () => {
    controlAgent.destroy();
    bareAgent.destroy();
    emulatorChild?.kill("SIGTERM");
    await handle?.close().catch(() => undefined);
    if (dbCreated) await admin.dropDatabase(dbName).catch((error: unknown) => console.error(`could not drop ${dbName}:`, error));
  };
  const interrupted = () => void cleanup().finally(() => process.exit(130));
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);

  try {
    const emulator = await startEmulatorProcess();
    emulatorChild = emulator.child;
    const base = new URL(emulator.url);
    const control = (pathname: string, body: unknown) => httpCall(controlAgent, base, "POST", `/__emulator${pathname}`, { "content-type": "application/json" }, JSON.stringify(body));
    await control("/latency", { ms: 0 });

    const url = await admin.createDatabase(dbName);
    dbCreated = true;
    const migrating = openPostgres(url, { max: 1 });
    try {
      await migrateDatabase(migrating);
    } finally {
      await migrating.close();
    }
    // The app's own pool settings (db/client.ts, DATABASE_POOL_SIZE).
    handle = openPostgres(url);
    const db = handle.db;

    // Seed one user and one course per "ours" checkout (warm-ups and unrecorded round edges included).
    const oursPerLevel = (level: number) => warmupPerSide(level) + ROUNDS * (perRound(level) + 2 * level);
    const needed = LEVELS.reduce((total, level) => total + oursPerLevel(level), 0);
    const buyers: { userId: string; courseId: string; title: string }[] = [];
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
        .returning({ id: schema.courses.id, title: schema.courses.title });
      users.forEach((user, i) => buyers.push({ userId: user.id, courseId: courses[i]!.id, title: courses[i]!.title }));
    }
    await db.execute(sql`analyze`);
    let nextBuyer = 0;

    // "ours": the app's service layer and PayPal client, as one app instance.
    const env = payPalEnvironment({ PAYPAL_ENV: "local", PAYPAL_EMULATOR_URL: emulator.url });
    const deps = { db, provider: new PayPalProvider(new PayPalClient({ env, db })), checkoutEnabled: true };
    const approve = async (providerOrderId: string) => {
      const approved = await control(`/orders/${encodeURIComponent(providerOrderId)}/approve`, { outcome: "success" });
      if (approved.status !== 200) throw new Error(`approve ${providerOrderId}: ${approved.status} ${approved.body}`);
    };

    const ours = async (): Promise<Timing> => {
      const buyer = buyers[nextBuyer++];
      if (!buyer) throw new Error("ran out of seeded buyers");
      const t0 = performance.now();
      const started = await startCheckout(deps, buyer.userId, { kind: "course", courseId: buyer.courseId });
      const t1 = performance.now();
      if (!started.ok) throw new Error(`startCheckout: ${started.message}`);
      await approve(started.providerOrderId);
      const t2 = performance.now();
      const captured = await captureCheckout(deps, buyer.userId, started.providerOrderId);
      const t3 = performance.now();
      if (!captured.ok || captured.status !== "completed") throw new Error(`captureCheckout: ${JSON.stringify(captured)}`);
      return { create: t1 - t0, capture: t3 - t2 };
    };

    // "bare": the same two PayPal calls, a cached token, no database.
    const basic = Buffer.from(`${env.clientId}:${env.clientSecret}`).toString("base64");
    const tokenResponse = await httpCall(bareAgent, base, "POST", "/v1/oauth2/token", { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded", accept: "application/json" }, "grant_type=client_credentials");
    const bearer = `Bearer ${(JSON.parse(tokenResponse.body) as { access_token: string }).access_token}`;
    let bareCount = 0;
    const bare = async (): Promise<Timing> => {
      const n = bareCount++;
      const orderId = randomUUID();
      const t0 = performance.now();
      const price = money(PRICE_MINOR, "USD");
      const body = JSON.stringify(
        orderRequestBody({ orderId, total: price, items: [{ sku: orderId, title: `Bench course ${n}`, price }], requestId: `coursepay-${orderId}-create` }),
      );
      const headers = { authorization: bearer, accept: "application/json", "content-type": "application/json", prefer: "return=representation" };
      const created = await httpCall(bareAgent, base, "POST", "/v2/checkout/orders", { ...headers, "paypal-request-id": `coursepay-${orderId}-create` }, body);
      const providerOrderId = (JSON.parse(created.body) as { id: string }).id;
      const t1 = performance.now();
      if (created.status !== 201) throw new Error(`bare create: ${created.status} ${created.body}`);
      await approve(providerOrderId);
      const t2 = performance.now();
      const captured = await httpCall(bareAgent, base, "POST", `/v2/checkout/orders/${encodeURIComponent(providerOrderId)}/capture`, { ...headers, "paypal-request-id": `coursepay-${orderId}-capture-0` }, "{}");
      const capture = (JSON.parse(captured.body) as { purchase_units: { payments: { captures: { status: string }[] } }[] }).purchase_units[0]!.payments.captures[0]!;
      const t3 = performance.now();
      if (captured.status !== 201 || capture.status !== "COMPLETED") throw new Error(`bare capture: ${captured.status} ${captured.body}`);
      return { create: t1 - t0, capture: t3 - t2 };
    };

    /**
     * One closed-loop round at `concurrency`: the first `concurrency` checkouts (simultaneous start) and the last
     * `concurrency` (started while the loop drains) are run but not recorded; `recorded` in between are.
     * Returns their timings and the time between the first recorded start and the last recorded end.
     */
    const runRound = async (checkout: () => Promise<Timing>, concurrency: number, recorded: number) => {
      const total = recorded + 2 * concurrency;
      const timings: Timing[] = [];
      let started = 0;
      let firstStart = Infinity;
      let lastEnd = 0;
      const cpuBefore = process.cpuUsage();
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
      // CPU time of this process (the service layer for "ours", the HTTP client for "bare"), per checkout run.
      return { timings, seconds: (lastEnd - firstStart) / 1000, cpuMicros: ((cpu.user + cpu.system) * timings.length) / total };
    };

    const runners: Record<Side, () => Promise<Timing>> = { ours, bare };
    const results: Record<string, { ours: SideStats; bare: SideStats; ratio_p50: number }> = {};
    const lines: string[] = [];
    for (const level of LEVELS) {
      // Warm-up of both sides at this level (JIT, pool connections, prepared statements, emulator sockets).
      await runRound(ours, level, warmupPerSide(level) - 2 * level);
      await runRound(bare, level, warmupPerSide(level) - 2 * level);
      const collected: Record<Side, { timings: Timing[]; seconds: number; cpuMicros: number }> = {
        ours: { timings: [], seconds: 0, cpuMicros: 0 },
        bare: { timings: [], seconds: 0, cpuMicros: 0 },
      };
      for (let r = 0; r < ROUNDS; r++) {
        // ABBA: ours, bare | bare, ours | …
        const order: Side[] = r % 2 === 0 ? ["ours", "bare"] : ["bare", "ours"];
        for (const side of order) {
          const round = await runRound(runners[side], level, perRound(level));
          collected[side].timings.push(...round.timings);
          collected[side].seconds += round.seconds;
          collected[side].cpuMicros += round.cpuMicros;
        }
      }
      const o = stats(collected.ours.timings, collected.ours.seconds, collected.ours.cpuMicros);
      const b = stats(collected.bare.timings, collected.bare.seconds, collected.bare.cpuMicros);
      results[String(level)] = { ours: o, bare: b, ratio_p50: round3(o.p50_ms / b.p50_ms) };
    }

    // Every "ours" checkout must have completed exactly once, with its enrollment.
    const [completed] = await db.select({ n: count() }).from(schema.orders).where(eq(schema.orders.status, "completed"));
    const [paid] = await db.select({ n: count() }).from(schema.payments);
    const [enrolled] = await db.select({ n: count() }).from(schema.enrollments).where(eq(schema.enrollments.source, "purchase"));
    if (completed!.n !== nextBuyer || paid!.n !== nextBuyer || enrolled!.n !== nextBuyer) {
      throw new Error(`expected ${nextBuyer} completed orders, payments and enrollments; found ${completed!.n}, ${paid!.n}, ${enrolled!.n}`);
    }

    const poolSize = Number(process.env.DATABASE_POOL_SIZE ?? 10);
    lines.push(`Checkout: create + capture, server side (approval not timed); emulator child process at 0 ms; PostgreSQL pool ${poolSize}; app log level ${process.env.LOG_LEVEL ?? "info"} (lines in .data/bench/checkout-app.log)`);
    lines.push(`  ours = startCheckout + captureCheckout (service layer, PayPal client, database); bare = the same two PayPal calls, no database`);
    lines.push("");
    lines.push("  in flight  side  checkouts   p50 ms   p99 ms  checkouts/s   create p50  capture p50  cpu ms/checkout   p50 ÷ bare");
    for (const level of LEVELS) {
      const r = results[String(level)]!;
      for (const side of ["ours", "bare"] as const) {
        const s = r[side];
        lines.push(
          `  ${String(level).padStart(9)}  ${side}  ${String(s.checkouts).padStart(9)}  ${s.p50_ms.toFixed(2).padStart(7)}  ${s.p99_ms.toFixed(2).padStart(7)}  ${String(s.per_s).padStart(11)}  ${s.create_p50_ms.toFixed(2).padStart(11)}  ${s.capture_p50_ms.toFixed(2).padStart(11)}  ${s.cpu_ms.toFixed(2).padStart(15)}   ${side === "ours" ? r.ratio_p50.toFixed(2).padStart(9) : ""}`,
        );
      }
    }
    lines.push("");
    lines.push("  (cpu ms/checkout: CPU time of this process — the service layer, or the bare HTTP client — not the emulator's or PostgreSQL's)");
    lines.push(`  ratio_p50_10 (ours ÷ bare at 10 in flight) = ${results["10"]?.ratio_p50 ?? "n/a"}   target ≤ 1.5`);
    const summary = {
      levels: Object.fromEntries(
        Object.entries(results).map(([level, r]) => [
          level,
          { ours: { p50_ms: r.ours.p50_ms, p99_ms: r.ours.p99_ms, per_s: r.ours.per_s }, bare: { p50_ms: r.bare.p50_ms, p99_ms: r.bare.p99_ms, per_s: r.bare.per_s }, ratio_p50: r.ratio_p50 },
        ]),
      ),
      ratio_p50_10: results["10"]?.ratio_p50 ?? null,
      checkouts_per_side: Object.fromEntries(LEVELS.map((level) => [String(level), perRound(level) * ROUNDS])),
      pool: poolSize,
    };
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
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  runWorker();
}
