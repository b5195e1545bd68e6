/**
 * Starts the production build for end-to-end tests: a fresh database of its own (PostgreSQL when a server
 * answers, else a throw-away PGlite directory), then the production server (`npm start`'s server.ts). Builds
 * first if there is no build.
 * On SIGTERM/SIGINT it stops the server and drops the database. Used as a Playwright `webServer`.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import { createDatabase, dropDatabase, dropDatabasesWithPrefix, postgresAvailable } from "@/lib/testing/postgres-admin";

const port = process.env.PORT ?? "3100";
const next = path.join(process.cwd(), "node_modules", ".bin", "next");

async function main() {
  if (!existsSync(path.join(".next", "BUILD_ID"))) {
    console.log("[e2e] no production build found: running next build");
    const build = spawnSync(next, ["build"], { stdio: "inherit" });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }

  let cleanup: () => Promise<void>;
  const env: Record<string, string> = {};
  if (await postgresAvailable()) {
    await dropDatabasesOfDeadRuns();
    const name = `coursepay_e2e_${process.pid}`;
    env.DATABASE_URL = await createDatabase(name);
    cleanup = () => dropDatabase(name);
    console.log(`[e2e] database: PostgreSQL ${name}`);
  } else {
    if (process.env.CI === "true") throw new Error("[e2e] PostgreSQL is required under CI");
    const dir = path.resolve(".data", `e2e-${process.pid}`);
    env.COURSEPAY_DATA_DIR = dir;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
    console.log(`[e2e] database: PGlite in ${dir}`);
  }

  const tsx = path.join(process.cwd(), "node_modules", ".bin", "tsx");
  const server = spawn(tsx, ["--conditions=react-server", "server.ts"], { stdio: "inherit", env: { ...process.env, ...env, PORT: port } });
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    server.kill("SIGTERM");
    await new Promise((resolve) => (server.exitCode !== null ? resolve(null) : server.once("exit", resolve)));
    await cleanup().catch((error) => console.error("[e2e] cleanup failed", error));
    process.exit(code);
  };
  server.once("exit", (code) => void stop(code ?? 1));
  process.on("SIGTERM", () => void stop(0));
  process.on("SIGINT", () => void stop(0));
}

/** A run killed with SIGKILL cannot drop its database; the next run drops those whose process is gone. */
async function dropDatabasesOfDeadRuns() {
  const { withAdmin } = await import("@/lib/testing/postgres-admin");
  const names = await withAdmin((sql) => sql<{ datname: string }[]>`select datname from pg_database where datname like 'coursepay_e2e_%'`);
  for (const { datname } of names) {
    const pid = Number(datname.split("_").pop());
    if (!Number.isInteger(pid) || isAlive(pid)) continue;
    await dropDatabasesWithPrefix(datname);
  }
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

void main();
