/**
 * Integration harness for payment tests: a fresh database (per engine) and a real PayPal emulator on a free
 * port, wired through the app's own PayPal client. Nothing of ours is mocked; the emulator is PayPal.
 *
 * With `notifications: true`, an HTTP receiver stands where the app's routes stand: the emulator delivers
 * signed webhooks and IPN messages to it, and it hands them to the same lib functions the routes call
 * (receiveWebhook, receiveIpn + processIpnMessage), round-robin over the "app instances" given to `receiveWith`.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import type { Db, DbHandle } from "@/db/client";
import { startEmulator, type RunningEmulator } from "@/emulators/paypal";
import { ipnLimits, processIpnMessage, receiveIpn } from "@/lib/payments/ipn";
import { receiveWebhook } from "@/lib/payments/notifications";
import { createPaymentDeps, type PaymentDeps } from "@/lib/payments/deps";
import { payPalEnvironment } from "@/lib/paypal/environment";
import { useTestDb, type Engine } from "./db";

export type Instance = PaymentDeps;

export type PaymentHarness = {
  readonly db: Db;
  readonly handle: DbHandle;
  readonly emulator: RunningEmulator;
  /** One "app instance": its own PayPal client (token memory, retries, certificate cache) over `db`. */
  instance(db?: Db, options?: { timeoutMs?: number; maxRetries?: number }): Instance;
  /** A second connection pool to the same database, as a second app instance would have (PGlite: the same one). */
  secondPool(connections?: number): Db;
  /** Which instances handle incoming notifications (round-robin). Defaults to a fresh instance. */
  receiveWith(...instances: Instance[]): void;
  /** Waits until every webhook and IPN delivery, retry and IPN processing has finished. */
  settle(): Promise<void>;
  /** Every delivery the receiver got (exact headers and bytes) and how it answered. */
  readonly responses: { path: string; headers: Headers; raw: Buffer; status: number; body: string }[];
};

export function usePayments(
  engine: Engine,
  options: { notifications?: boolean; emulator?: Parameters<typeof startEmulator>[0] } = {},
): PaymentHarness {
  const t = useTestDb(engine);
  let emulator: RunningEmulator | undefined;
  let receiver: Server | undefined;
  let receivers: Instance[] = [];
  let turn = 0;
  const processing = new Set<Promise<unknown>>();
  const responses: PaymentHarness["responses"] = [];

  const harness: PaymentHarness = {
    get db() {
      return t.db;
    },
    get handle() {
      return t.handle;
    },
    get emulator() {
      if (!emulator) throw new Error("emulator not started");
      return emulator;
    },
    instance(db = t.db, clientOptions = {}) {
      const env = payPalEnvironment({
        PAYPAL_ENV: "local",
        PAYPAL_EMULATOR_URL: emulator!.url,
        PAYPAL_WEBHOOK_ID: emulator!.config.webhookId,
        PAYPAL_BUSINESS_EMAIL: emulator!.config.businessEmail,
      });
      return createPaymentDeps(env, db, { retryBaseMs: 5, timeoutMs: clientOptions.timeoutMs ?? 3_000, maxRetries: clientOptions.maxRetries });
    },
    secondPool: (connections) => t.secondPool(connections),
    receiveWith(...instances) {
      receivers = instances;
    },
    async settle() {
      for (let round = 0; round < 20; round++) {
        await Promise.all([emulator!.control.webhooks.flush({ timeoutMs: 20_000 }), emulator!.control.ipn.flush({ timeoutMs: 20_000 })]);
        if (processing.size === 0) return;
        await Promise.all([...processing]);
      }
    },
    responses,
  };

  beforeAll(async () => {
    let base: string | undefined;
    if (options.notifications) {
      receiver = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on("data", (chunk: Buffer) => chunks.push(chunk));
        request.on("end", async () => {
          const raw = Buffer.concat(chunks);
          const deps = receivers.length ? receivers[turn++ % receivers.length]! : (receivers = [harness.instance()])[0]!;
          const headers = new Headers(Object.entries(request.headers).flatMap(([k, v]) => (typeof v === "string" ? [[k, v] as [string, string]] : [])));
          let status = 200;
          let body = "";
          try {
            if (request.url === "/webhook") {
              const result = await receiveWebhook(deps, headers, raw);
              status = result.status;
              body = JSON.stringify(result.body);
            } else {
              // As the route does: keep it in the inbox, answer 200, then validate and act. The emulator is
              // one IP posting every test's messages, so the per-IP limit is lifted here (its own test is in ipn.test.ts).
              const received = await receiveIpn(deps.db, { raw, ip: "127.0.0.1" }, { ...ipnLimits(), perIpPerMinute: Number.MAX_SAFE_INTEGER });
              if (received.status === 200) {
                const job = processIpnMessage(deps, received.messageId).finally(() => processing.delete(job));
                processing.add(job);
              }
              status = received.status;
            }
          } catch (error) {
            status = 500;
            body = String(error);
          }
          responses.push({ path: request.url ?? "", headers, raw, status, body });
          response.writeHead(status, { "content-type": "application/json" }).end(body);
        });
      });
      await new Promise<void>((resolve) => receiver!.listen(0, "127.0.0.1", resolve));
      base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    }
    emulator = await startEmulator({
      port: 0,
      faultTimeoutMs: 1_500,
      ...(base ? { webhookUrl: `${base}/webhook`, ipnUrl: `${base}/ipn` } : {}),
      webhookRetryDelaysMs: [20, 50, 100, 200, 400],
      ipnRetryDelaysMs: [20, 50, 100, 200, 400],
      ...options.emulator,
    });
  });
  afterEach(async () => {
    // Nothing a test started may still be running when the next one (or the database's closing) comes.
    if (options.notifications) await harness.settle();
  });
  beforeEach(async () => {
    await emulator!.control.reset();
    receivers = [];
    responses.length = 0;
  });
  afterAll(async () => {
    await emulator?.close();
    await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve(null)));
  });

  return harness;
}
