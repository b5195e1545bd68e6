/**
 * What every app start does before serving: apply pending migrations, then (when enabled) seed the demo
 * catalog and accounts. Called from instrumentation.ts, so `next dev` and `next start` behave the same.
 */
import { dbHandle } from "./client";
import { migrateDatabase } from "./migrate";
import { seedDemo } from "./seed";

/** Demo data is on by default in development, off in production unless COURSEPAY_SEED_DEMO=true. */
export function demoSeedingEnabled(): boolean {
  const flag = process.env.COURSEPAY_SEED_DEMO;
  return flag ? flag === "true" : process.env.NODE_ENV !== "production";
}

export async function bootstrapDatabase(): Promise<void> {
  const handle = dbHandle();
  const started = Date.now();
  await migrateDatabase(handle);
  const report = demoSeedingEnabled() ? await seedDemo(handle.db) : null;
  console.log(`[coursepay] database ready: ${handle.describe} (${Date.now() - started} ms)`);
  if (report?.coursesCreated) console.log(`[coursepay] seeded the demo catalog (${report.coursesCreated} courses)`);
  if (report?.subscriptionProductsCreated) console.log(`[coursepay] seeded ${report.subscriptionProductsCreated} demo membership and payment plan(s)`);
  if (report?.lmsConnectionCreated) console.log("[coursepay] seeded the demo LMS connection (demo-lms → the local LMS emulator)");
  // Passwords of freshly created demo accounts are shown once, and only in development.
  if (report?.accountsCreated.length && process.env.NODE_ENV !== "production") {
    console.log("[coursepay] demo accounts (shown once — note them down):");
    for (const a of report.accountsCreated) console.log(`[coursepay]   ${a.role.padEnd(7)} ${a.email}  password: ${a.password}`);
  }
}
