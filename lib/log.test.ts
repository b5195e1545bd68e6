/** The logger as a process uses it: what it wrote before the process was killed is on stdout, secrets redacted. */
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { censorSecrets } from "@/lib/log";

const LINES = 200;

/** lib/testing/log-then-die.ts in a process of its own (node itself, so that its signal is the exit's). */
function logThenDie() {
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "lib/testing/log-then-die.ts"], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: "info", NODE_ENV: "production", LOG_LINES: String(LINES) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise<{ signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => child.on("exit", (_code, signal) => resolve({ signal, stdout, stderr })));
}

describe("log", () => {
  it("has written every line before the next statement runs, so a killed process loses none, and never a secret", async () => {
    const { signal, stdout, stderr } = await logThenDie();
    expect(stderr).toBe("");
    expect(signal).toBe("SIGKILL");
    const lines = stdout.trim().split("\n").map((line) => JSON.parse(line) as { n: number; msg: string; paypal: Record<string, string> });
    // pino's default asynchronous stream had handed the first line to the thread pool and buffered the rest: 1 of 200.
    expect(lines.map((line) => line.n)).toEqual(Array.from({ length: LINES }, (_, i) => i));
    expect(lines[0]!.paypal).toEqual({ clientSecret: "[redacted]", op: "orders.capture" });
    expect(stdout).not.toContain("s3cr3t-value");
  });
});

describe("censorSecrets", () => {
  it("censors secret keys up to three levels down and leaves the caller's object as it was", () => {
    const logged = { password: "p", paypal: { op: "orders.capture", clientSecret: "s" }, request: { headers: { authorization: "Bearer t", accept: "json" } } };
    expect(censorSecrets(logged)).toEqual({ password: "[redacted]", paypal: { op: "orders.capture", clientSecret: "[redacted]" }, request: { headers: { authorization: "[redacted]", accept: "json" } } });
    expect(logged.paypal.clientSecret).toBe("s");
    expect(logged.request.headers.authorization).toBe("Bearer t");
  });

  it("passes a line without secrets on as the same object, and keeps the parts without secrets shared", () => {
    const plain = { paypal: { op: "orders.create", status: 201 }, ms: 4 };
    expect(censorSecrets(plain)).toBe(plain);
    const mixed = { a: { status: 1 }, b: { secret: "x" } };
    const out = censorSecrets(mixed);
    expect(out.a).toBe(mixed.a);
    expect(out.b).toEqual({ secret: "[redacted]" });
  });

  it("goes no deeper than three levels, and leaves errors and arrays to their serializers", () => {
    const deep = { a: { b: { c: { password: "kept-out-of-reach" } } } };
    expect(censorSecrets(deep)).toBe(deep);
    const err = Object.assign(new Error("boom"), { code: "E" });
    expect(censorSecrets({ err }).err).toBe(err);
  });
});
