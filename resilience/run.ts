/**
 * `npm run test:resilience` (part of `npm test`): checkouts through two real production app processes while they are
 * killed, the database restarts and PayPal misbehaves — and afterwards the money is right (issue 15).
 *
 * - A throwaway PostgreSQL cluster of its own (so it may be restarted), two `npm start` servers (server.ts over the
 *   current `next build`) sharing it, and the PayPal emulator, whose webhooks reach the apps through a small load
 *   balancer (connection-refused fails over to the other instance, as a real one would).
 * - Buyers sign in over HTTP and pay as the PayPal buttons make the browser do: the `createPayPalOrder` server action,
 *   the buyer's approval at PayPal, the `capturePayPalOrder` action — each request to a live instance, retried on
 *   another when its connection fails (a buyer pressing again), every request bounded by a timeout.
 * - Chaos, from a seeded schedule: SIGKILL of an instance at random moments and at the worst one (PayPal has
 *   captured, the app has not committed: the emulator holds the capture's answer, the instance dies waiting), each
 *   instance started again; PostgreSQL restarted once mid-run; the emulator dropping connections, failing and
 *   answering slowly.
 * - Afterwards one reconciliation pass, then: invariants, double captures (per buyer and course, at PayPal), access
 *   equal to what PayPal says was paid, and requests that never got an answer.
 *
 * One checkout in ten is paid in two tabs at once (both orders approved at PayPal, both captured).
 * Last line JSON: checkouts, completed, kills, db_restarts, violations, double_captures, access_mismatches,
 * hung_requests, seed. Exit 0 only when all of those hold. RESILIENCE_SEED repeats a run; RESILIENCE_CHECKOUTS
 * (default 200) sets its size.
 */
import "@/lib/testing/quiet-log";
import { spawnSync } from "node:child_process";
import { randomInt } from "node:crypto";
import { existsSync } from "node:fs";
import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import path from "node:path";
import { and, eq, isNotNull } from "drizzle-orm";
import postgres from "postgres";
import { openPostgres } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { enrollments, orderItems, orders } from "@/db/schema";
import { startEmulator } from "@/emulators/paypal";
import { createAccount } from "@/lib/auth/accounts";
import type { CaptureResult } from "@/lib/payments/checkout";
import { checkInvariants } from "@/lib/payments/invariants";
import { reconcileOnce } from "@/lib/payments/reconcile";
import { PayPalClient } from "@/lib/paypal/client";
import { payPalEnvironment } from "@/lib/paypal/environment";
import { PayPalProvider } from "@/lib/paypal/provider";
import { freePort, PRODUCTION_ENV, spawnApp, type AppProcess } from "@/lib/testing/app-process";
import { makeCourse } from "@/lib/testing/fixtures";
import { signInOverHttp } from "@/lib/testing/http-session";
import { startPgCluster } from "@/lib/testing/pg-cluster";
import { seededRandom } from "@/lib/testing/random";
import { actionId, ActionHttpError, callAction } from "@/lib/testing/server-actions";

// `||`, not `??`: an empty RESILIENCE_SEED= (a blanked variable in CI) means a new seed, not seed 0.
const SEED = Number(process.env.RESILIENCE_SEED || randomInt(1, 2 ** 31));
const CHECKOUTS = Number(process.env.RESILIENCE_CHECKOUTS ?? 200);
const BUYERS = 10;
const REQUEST_TIMEOUT_MS = 45_000;
const ATTEMPTS = 10;
const DEADLINE_MS = 10 * 60_000;
/** The share of checkouts a buyer runs in two tabs at once (both approved at PayPal, both captured). */
const TWO_TABS_SHARE = 0.1;
const PASSWORD = "resilience-password-1";
const root = process.cwd();

const random = seededRandom(SEED);
const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type CreateResponse = { ok: true; paypalOrderId: string } | { ok: false; message: string };
type Outcome = "completed" | "processing" | "refused" | "gave_up";

const counters = { twoTabs: 0, kills: 0, killsAfterCapture: 0, dbRestarts: 0, hung: 0, transportErrors: 0, emulatorFaults: 0 };

