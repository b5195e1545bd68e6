export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { dataDir, dbHandle } = await import("./db/client");
  const { ensureSecrets } = await import("./lib/runtime-secrets");
  ensureSecrets(dataDir());
  const { payPalEnvironment } = await import("./lib/paypal/environment");
  payPalEnvironment(); // a malformed PAYPAL_* configuration stops the start before anything else happens
  const { bootstrapDatabase } = await import("./db/bootstrap");
  await bootstrapDatabase();
  const { assertPaymentsConfigured } = await import("./lib/settings/payments");
  await assertPaymentsConfigured(dbHandle().db);

  // The in-app reconciliation sweep; with several instances, one of them runs each round (advisory lock).
  const seconds = Number(process.env.RECONCILE_INTERVAL_SECONDS ?? 300);
  if (seconds > 0) {
    const { startReconcileLoop } = await import("./lib/payments/reconcile");
    const { paymentDeps } = await import("./lib/payments/runtime");
    startReconcileLoop(dbHandle(), paymentDeps, seconds * 1000);
  }
}
