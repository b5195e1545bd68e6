export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { dataDir } = await import("./db/client");
  const { ensureSecrets } = await import("./lib/runtime-secrets");
  ensureSecrets(dataDir());
  const { bootstrapDatabase } = await import("./db/bootstrap");
  await bootstrapDatabase();
}
