/**
 * A throwaway PostgreSQL cluster of the test's own (its data directory, port and socket in a temporary folder),
 * for tests that restart or stop the database under a running app — never done to the shared server.
 * initdb refuses to run as root: as root the cluster belongs to the `postgres` user and its commands run as it.
 */
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export type PgCluster = {
  url: string;
  port: number;
  /** `pg_ctl restart -m fast`: every connection is cut, the server is back when it resolves. */
  restart(): Promise<void>;
  stop(): void;
};

function binDir(): string {
  if (process.env.PG_BINDIR) return process.env.PG_BINDIR;
  try {
    return execFileSync("pg_config", ["--bindir"], { encoding: "utf8" }).trim();
  } catch {
    // Debian puts the server binaries beside each other under /usr/lib/postgresql/<major>/bin.
    const versions = existsSync("/usr/lib/postgresql") ? readdirSync("/usr/lib/postgresql").sort((a, b) => Number(b) - Number(a)) : [];
    if (!versions[0]) throw new Error("no PostgreSQL server binaries found (set PG_BINDIR)");
    return path.join("/usr/lib/postgresql", versions[0], "bin");
  }
}

export function startPgCluster(port: number): PgCluster {
  const bin = binDir();
  const dir = mkdtempSync(path.join(tmpdir(), "coursepay-pg-"));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }));
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }));
    chownSync(dir, uid, gid);
  }
  /** [file, args] of a server command, as the `postgres` user when we are root. */
  const command = (name: string, args: string[]): [string, string[]] => {
    const full = [path.join(bin, name), ...args];
    return asRoot ? ["su", ["postgres", "-s", "/bin/sh", "-c", full.map((part) => `'${part.replace(/'/g, "'\\''")}'`).join(" ")]] : [full[0]!, full.slice(1)];
  };
  const run = (name: string, args: string[]) => execFileSync(...command(name, args), { stdio: "pipe" });
  const data = path.join(dir, "data");
  const ctl = (...args: string[]) => run("pg_ctl", ["-D", data, "-w", "-t", "60", ...args]);
  run("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
  // fsync off: the test kills the app, not the machine; max_connections for two apps' pools and the driver's.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`;
  ctl("-o", options, "-l", path.join(dir, "log"), "start");
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    // Asynchronous: whoever restarts it keeps serving (an emulator in the same process, say) meanwhile. The log file
    // again: without it the new server writes to our pipe, which then never closes.
    restart: () => promisify(execFile)(...command("pg_ctl", ["-D", data, "-w", "-t", "60", "-l", path.join(dir, "log"), "-m", "fast", "restart"])).then(() => undefined),
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        ctl("-m", "immediate", "stop");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
