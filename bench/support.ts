/** What the benchmarks share: the emulator in its own process, a plain keep-alive HTTP call, percentiles. */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { request, type Agent } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Sql } from "postgres";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Starts an emulator as a child process (so it does not share the measured event loop), on a free port. */
export function startEmulatorProcess(env: Record<string, string> = {}, service: "paypal" | "stripe" = "paypal"): Promise<{ url: string; child: ChildProcess; stop: () => void }> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, `emulators/${service}/cli.ts`)], {
    cwd: root,
    env: { ...process.env, PAYPAL_EMULATOR_PORT: "0", STRIPE_EMULATOR_PORT: "0", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (\S+)/.exec(output);
      if (match?.[1]) resolve({ url: match[1], child, stop: () => child.kill("SIGTERM") });
    });
    child.once("exit", (code) => reject(new Error(`emulator exited early (${code}): ${output}`)));
  });
}

export type HttpResult = { status: number; body: string };

/** One HTTP call over a keep-alive agent, the cheapest client Node has (the baseline of every benchmark). */
export function httpCall(agent: Agent, base: URL, method: string, pathname: string, headers: Record<string, string>, body?: string): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: base.hostname,
        port: base.port,
        method,
        path: pathname,
        agent,
        headers: body === undefined ? headers : { ...headers, "content-length": Buffer.byteLength(body) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        response.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
export const round3 = (value: number) => Math.round(value * 1000) / 1000;

/**
 * Runs `work`; when BENCH_CPU_PROFILE_DIR is set, records a V8 CPU profile of this process while it runs and writes it
 * there as `<name>-<n>.cpuprofile` (open it in Chrome's DevTools). Unlike `node --cpu-prof`, which covers the whole
 * run (seeding, warm-ups, baselines), this profiles only the part a target is about.
 */
export async function profiled<T>(name: string, work: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_CPU_PROFILE_DIR;
  if (!dir) return work();
  const { Session } = await import("node:inspector/promises");
  const { mkdirSync, writeFileSync } = await import("node:fs");
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  try {
    return await work();
  } finally {
    const { profile } = await session.post("Profiler.stop");
    session.disconnect();
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `${name}-${++profilesWritten}.cpuprofile`), JSON.stringify(profile));
  }
}
let profilesWritten = 0;

/** The gaps `wakeupCost` measures, in ms: about a checkout's between wake-ups at 50 and at 10 in flight, and a quiet process's. */
export const WAKEUP_GAPS_MS = [2, 5, 40] as const;

/**
 * What this machine charges a process for waking up, with none of the app's code: CPU per callback of a few dozen
 * microseconds of work (JSON.stringify, allocation), run back to back and then each after a timer of `gap` ms.
 * On 2026-12-04's sixth machine (a Firecracker VM) the same callback cost 35 µs back to back and 80–110 µs 2 ms apart,
 * 130–195 µs 5 ms apart and 200–250 µs 40 ms apart, in plain `node` as well: the longer a process sleeps, the colder
 * it wakes. A checkout wakes ours 5–7 times, so this prices the CPU per checkout of every side before any code of ours
 * runs; printed with each run so runs on different machines can be read against each other.
 */
export async function wakeupCost(): Promise<{ back_to_back_us: number } & Record<`gap_${(typeof WAKEUP_GAPS_MS)[number]}ms_us`, number>> {
  const work = () => {
    let length = 0;
    for (let i = 0; i < 200; i++) length += JSON.stringify({ i }).length;
    return length;
  };
  const perCall = async (count: number, schedule: (run: () => void) => void) => {
    const before = process.cpuUsage();
    for (let i = 0; i < count; i++) await new Promise<number>((resolve) => schedule(() => resolve(work())));
    const cpu = process.cpuUsage(before);
    return Math.round((cpu.user + cpu.system) / count);
  };
  await perCall(20_000, setImmediate); // warm-up: optimized code for `work`
  const result = { back_to_back_us: await perCall(20_000, setImmediate) } as Awaited<ReturnType<typeof wakeupCost>>;
  // About two seconds of callbacks per gap.
  for (const gap of WAKEUP_GAPS_MS) result[`gap_${gap}ms_us`] = await perCall(Math.ceil(2_000 / gap), (run) => setTimeout(run, gap));
  return result;
}

/** CPU nanoseconds per PostgreSQL backend process, by pid. */
export type BackendCpu = Map<number, number>;

/**
 * Reads the CPU time of every PostgreSQL backend connected to the current database but the asking one, from
 * /proc/<pid>/schedstat (nanoseconds, unlike /proc/<pid>/stat's 10 ms ticks). Only meaningful when PostgreSQL runs
 * on this machine: `undefined` when a backend's process cannot be read as a postgres process here.
 */
export async function backendCpu(monitor: Sql): Promise<BackendCpu | undefined> {
  const rows = await monitor<{ pid: number }[]>`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`;
  const cpu: BackendCpu = new Map();
  for (const { pid } of rows) {
    try {
      if (!readFileSync(`/proc/${pid}/comm`, "utf8").startsWith("postgres")) return undefined;
      cpu.set(pid, Number(readFileSync(`/proc/${pid}/schedstat`, "utf8").split(" ")[0]));
    } catch {
      // A backend that ended between the query and the read has no CPU left to count; any other failure means
      // this is not the server's machine.
      if (existsSync(`/proc/${pid}`)) return undefined;
    }
  }
  return cpu;
}

/** CPU milliseconds the backends spent between two readings (a backend that started in between counts from 0). */
export function backendCpuMs(before: BackendCpu | undefined, after: BackendCpu | undefined): number | undefined {
  if (!before || !after) return undefined;
  let nanos = 0;
  for (const [pid, ns] of after) nanos += ns - (before.get(pid) ?? 0);
  return nanos / 1e6;
}

/**
 * CPU milliseconds a local process has used so far, all its threads (for Node: the event loop, libuv's pool, V8's
 * GC and compiler threads), from /proc/<pid>/stat in clock ticks of 10 ms (Linux's USER_HZ is 100).
 */
export const processCpuMs = (pid: number): number => statCpuMs(`/proc/${pid}/stat`);

/** CPU milliseconds the calling thread (in Node's main thread: the event loop) has used so far, as processCpuMs. */
export const threadCpuMs = (): number => statCpuMs("/proc/thread-self/stat");

function statCpuMs(file: string): number {
  const stat = readFileSync(file, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After "pid (comm) ": state is field 3, utime 14 and stime 15 (proc(5)).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
