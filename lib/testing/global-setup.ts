/**
 * Vitest global setup: prepares a migrated PostgreSQL template database for this run (dropped afterwards).
 * Under CI=true a missing PostgreSQL server fails the run; elsewhere the PostgreSQL half of the
 * integration tests is skipped with a loud message and PGlite still runs.
 */
import type { TestProject } from "vitest/node";
import { openPostgres } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { createDatabase, dropDatabase, postgresAvailable, TEST_POSTGRES_URL } from "./postgres-admin";

declare module "vitest" {
  export interface ProvidedContext {
    postgresTemplate: string | null;
  }
}

export default async function setup(project: TestProject) {
  if (!(await postgresAvailable())) {
    const message = `PostgreSQL is not reachable at ${TEST_POSTGRES_URL}`;
    if (process.env.CI === "true") throw new Error(`${message}: under CI the PostgreSQL tests are mandatory.`);
    console.warn(`\n${"!".repeat(78)}\n!! ${message}\n!! SKIPPING every PostgreSQL integration test; only PGlite runs.\n${"!".repeat(78)}\n`);
    project.provide("postgresTemplate", null);
    return;
  }
  const template = `coursepay_tmpl_${process.pid}`;
  const handle = openPostgres(await createDatabase(template), { max: 1 });
  try {
    await migrateDatabase(handle);
  } finally {
    await handle.close();
  }
  project.provide("postgresTemplate", template);
  return async () => {
    await dropDatabase(template);
  };
}
