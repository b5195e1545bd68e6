/**
 * Shared start of the operator commands (reconcile, check-invariants, db:migrate): the same configuration
 * as the app — .env files, secrets, the database the environment names, migrations applied.
 */
import { loadEnvConfig } from "@next/env";
import { dataDir, dbHandle } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { ensureSecrets } from "@/lib/runtime-secrets";

export async function openDatabase() {
  try {
    loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production");
    ensureSecrets(dataDir());
    const handle = dbHandle();
    await migrateDatabase(handle);
    return handle;
  } catch (error) {
    // An operator reads this: the reason, not a stack trace.
    console.error(`Cannot open the database: ${(error as Error).message}`);
    process.exit(1);
  }
}