/** One app instance: the process, and whether it is taking requests (false from its kill until it is ready again). */
type Instance = { index: number; port: number; url: string; process: AppProcess | null; alive: boolean };

async function main() {
  console.log(`resilience: seed ${SEED} (RESILIENCE_SEED=${SEED} repeats this run), ${CHECKOUTS} checkouts`);
  if (!existsSync(path.join(root, ".next", "BUILD_ID"))) {
    console.log("no production build: running next build");
    if (spawnSync(path.join(root, "node_modules/.bin/next"), ["build"], { stdio: "inherit" }).status !== 0) process.exit(1);
  }
  const started = Date.now();
  process.env.COURSEPAY_ENCRYPTION_KEY = PRODUCTION_ENV.COURSEPAY_ENCRYPTION_KEY;

  const cluster = startPgCluster(await freePort());
  const cleanups: (() => Promise<void> | void)[] = [() => cluster.stop()];
  const cleanUp = async () => {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch((error: unknown) => console.error("cleanup:", error));
    cleanups.length = 0;
  };
  // Interrupted: the apps, the cluster and its data directory go too.
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
  // A run that hangs is a failure with a message, never a stuck CI job.
  setTimeout(() => {
    console.log(`FAILED: the run did not finish in ${DEADLINE_MS / 60_000} minutes`);
    void cleanUp().finally(() => process.exit(1));
  }, DEADLINE_MS).unref();
  try {
    const admin = postgres(cluster.url, { max: 1, onnotice: () => {} });
    await admin`create database coursepay`;
    await admin.end();
    const databaseUrl = cluster.url.replace(/\/postgres$/, "/coursepay");
    // The driver's own connection: it seeds, then checks; it must survive the restart too (postgres.js reconnects).
    const handle = openPostgres(databaseUrl, { max: 4 });
    cleanups.push(() => handle.close());
    await migrateDatabase(handle);

    const courses = await Promise.all(Array.from({ length: Math.ceil(CHECKOUTS / BUYERS) }, (_, i) => makeCourse(handle.db, { priceMinor: 1900 + 100 * i, currency: "USD", title: `Resilience course ${i}` })));
    const buyers: { id: string; email: string; cookie: string }[] = [];
    for (let i = 0; i < BUYERS; i++) {
      const created = await createAccount(handle.db, { name: `Buyer ${i}`, email: `buyer-${i}-${SEED}@resilience.test`, password: PASSWORD });
      if (!created.ok) throw new Error(`account: ${JSON.stringify(created)}`);
      buyers.push({ id: created.user.id, email: created.user.email, cookie: "" });
    }

    // --- the two app instances and their load balancer -------------------------------------------------------
    const instances: Instance[] = await Promise.all([0, 1].map(async (index) => {
      const port = await freePort();
      return { index, port, url: `http://127.0.0.1:${port}`, process: null, alive: false };
    }));
    let turn = 0;
    const liveInstance = async (): Promise<Instance> => {
      for (;;) {
        const live = instances.filter((instance) => instance.alive);
        if (live.length) return live[turn++ % live.length]!;
        await sleep(100);
      }
    };
    const balancer = createServer((req, res) => void forward(req, res, instances));
    await new Promise<void>((resolve) => balancer.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => balancer.close(() => resolve())));
    const balancerUrl = `http://127.0.0.1:${(balancer.address() as { port: number }).port}`;

    const emulator = await startEmulator({ port: 0, webhookUrl: `${balancerUrl}/api/paypal/webhook` });
    cleanups.push(() => emulator.close());
    const paypal = {
      PAYPAL_ENV: "local",
      PAYPAL_EMULATOR_URL: emulator.url,
      PAYPAL_CLIENT_ID: "coursepay-local-client-id",
      PAYPAL_CLIENT_SECRET: "coursepay-local-client-secret",
      PAYPAL_WEBHOOK_ID: emulator.config.webhookId,
    };
    const appEnv = (instance: Instance) => ({
      ...PRODUCTION_ENV,
      ...paypal,
      DATABASE_URL: databaseUrl,
      PORT: String(instance.port),
      COURSEPAY_SEED_DEMO: "false",
      // The one reconciliation pass is the driver's, after the run: nothing may depend on a sweep during it.
      RECONCILE_INTERVAL_SECONDS: "0",
      LOG_LEVEL: "warn",
    });
    /** Exits nobody asked for: an instance must survive the database restart and PayPal's faults on its own. */
    let unexpectedExits = 0;
    const boot = async (instance: Instance) => {
      const child = await spawnApp(appEnv(instance));
      instance.process = child;
      instance.alive = true;
      void child.exited.then(() => {
        if (instance.process !== child) return; // killed or stopped by the driver
        unexpectedExits++;
        instance.alive = false;
        console.log(`  instance ${instance.index} exited by itself:\n${child.lines.slice(-20).join("\n")}`);
      });
    };
    await Promise.all(instances.map(boot));
    cleanups.push(() =>
      Promise.all(
        instances.map((instance) => {
          const child = instance.process;
          instance.process = null;
          return child?.stop();
        }),
      ).then(() => undefined),
    );
    /**
     * SIGKILL and restart. The random kills and the worst-moment kills are scheduled independently, so one may pick
     * an instance the other has already killed and is restarting: then nothing is killed, kill answers `false`,
     * and the caller tries again later.
     */
    const kill = async (instance: Instance, why: string): Promise<boolean> => {
      const running = instance.process;
      if (!instance.alive || !running) return false;
      instance.alive = false;
      instance.process = null;
      running.kill("SIGKILL");
      await running.exited;
      counters.kills++;
      console.log(`  ${elapsed(started)} SIGKILL instance ${instance.index} (${why}); starting it again`);
      await boot(instance);
      console.log(`  ${elapsed(started)} instance ${instance.index} is back`);
      return true;
    };

    for (const buyer of buyers) buyer.cookie = await signInOverHttp((await liveInstance()).url, buyer.email, PASSWORD);

    // --- the buyer's side: two server actions, retried on another instance when the connection fails -------------
    const createId = actionId("app/(store)/checkout/actions.ts", "createPayPalOrder");
    const captureId = actionId("app/(store)/checkout/actions.ts", "capturePayPalOrder");
    type Call = { instance: Instance; promise: Promise<unknown> };
    /** One request to a live instance (or to `pinned`), bounded by the timeout; a hang is counted, not awaited forever. */
    const send = <T>(cookie: string, id: string, args: unknown[], pinned?: Instance): Call & { promise: Promise<T> } => {
      const instancePromise = pinned ? Promise.resolve(pinned) : liveInstance();
      const promise = instancePromise.then((instance) =>
        callAction<T>({ baseUrl: instance.url, page: "/cart", id, args, cookie, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }).catch((error: unknown) => {
          if ((error as Error).name === "TimeoutError") counters.hung++;
          throw error;
        }),
      );
      return { instance: pinned!, promise };
    };
    /** Retries what failed in transport or with a 5xx (the request never produced an answer of the action). */
    const withRetries = async <T>(attempt: (n: number) => Promise<T>): Promise<T | "gave_up"> => {
      for (let n = 0; n < ATTEMPTS; n++) {
        try {
          return await attempt(n);
        } catch (error) {
          if (error instanceof ActionHttpError && error.status < 500) throw error;
          counters.transportErrors++;
          await sleep(250 * (n + 1));
        }
      }
      return "gave_up";
    };

    const knownPayPalOrders = new Map<string, { buyer: string; course: string }>();
    const outcomes: Record<Outcome, number> = { completed: 0, processing: 0, refused: 0, gave_up: 0 };
    let done = 0;
    let pendingWorstMomentKill = 0;

    /** One tab's payment: create, approve at PayPal, capture. */
    const payOnce = async (buyer: (typeof buyers)[number], courseId: string): Promise<Outcome> => {
      const created = await withRetries(() => send<CreateResponse>(buyer.cookie, createId, [{ kind: "course", courseId }]).promise);
      if (created === "gave_up") return "gave_up";
      if (!created.ok) return "refused";
      knownPayPalOrders.set(created.paypalOrderId, { buyer: buyer.id, course: courseId });
      await emulator.control.approveOrder(created.paypalOrderId);
      const args = [{ paypalOrderId: created.paypalOrderId }];

      let first: Promise<CaptureResult> | null = null;
      if (pendingWorstMomentKill > 0 && instances.every((instance) => instance.alive)) {
        // The worst moment: PayPal captures, then holds its answer; the instance waiting for it dies.
        pendingWorstMomentKill--;
        const victim = instances[between(0, 1)]!;
        const capturePath = `/v2/checkout/orders/${created.paypalOrderId}/capture`;
        await emulator.control.addFault({ method: "POST", path: capturePath, count: 1, kind: "timeout", phase: "after", holdMs: 20_000 });
        first = send<CaptureResult>(buyer.cookie, captureId, args, victim).promise;
        let answered = false;
        first.then(
          () => (answered = true),
          () => (answered = true),
        );
        // Until PayPal has captured (the fault is used up) — unless the app answered without calling PayPal (this
        // buyer's other tab holds the claim): then this was not the moment, and a later checkout takes the kill.
        while (!answered && (await emulator.control.faults()).some((rule) => rule.path === capturePath)) await sleep(10);
        if (answered || !(await kill(victim, "PayPal has captured, the app has not committed"))) {
          pendingWorstMomentKill++;
        } else {
          counters.killsAfterCapture++;
        }
      }
      const captured = await withRetries(async (n) => (n === 0 && first ? first : send<CaptureResult>(buyer.cookie, captureId, args).promise));
      if (captured === "gave_up") return "gave_up";
      if (!captured.ok) return "refused";
      return captured.status === "completed" ? "completed" : "processing";
    };
    /** Now and then a buyer pays for the same course in two tabs at once: PayPal must be paid once at most. */
    const checkout = async (buyer: (typeof buyers)[number], courseId: string): Promise<Outcome> => {
      if (random() >= TWO_TABS_SHARE) return payOnce(buyer, courseId);
      counters.twoTabs++;
      const tabs = await Promise.all([payOnce(buyer, courseId), payOnce(buyer, courseId)]);
      const best: Outcome[] = ["completed", "processing", "refused", "gave_up"];
      return best.find((outcome) => tabs.includes(outcome))!;
    };

    const buyersDone = Promise.all(
      buyers.map(async (buyer, b) => {
        for (let c = b % courses.length, n = 0; n < CHECKOUTS / BUYERS; n++, c = (c + 1) % courses.length) {
          await sleep(between(20, 300));
          const outcome = await checkout(buyer, courses[c]!.id);
          outcomes[outcome]++;
          done++;
        }
      }),
    );

    // --- chaos, on a schedule drawn from the seed ------------------------------------------------------------------
    let running = true;
    const chaos = (async () => {
      const randomKills = [between(CHECKOUTS * 0.1, CHECKOUTS * 0.3), between(CHECKOUTS * 0.55, CHECKOUTS * 0.8)];
      const worstMoments = [between(CHECKOUTS * 0.2, CHECKOUTS * 0.4), between(CHECKOUTS * 0.6, CHECKOUTS * 0.85)];
      const dbRestartAt = Math.floor(CHECKOUTS / 2);
      let nextFaultAt = Date.now() + between(300, 1500);
      while (running) {
        await sleep(50);
        if (randomKills.length && done >= randomKills[0]! && instances.every((instance) => instance.alive)) {
          await sleep(between(0, 400));
          if (await kill(instances[between(0, 1)]!, "a random moment")) randomKills.shift();
        }
        if (worstMoments.length && done >= worstMoments[0]!) {
          worstMoments.shift();
          pendingWorstMomentKill++;
        }
        if (counters.dbRestarts === 0 && done >= dbRestartAt) {
          console.log(`  ${elapsed(started)} restarting PostgreSQL`);
          await cluster.restart();
          counters.dbRestarts++;
          console.log(`  ${elapsed(started)} PostgreSQL is back`);
        }
        if (Date.now() >= nextFaultAt) {
          nextFaultAt = Date.now() + between(300, 1500);
          await emulatorFault(emulator.control);
        }
      }
    })();

    // Both settle before anything is torn down, whichever fails first: a chaos step still running against a closed
    // emulator would otherwise end the process with an unhandled rejection before the cleanup stops the apps.
    const settled = await Promise.allSettled([buyersDone.finally(() => (running = false)), chaos]);
    for (const outcome of settled) if (outcome.status === "rejected") throw outcome.reason;
    await emulator.control.clearFaults();
    await emulator.control.setLatency(0);
    for (const instance of instances) while (!instance.alive && unexpectedExits === 0) await sleep(100);
    console.log(`  ${elapsed(started)} ${done} checkouts done: ${JSON.stringify(outcomes)}; ${counters.transportErrors} request(s) retried`);

    // --- afterwards: one reconciliation pass, then what must hold --------------------------------------------------
    const env = payPalEnvironment(paypal);
    const provider = new PayPalProvider(new PayPalClient({ env, db: handle.db }));
    const pass = await reconcileOnce(handle, { db: handle.db, provider }, { minAgeMs: 0 });
    if (!pass.acquired) throw new Error("the reconciliation lock was held by someone else");
    console.log(`  reconciliation: ${pass.value.ordersChecked} open order(s) checked, ${pass.value.changed.length} changed, ${pass.value.errors.length} error(s)`);

    const violations = await checkInvariants(handle.db);
    for (const v of violations) console.log(`  VIOLATION ${v.rule}: ${JSON.stringify(v.detail)}`);

    // Every PayPal order that exists: those the buyers were given, and those our database knows (an instance may have
    // died before its answer reached the buyer).
    const ours = await handle.db
      .select({ providerOrderId: orders.providerOrderId, userId: orders.userId, courseId: orderItems.courseId })
      .from(orders)
      .innerJoin(orderItems, eq(orderItems.orderId, orders.id))
      .where(isNotNull(orders.providerOrderId));
    for (const order of ours) {
      if (order.userId && order.courseId) knownPayPalOrders.set(order.providerOrderId!, { buyer: order.userId, course: order.courseId });
    }
    const paid = new Map<string, number>();
    for (const [paypalOrderId, who] of knownPayPalOrders) {
      const state = await emulator.control.order(paypalOrderId);
      const units = (state.order.purchase_units ?? []) as { payments?: { captures?: { status: string }[] } }[];
      const completed = units.flatMap((unit) => unit.payments?.captures ?? []).filter((capture) => capture.status === "COMPLETED").length;
      const key = `${who.buyer}/${who.course}`;
      paid.set(key, (paid.get(key) ?? 0) + completed);
    }
    const doubleCaptures = [...paid.values()].reduce((total, n) => total + Math.max(0, n - 1), 0);
    let accessMismatches = 0;
    const active = await handle.db
      .select({ userId: enrollments.userId, courseId: enrollments.courseId })
      .from(enrollments)
      .where(and(eq(enrollments.status, "active"), eq(enrollments.source, "purchase")));
    const hasAccess = new Set(active.map((row) => `${row.userId}/${row.courseId}`));
    for (const buyer of buyers) {
      for (const course of courses) {
        const key = `${buyer.id}/${course.id}`;
        const paidAtPayPal = (paid.get(key) ?? 0) > 0;
        if (paidAtPayPal !== hasAccess.has(key)) {
          accessMismatches++;
          console.log(`  MISMATCH buyer ${buyer.email} course ${course.title}: PayPal says ${paidAtPayPal ? "paid" : "not paid"}, access ${hasAccess.has(key) ? "open" : "closed"}`);
        }
      }
    }

    const summary = {
      checkouts: done,
      completed: outcomes.completed,
      processing: outcomes.processing,
      refused: outcomes.refused,
      gave_up: outcomes.gave_up,
      paid_at_paypal: [...paid.values()].filter((n) => n > 0).length,
      paid_twice_attempts: counters.twoTabs,
      kills: counters.kills,
      kills_after_capture: counters.killsAfterCapture,
      db_restarts: counters.dbRestarts,
      emulator_faults: counters.emulatorFaults,
      retried_requests: counters.transportErrors,
      reconciliation_changed: pass.value.changed.length,
      violations: violations.length,
      double_captures: doubleCaptures,
      access_mismatches: accessMismatches,
      hung_requests: counters.hung,
      unexpected_exits: unexpectedExits,
      seed: SEED,
      seconds: Math.round((Date.now() - started) / 1000),
    };
    const problems = [
      summary.violations && `${summary.violations} invariant violation(s)`,
      summary.double_captures && `${summary.double_captures} double capture(s)`,
      summary.access_mismatches && `${summary.access_mismatches} buyer(s) whose access differs from what PayPal was paid`,
      summary.hung_requests && `${summary.hung_requests} request(s) without an answer in ${REQUEST_TIMEOUT_MS / 1000} s`,
      summary.checkouts !== CHECKOUTS && `${summary.checkouts} of ${CHECKOUTS} checkouts ran`,
      summary.kills_after_capture < 1 && "no instance was killed between PayPal's capture and our commit",
      summary.kills < 3 && `only ${summary.kills} kill(s)`,
      summary.db_restarts !== 1 && "PostgreSQL was not restarted",
      summary.unexpected_exits && `${summary.unexpected_exits} instance(s) exited by themselves`,
      // Ten attempts over ≈ 14 s, with another instance up all along: a buyer who never got through is an outage.
      summary.gave_up && `${summary.gave_up} checkout(s) never got an answer in ${ATTEMPTS} attempts`,
      // A run where almost nothing got through would prove nothing about money.
      summary.paid_at_paypal < CHECKOUTS / 2 && `only ${summary.paid_at_paypal} checkouts were paid`,
    ].filter(Boolean);
    console.log(problems.length ? `FAILED: ${problems.join("; ")}` : "every checkout's money and access agree with PayPal");
    console.log(JSON.stringify(summary));
    process.exitCode = problems.length ? 1 : 0;
  } finally {
    await cleanUp();
  }
}

