/**
 * Runs once when a server process starts, before it serves anything. Any failure here ends the process with a
 * one-line reason and a non-zero exit code: a store that cannot reach its database or would send payments to the
 * wrong place must not print "Ready" and answer 500.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { configurationProblems, exitWithProblems: stop, oneLine } = await import("./lib/config/boot");
  // server.ts rewrites the forwarding headers from the socket; under a bare `next start` any client could name its own IP.
  if (process.env.NODE_ENV === "production" && process.env.COURSEPAY_SERVER !== "1") {
    stop(["start the production server with `npm start` (server.ts), not `next start`."]);
  }
  const problems = configurationProblems(process.env);
  if (problems.length) stop(problems);
  try {
    const { dataDir, dbHandle } = await import("./db/client");
    const { ensureSecrets } = await import("./lib/runtime-secrets");
    ensureSecrets(dataDir());
    const { bootstrapDatabase } = await import("./db/bootstrap");
    await bootstrapDatabase();
    const { assertPaymentsConfigured } = await import("./lib/settings/payments");
    await assertPaymentsConfigured(dbHandle().db);

    // The in-app reconciliation sweep; with several instances, one of them runs each round (advisory lock).
    const seconds = Number(process.env.RECONCILE_INTERVAL_SECONDS ?? 300);
    if (seconds > 0) {
      const { startReconcileLoop } = await import("./lib/payments/reconcile");
      const { paymentDeps, stripeDeps } = await import("./lib/payments/runtime");
      startReconcileLoop(dbHandle(), paymentDeps, seconds * 1000);
      startReconcileLoop(dbHandle(), stripeDeps, seconds * 1000);
    }

    // The outbox worker (LMS enrolments): every instance runs one; claims never overlap.
    const { startOutboxWorker } = await import("./lib/outbox");
    const { outboxHandlers } = await import("./lib/outbox/handlers");
    startOutboxWorker(dbHandle().db, outboxHandlers(dbHandle().db), Number(process.env.OUTBOX_INTERVAL_MS ?? 1000));
  } catch (error) {
    stop([oneLine(error)]);
  }
}
