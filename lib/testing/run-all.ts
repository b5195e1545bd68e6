/**
 * `npm test`: every check the project has, in one command, ending with the line CI reads:
 * `N passed, N failed` (summed over all runners; a runner that crashes counts as a failure).
 *
 *   1. type check of the whole repository
 *   2. Vitest `unit`: unit + integration tests (PGlite and PostgreSQL), emulator conformance
 *   3. next build (the production build the process and e2e suites run against)
 *   4. Vitest `process`: real production server processes (forged headers, boot checks, edge answers)
 *   4b. resilience: two production servers killed, PostgreSQL restarted, PayPal faulty, 200 checkouts; money checked
 *   5. Playwright: the store in Chromium against the emulator
 *   6. Playwright: the emulator's browser SDK driven by the real @paypal/react-paypal-js
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";

type Outcome = { name: string; passed: number; failed: number; skipped: number; seconds: number; note?: string; failures?: string[] };

const resultsDir = path.resolve(".data", "test-results");
rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });
const bin = (name: string) => path.join(process.cwd(), "node_modules", ".bin", name);
const outcomes: Outcome[] = [];

function run(name: string, command: string, args: string[], env: Record<string, string> = {}) {
  console.log(`\n━━ ${name} ━━ ${[path.basename(command), ...args].join(" ")}`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env } });
  return { status: result.status ?? 1, seconds: (Date.now() - started) / 1000 };
}

function readJson<T>(file: string): T | null {
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as T) : null;
}

function step(name: string, command: string, args: string[]) {
  const { status, seconds } = run(name, command, args);
  outcomes.push({ name, passed: status === 0 ? 1 : 0, failed: status === 0 ? 0 : 1, skipped: 0, seconds });
  return status === 0;
}

function vitest(project: "unit" | "process") {
  const name = `Vitest ${project}`;
  const file = path.join(resultsDir, `vitest-${project}.json`);
  const { status, seconds } = run(name, bin("vitest"), ["run", "--project", project, "--reporter=default", "--reporter=json", `--outputFile.json=${file}`]);
  const report = readJson<{
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    testResults: { name: string; assertionResults: { fullName: string; status: string; failureMessages: string[] }[] }[];
  }>(file);
  if (!report) return outcomes.push({ name, passed: 0, failed: 1, skipped: 0, seconds, note: `crashed (exit ${status})` });
  const crashed = status !== 0 && report.numFailedTests === 0;
  outcomes.push({
    name,
    passed: report.numPassedTests,
    failed: report.numFailedTests + (crashed ? 1 : 0),
    skipped: report.numPendingTests + report.numTodoTests,
    seconds,
    note: crashed ? `exit ${status} without a failed test (a file failed to load?)` : undefined,
    failures: report.testResults.flatMap((f) =>
      f.assertionResults
        .filter((a) => a.status === "failed")
        .map((a) => `${path.relative(process.cwd(), f.name)} › ${a.fullName}: ${a.failureMessages[0]?.split("\n")[0] ?? ""}`),
    ),
  });
}

function playwright(name: string, config: string) {
  const file = path.join(resultsDir, `${name.replace(/\W+/g, "-").toLowerCase()}.json`);
  const { status, seconds } = run(name, bin("playwright"), ["test", "-c", config, "--reporter=list,json"], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: file,
  });
  const report = readJson<{ stats: { expected: number; unexpected: number; flaky: number; skipped: number }; errors?: unknown[] }>(file);
  if (!report) return outcomes.push({ name, passed: 0, failed: 1, skipped: 0, seconds, note: `crashed (exit ${status})` });
  const { expected, unexpected, flaky, skipped } = report.stats;
  const setupFailed = status !== 0 && unexpected === 0 ? 1 : 0; // e.g. a web server that never started
  outcomes.push({ name, passed: expected + flaky, failed: unexpected + setupFailed, skipped, seconds, note: setupFailed ? "run failed outside tests" : undefined });
}

step("Type check", bin("tsc"), ["--noEmit", "-p", "."]);
vitest("unit");
if (step("Production build", bin("next"), ["build"])) {
  vitest("process");
  step("Resilience", bin("tsx"), ["--conditions=react-server", "resilience/run.ts"]);
  playwright("Playwright store", "playwright.config.ts");
} else {
  for (const name of ["Vitest process", "Resilience", "Playwright store"]) outcomes.push({ name, passed: 0, failed: 1, skipped: 0, seconds: 0, note: "not run: the build failed" });
}
playwright("Playwright emulator SDK", "emulators/paypal/playwright.config.ts");

const total = outcomes.reduce((t, o) => ({ passed: t.passed + o.passed, failed: t.failed + o.failed }), { passed: 0, failed: 0 });
console.log("\n━━ Summary ━━");
for (const o of outcomes) {
  console.log(
    `  ${o.failed ? "✘" : "✓"} ${o.name.padEnd(26)} ${String(o.passed).padStart(4)} passed ${String(o.failed).padStart(3)} failed ${String(o.skipped).padStart(3)} skipped  ${o.seconds.toFixed(0).padStart(4)} s${o.note ? `  (${o.note})` : ""}`,
  );
  // Repeated here because a long run's log is often read from its end only.
  for (const failure of o.failures ?? []) console.log(`      ✘ ${failure.slice(0, 400)}`);
}
console.log(`${total.passed} passed, ${total.failed} failed`);
process.exit(total.failed > 0 ? 1 : 0);