/** One of the ways PayPal misbehaves, at random: a dropped connection, a 503, a lost answer, a slow spell. */
async function emulatorFault(control: Awaited<ReturnType<typeof startEmulator>>["control"]) {
  counters.emulatorFaults++;
  switch (between(0, 3)) {
    case 0:
      await control.addFault({ method: "POST", path: "/v2/checkout/orders", count: 1, kind: "reset", phase: "before" });
      break;
    case 1:
      await control.addFault({ method: "POST", path: "/capture$", count: 1, kind: "http503", phase: "before" });
      break;
    case 2:
      // The capture happens; its answer is lost: the app's retry with the same PayPal-Request-Id gets the replay.
      await control.addFault({ method: "POST", path: "/capture$", count: 1, kind: "reset", phase: "after" });
      break;
    default:
      await control.setLatency(between(200, 800));
      setTimeout(() => void control.setLatency(0).catch(() => undefined), between(500, 2000));
  }
}

/** The load balancer in front of the instances (PayPal's webhooks arrive through it): refused connections fail over. */
async function forward(req: IncomingMessage, res: ServerResponse, instances: Instance[]) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const order = instances[0]!.alive ? instances : [...instances].reverse();
  for (const instance of order) {
    const answered = await new Promise<boolean>((resolve) => {
      const outgoing = request({ host: "127.0.0.1", port: instance.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on("end", () => resolve(true));
      });
      // Only a refused connection is tried elsewhere (nothing was sent); anything later is the sender's to retry.
      outgoing.on("error", (error: NodeJS.ErrnoException) => (error.code === "ECONNREFUSED" ? resolve(false) : (res.headersSent || res.writeHead(502), res.end(), resolve(true))));
      outgoing.end(body);
    });
    if (answered) return;
  }
  res.writeHead(502).end();
}

const elapsed = (since: number) => `${((Date.now() - since) / 1000).toFixed(1).padStart(6)} s`;

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
