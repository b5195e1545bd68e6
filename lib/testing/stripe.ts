/**
 * Integration harness for Stripe: a fresh database (per engine) and a real Stripe emulator on a free port, wired
 * through the app's own Stripe client (the official SDK). The emulator's signed webhooks are delivered to a
 * receiver that hands them to receiveWebhook(), exactly as the route does. Nothing of ours is mocked.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll } from "vitest";
import type { Db } from "@/db/client";
import { startStripeEmulator, type RunningStripeEmulator } from "@/emulators/stripe";
import { createStripeDeps, type StripeDeps } from "@/lib/payments/deps";
import { receiveWebhook } from "@/lib/payments/notifications";
import { stripeEnvironment } from "@/lib/stripe/environment";
import { useTestDb, type Engine, type TestDb } from "./db";

export type StripeHarness = {
  readonly db: Db;
  readonly emulator: RunningStripeEmulator;
  /** One "app instance" talking to the emulator, over `db` (another pool of the same database is another instance). */
  instance(db?: Db): StripeDeps;
  /** Which instances handle incoming webhooks (round-robin). Defaults to a fresh instance. */
  receiveWith(...instances: StripeDeps[]): void;
  /** Waits until every webhook delivery has been handled. */
  settle(): Promise<void>;
  secondPool(connections?: number): Db;
  readonly received: { status: number; body: string }[];
};

/** Where Stripe sends the buyer back to, as the checkout action builds them (the store's host does not matter here). */
export const STRIPE_RETURN_URLS = () => ({
  success: "http://store.test/api/payments/stripe/return?session_id={CHECKOUT_SESSION_ID}",
  cancel: "http://store.test/api/payments/stripe/cancel?session_id={CHECKOUT_SESSION_ID}",
});

/** `shared`: use another harness's database (the chaos test runs PayPal and Stripe against one PostgreSQL). */
export function useStripe(engine: Engine, shared?: Pick<TestDb, "db" | "secondPool">): StripeHarness {
  const t = shared ?? useTestDb(engine);
  let emulator: RunningStripeEmulator | undefined;
  let receiver: Server | undefined;
  const received: StripeHarness["received"] = [];
  const inFlight = new Set<Promise<unknown>>();
  let receivers: StripeDeps[] = [];
  let turn = 0;

  const harness: StripeHarness = {
    get db() {
      return t.db;
    },
    get emulator() {
      if (!emulator) throw new Error("emulator not started");
      return emulator;
    },
    instance(db = t.db) {
      const env = stripeEnvironment({ STRIPE_ENV: "local", STRIPE_EMULATOR_PORT: String(harness.emulator.port) });
      return createStripeDeps(env, db);
    },
    receiveWith(...instances) {
      receivers = instances;
    },
    async settle() {
      await harness.emulator.control.flush();
      while (inFlight.size) await Promise.all([...inFlight]);
    },
    secondPool: (connections) => t.secondPool(connections),
    received,
  };

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const headers = new Headers(Object.entries(request.headers).flatMap(([k, v]) => (typeof v === "string" ? [[k, v] as [string, string]] : [])));
        if (!receivers.length) receivers = [harness.instance()];
        const deps = receivers[turn++ % receivers.length]!;
        const job = receiveWebhook(deps, headers, Buffer.concat(chunks)).then((result) => {
          received.push({ status: result.status, body: JSON.stringify(result.body) });
          response.writeHead(result.status, { "content-type": "application/json" }).end(JSON.stringify(result.body));
        });
        inFlight.add(job);
        void job.finally(() => inFlight.delete(job));
      });
    });
    await new Promise<void>((resolve) => receiver!.listen(0, "127.0.0.1", resolve));
    emulator = await startStripeEmulator({ port: 0, webhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhook` });
    await emulator.control.setDeliveryPolicy({ retryDelaysMs: [20, 50, 100] });
  });

  afterAll(async () => {
    await emulator?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  return harness;
}
