/**
 * `npm run bench:webhooks`: webhook throughput of the running app (production build, PostgreSQL).
 *
 * 1. A fresh PostgreSQL database, the emulator, and `npm start`'s server (server.ts) pointed at both.
 * 2. N real checkouts: our orders are created through the app's own service layer, then approved and
 *    captured at PayPal directly — so PayPal emits N genuinely signed PAYMENT.CAPTURE.COMPLETED events
 *    (signed for the app's webhook id), which a local collector keeps instead of the app receiving them.
 * 3. The events, plus 20 % duplicates (some sent at the same moment as their original), are sent to
 *    POST /api/paypal/webhook with C requests in flight, round-robin over I app instances sharing the database
 *    (a load balancer's job); each must complete its order exactly once.
 *
 * Prints a table and, as the last line, JSON: events_per_s, p50_ms, p99_ms, double_effects (must be 0), and the CPU
 * each process spent per event over the measured sends: app_cpu_ms (every app instance, all threads),
 * db_cpu_ms (the database's PostgreSQL backends; null when PostgreSQL runs on another machine) and sender_cpu_ms
 * (this process) — on two shared cores, what bounds the throughput.
 * Environment: BENCH_CPU_PROF (a directory: each app instance writes a V8 CPU profile there when it stops),
 * BENCH_EVENTS (default 2000), BENCH_CONCURRENCY (default 32), BENCH_INSTANCES (default 1; more
 * app instances show how it scales out — on a 2-core machine the sender, the app and PostgreSQL share the cores),
 * DATABASE_POOL_SIZE (the app's pool; without it, poolSize() in db/client.ts).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:http";
import { Agent, request } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { count, eq, sql } from "drizzle-orm";
import postgres from "postgres";
import { openPostgres } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { orders, paymentEvents, payments } from "@/db/schema";
import { startEmulator } from "@/emulators/paypal";
import { addToCart } from "@/lib/cart";
import { startCheckout } from "@/lib/payments/checkout";
import { checkInvariants } from "@/lib/payments/invariants";
import { PayPalClient } from "@/lib/paypal/client";
import { payPalEnvironment } from "@/lib/paypal/environment";
import { PayPalProvider } from "@/lib/paypal/provider";
import { freePort, PRODUCTION_ENV, spawnApp, type AppProcess } from "@/lib/testing/app-process";
import { makeCourse, makeUser } from "@/lib/testing/fixtures";
import { createDatabase, dropDatabase } from "@/lib/testing/postgres-admin";
import { backendCpu, backendCpuMs, processCpuMs } from "./support";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const DUPLICATE_SHARE = 0.2;
const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 1);
let ports: number[] = [];
const root = process.cwd();

type Captured = { headers: Record<string, string>; body: Buffer; type: string };

async function main() {
  process.env.COURSEPAY_ENCRYPTION_KEY ??= PRODUCTION_ENV.COURSEPAY_ENCRYPTION_KEY;
  process.env.LOG_LEVEL ??= "warn";
  if (!existsSync(path.join(root, ".next", "BUILD_ID"))) {
    console.log("no production build: running next build");
    if (spawnSync(path.join(root, "node_modules/.bin/next"), ["build"], { stdio: "inherit" }).status !== 0) process.exit(1);
  }

  // The collector stands where the app's webhook route would: it keeps PayPal's signed deliveries.
  const collected: Captured[] = [];
  const collector = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const headers = Object.fromEntries(Object.entries(req.headers).flatMap(([k, v]) => (typeof v === "string" ? [[k, v]] : [])));
      collected.push({ headers, body, type: JSON.parse(body.toString()).event_type });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => collector.listen(0, "127.0.0.1", r));
  const collectorUrl = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/webhook`;
  const emulator = await startEmulator({ port: 0, webhookUrl: collectorUrl });

  ports = await Promise.all(Array.from({ length: INSTANCES }, () => freePort()));
  const name = `coursepay_bench_webhooks_${process.pid}`;
  const url = await createDatabase(name);
  const handle = openPostgres(url, { max: 10 });
  // Reads the CPU of the database's backends around the measured sends, over a connection of its own (left out).
  const monitor = postgres(url, { max: 1, onnotice: () => {} });
  const apps: AppProcess[] = [];
  try {
    await migrateDatabase(handle);
    const env = payPalEnvironment({ PAYPAL_ENV: "local", PAYPAL_EMULATOR_URL: emulator.url });
    const provider = new PayPalProvider(new PayPalClient({ env, db: handle.db }));

    console.log(`preparing ${EVENTS} signed PAYMENT.CAPTURE.COMPLETED events…`);
    const course = await makeCourse(handle.db, { priceMinor: 4900 });
    const prepared = Date.now();
    let made = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (made < EVENTS) {
          made++;
          const user = await makeUser(handle.db);
          await addToCart(handle.db, user.id, course.id);
          const started = await startCheckout({ db: handle.db, provider, checkoutEnabled: true }, user.id, { kind: "cart", currency: "USD" });
          if (!started.ok) throw new Error(started.message);
          await emulator.control.approveOrder(started.providerOrderId);
          // Captured at PayPal only: our database learns about it from the webhook under test.
          const captured = await provider.client.call({
            operation: "bench.capture",
            method: "POST",
            path: `/v2/checkout/orders/${started.providerOrderId}/capture`,
            requestId: `bench-${started.orderId}`,
            body: {},
            schema: (await import("@/lib/paypal/schemas")).orderSchema,
          });
          if (captured.status !== "COMPLETED") throw new Error("capture failed");
        }
      }),
    );
    await emulator.control.webhooks.flush({ timeoutMs: 60_000 });
    const events = collected.filter((e) => e.type === "PAYMENT.CAPTURE.COMPLETED");
    if (events.length !== EVENTS) throw new Error(`expected ${EVENTS} events, collected ${events.length}`);
    console.log(`  ready in ${((Date.now() - prepared) / 1000).toFixed(1)} s`);

    // `npm start`'s server (server.ts) over the production build, one process per instance.
    for (const port of ports) {
      apps.push(
        await spawnApp({
          ...PRODUCTION_ENV,
          // The token cache the bench's own PayPal client filled is readable by the app.
          COURSEPAY_ENCRYPTION_KEY: process.env.COURSEPAY_ENCRYPTION_KEY,
          DATABASE_URL: url,
          // The app's pool size, as an operator would set it (db/client.ts; default 10).
          DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE,
          PORT: String(port),
          COURSEPAY_SEED_DEMO: "false",
          RECONCILE_INTERVAL_SECONDS: "0",
          PAYPAL_ENV: "local",
          PAYPAL_EMULATOR_URL: emulator.url,
          PAYPAL_WEBHOOK_ID: emulator.config.webhookId,
          LOG_LEVEL: process.env.LOG_LEVEL,
        }, { nodeArgs: process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [] }),
      );
    }

    // The send list: every event once, plus duplicates, shuffled; half the duplicates right after their original.
    const duplicates = Math.round((EVENTS * DUPLICATE_SHARE) / (1 - DUPLICATE_SHARE));
    const sends: Captured[] = [...events];
    for (let i = 0; i < duplicates; i++) {
      const original = events[Math.floor(Math.random() * events.length)]!;
      if (i % 2 === 0) sends.splice(sends.indexOf(original) + 1, 0, original);
      else sends.splice(Math.floor(Math.random() * sends.length), 0, original);
    }
    // Warm up every instance: its first request fetches and caches PayPal's certificate.
    const warm = sends.splice(0, 25 * INSTANCES);
    for (const event of warm) await send(event);

    const latencies: number[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const appCpu = () => apps.reduce((total, app) => total + processCpuMs(app.pid), 0);
    const [appBefore, dbBefore, senderBefore] = [appCpu(), await backendCpu(monitor), process.cpuUsage()];
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < sends.length) {
          const event = sends[next++]!;
          const t = performance.now();
          const status = await send(event);
          latencies.push(performance.now() - t);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const [appMs, dbMs, sender] = [appCpu() - appBefore, backendCpuMs(dbBefore, await backendCpu(monitor)), process.cpuUsage(senderBefore)];
    const perEvent = (ms: number) => Number((ms / sends.length).toFixed(3));
    const cpu = { app_cpu_ms: perEvent(appMs), db_cpu_ms: dbMs === undefined ? null : perEvent(dbMs), sender_cpu_ms: perEvent((sender.user + sender.system) / 1000) };

    const [{ n: completed } = { n: 0 }] = await handle.db.select({ n: count() }).from(orders).where(eq(orders.status, "completed"));
    const [{ n: captures } = { n: 0 }] = await handle.db.select({ n: count() }).from(payments);
    const [{ n: applied } = { n: 0 }] = await handle.db
      .select({ n: count() })
      .from(paymentEvents)
      .where(sql`${paymentEvents.source} = 'webhook' and ${paymentEvents.outcome} like '% → completed'`);
    const violations = await checkInvariants(handle.db);
    const doubleEffects = Math.max(0, applied - EVENTS) + Math.max(0, captures - EVENTS) + violations.length;

    latencies.sort((x, y) => x - y);
    const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
    const result = {
      events: sends.length,
      unique_events: EVENTS,
      duplicates,
      concurrency: CONCURRENCY,
      instances: INSTANCES,
      events_per_s: Math.round(sends.length / seconds),
      p50_ms: Number(q(0.5).toFixed(2)),
      p99_ms: Number(q(0.99).toFixed(2)),
      statuses: Object.fromEntries(statuses),
      orders_completed: completed,
      double_effects: doubleEffects,
      ...cpu,
    };
    console.log(`\n  events sent        ${sends.length} (${EVENTS} unique + ${duplicates} duplicates), ${CONCURRENCY} in flight, ${INSTANCES} app instance(s)`);
    console.log(`  throughput         ${result.events_per_s} events/s`);
    console.log(`  latency            p50 ${result.p50_ms} ms   p99 ${result.p99_ms} ms`);
    console.log(`  CPU per event      app ${cpu.app_cpu_ms} ms   PostgreSQL ${cpu.db_cpu_ms ?? "– (not on this machine)"} ms   sender ${cpu.sender_cpu_ms} ms`);
    console.log(`  orders completed   ${completed} / ${EVENTS}   captures recorded ${captures}   invariant violations ${violations.length}`);
    console.log(JSON.stringify(result));
    if (completed !== EVENTS || doubleEffects !== 0) process.exitCode = 1;
  } finally {
    await Promise.all(apps.map((app) => app.stop()));
    await handle.close();
    await monitor.end({ timeout: 5 });
    await dropDatabase(name).catch(() => {});
    await emulator.close();
    collector.close();
  }
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });
let turn = 0;

function send(event: Captured): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: ports[turn++ % ports.length],
        method: "POST",
        path: "/api/paypal/webhook",
        agent,
        headers: { ...pick(event.headers), "content-type": "application/json", "content-length": event.body.length },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(event.body);
  });
}

/** The PayPal transmission headers, as PayPal sent them. */
function pick(headers: Record<string, string>) {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => k.startsWith("paypal-") || k === "correlation-id"));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
