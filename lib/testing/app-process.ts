/**
 * The production server as a real process, for tests of process wiring (what a client can forge, what a start
 * prints, how the app answers at its edge): `npm start`'s server.ts over the current `next build`, on a free port,
 * with a fresh PostgreSQL database of its own. Its output is kept line by line for assertions.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { openPostgres, type DbHandle } from "@/db/client";
import { createDatabase, dropDatabase } from "./postgres-admin";

export const PRODUCTION_ENV = {
  NODE_ENV: "production",
  AUTH_SECRET: "process-test-auth-secret-000000000000000000",
  COURSEPAY_ENCRYPTION_KEY: "process-test-encryption-key-0000000000000",
  PAYPAL_ENV: "local",
  RECONCILE_INTERVAL_SECONDS: "0",
  NEXT_TELEMETRY_DISABLED: "1",
  LOG_LEVEL: "info",
} as const;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export type AppProcess = {
  url: string;
  /** Every line the process printed (stdout and stderr), in order. */
  lines: string[];
  exited: Promise<number | null>;
  /** The server process's id (benchmarks read its CPU time). */
  pid: number;
  stop(): Promise<void>;
  /** A signal to the server process itself (SIGKILL: a crash, nothing cleaned up). */
  kill(signal: NodeJS.Signals): void;
};

/** Spawns server.ts and resolves once it says it is ready — or rejects with its output when it exits first. */
export async function spawnApp(env: Record<string, string | undefined>, options: { waitForReady?: boolean; nodeArgs?: string[] } = {}): Promise<AppProcess> {
  const port = Number(env.PORT ?? (await freePort()));
  const childEnv: Record<string, string | undefined> = { PATH: process.env.PATH, HOME: process.env.HOME, ...env, PORT: String(port), HOSTNAME: "127.0.0.1" };
  // Node itself with tsx's loader, not the tsx CLI: the CLI runs the server in a child of its own, which a SIGKILL
  // of the CLI would leave running.
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), "--conditions=react-server", "--import", "tsx", "server.ts"], {
    env: childEnv as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let ready!: () => void;
  const readyPromise = new Promise<void>((resolve) => (ready = resolve));
  for (const stream of [child.stdout!, child.stderr!]) {
    let partial = "";
    stream.on("data", (chunk: Buffer) => {
      const parts = (partial + chunk.toString("utf8")).split("\n");
      partial = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        if (line.includes("[coursepay] ready on")) ready();
      }
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const app: AppProcess = {
    url: `http://127.0.0.1:${port}`,
    lines,
    exited,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
    kill(signal) {
      child.kill(signal);
    },
  };
  if (options.waitForReady === false) return app;
  const outcome = await Promise.race([
    readyPromise.then(() => "ready" as const),
    exited.then(() => "exited" as const),
    new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 60_000)),
  ]);
  if (outcome !== "ready") {
    await app.stop();
    throw new Error(`the app did not start (${outcome}):\n${lines.join("\n")}`);
  }
  return app;
}

/** A production app on a fresh PostgreSQL database, and a connection to that database for the test's own checks. */
export async function startAppWithDatabase(env: Record<string, string | undefined> = {}): Promise<AppProcess & { db: DbHandle["db"] }> {
  const name = `coursepay_proc_${process.pid}_${randomBytes(3).toString("hex")}`;
  const url = await createDatabase(name);
  const app = await spawnApp({ ...PRODUCTION_ENV, DATABASE_URL: url, ...env }).catch(async (error) => {
    await dropDatabase(name);
    throw error;
  });
  const handle = openPostgres(url, { max: 2 });
  return {
    ...app,
    db: handle.db,
    async stop() {
      await app.stop();
      await handle.close();
      await dropDatabase(name);
    },
  };
}
