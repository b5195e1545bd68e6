/**
 * Integration harness for payment tests: a fresh database (per engine) and a real PayPal emulator on a free
 * port, wired through the app's own PayPal client. Nothing of ours is mocked; the emulator is PayPal.
 */
import { afterAll, beforeAll, beforeEach } from "vitest";
import { openPostgres, type Db, type DbHandle } from "@/db/client";
import { startEmulator, type RunningEmulator } from "@/e2e/paypal-emulator";
import type { CheckoutDeps } from "@/lib/payments/checkout";
import { PayPalClient } from "@/lib/paypal/client";
import { payPalEnvironment } from "@/lib/paypal/environment";
import { PayPalProvider } from "@/lib/paypal/provider";
import { useTestDb, type Engine } from "./db";

export type PaymentHarness = {
  readonly db: Db;
  readonly handle: DbHandle;
  readonly emulator: RunningEmulator;
  /** One "app instance": its own PayPal client (token memory, retries) over the given database handle. */
  instance(db?: Db, options?: { timeoutMs?: number; maxRetries?: number }): CheckoutDeps & { client: PayPalClient };
  /** A second connection pool to the same database, as a second app instance would have (PGlite: the same one). */
  secondPool(): Db;
};

export function usePayments(engine: Engine, emulatorOptions: Parameters<typeof startEmulator>[0] = {}): PaymentHarness {
  const t = useTestDb(engine);
  let emulator: RunningEmulator | undefined;
  const extraPools: DbHandle[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, faultTimeoutMs: 1_500, ...emulatorOptions });
  });
  beforeEach(async () => {
    await emulator!.control.reset();
  });
  afterAll(async () => {
    await Promise.all(extraPools.map((p) => p.close()));
    await emulator?.close();
  });

  return {
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
    instance(db = t.db, options = {}) {
      const env = payPalEnvironment({ PAYPAL_ENV: "local", PAYPAL_EMULATOR_URL: emulator!.url });
      const client = new PayPalClient({ env, db, retryBaseMs: 5, timeoutMs: options.timeoutMs ?? 3_000, maxRetries: options.maxRetries });
      return { db, client, provider: new PayPalProvider(client) };
    },
    secondPool() {
      if (t.handle.engine === "pglite" || !t.handle.url) return t.db;
      const pool = openPostgres(t.handle.url, { max: 5 });
      extraPools.push(pool);
      return pool.db;
    },
  };
}
