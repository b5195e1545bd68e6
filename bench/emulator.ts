/**
 * `npm run bench:emulator`: throughput and latency of the PayPal emulator on loopback.
 *
 * Starts the emulator as a child process (so the load generator does not share its event loop), then runs
 * create order → approve (control API) → capture with 50 pairs in flight over keep-alive connections. Prints a
 * short table and, as the last line, JSON: calls_per_s, pairs_per_s, p50_ms/p99_ms (per REST call of a
 * create+capture pair at 50 in flight), pair_p50_ms/pair_p99_ms (a whole pair, approve included), and
 * unloaded_p50_ms/unloaded_p99_ms (per call with one request in flight: service time without queueing).
 */
import { Agent } from "node:http";
import { httpCall, percentile, round3, startEmulatorProcess } from "./support";

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const PAIRS = Number(process.env.BENCH_PAIRS ?? 4_000);
const WARMUP_PAIRS = 300;
const UNLOADED_PAIRS = 500;

const ORDER = JSON.stringify({
  intent: "CAPTURE",
  purchase_units: [
    {
      custom_id: "bench",
      amount: { currency_code: "USD", value: "49.00", breakdown: { item_total: { currency_code: "USD", value: "49.00" } } },
      items: [{ name: "Course", quantity: "1", unit_amount: { currency_code: "USD", value: "49.00" } }],
    },
  ],
});

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

/** JSON calls unless the caller says otherwise. */
const call = (base: URL, method: string, pathname: string, headers: Record<string, string>, body?: string) =>
  httpCall(agent, base, method, pathname, body === undefined ? headers : { "content-type": "application/json", ...headers }, body);


async function main(): Promise<void> {
  const emulator = await startEmulatorProcess();
  const base = new URL(emulator.url);
  try {
    const basic = Buffer.from("coursepay-local-client-id:coursepay-local-client-secret").toString("base64");
    const tokenResponse = await call(base, "POST", "/v1/oauth2/token", { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded" }, "grant_type=client_credentials");
    const token = (JSON.parse(tokenResponse.body) as { access_token: string }).access_token;
    const auth = { authorization: `Bearer ${token}` };

    const callLatencies: number[] = [];
    const pairLatencies: number[] = [];
    const timed = async (record: boolean, method: string, pathname: string, headers: Record<string, string>, body: string, expected: number) => {
      const started = performance.now();
      const response = await call(base, method, pathname, headers, body);
      if (record) callLatencies.push(performance.now() - started);
      if (response.status !== expected) throw new Error(`${method} ${pathname}: ${response.status} ${response.body}`);
      return response;
    };
    const pair = async (record: boolean) => {
      const started = performance.now();
      const created = await timed(record, "POST", "/v2/checkout/orders", auth, ORDER, 201);
      const id = (JSON.parse(created.body) as { id: string }).id;
      await timed(false, "POST", `/__emulator/orders/${id}/approve`, {}, '{"outcome":"success"}', 200);
      await timed(record, "POST", `/v2/checkout/orders/${id}/capture`, { ...auth, "paypal-request-id": `capture-${id}` }, "{}", 201);
      if (record) pairLatencies.push(performance.now() - started);
    };
    const run = async (pairs: number, record: boolean, concurrency = CONCURRENCY) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < pairs) {
            next++;
            await pair(record);
          }
        }),
      );
    };

    await run(WARMUP_PAIRS, false);
    // Unloaded: one pair at a time, the emulator's own service time per call (no queueing behind other requests).
    await run(UNLOADED_PAIRS, true, 1);
    callLatencies.sort((a, b) => a - b);
    const unloadedP50 = round3(percentile(callLatencies, 50));
    const unloadedP99 = round3(percentile(callLatencies, 99));
    callLatencies.length = 0;
    pairLatencies.length = 0;
    await call(base, "POST", "/__emulator/reset", {});
    const again = await call(base, "POST", "/v1/oauth2/token", { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded" }, "grant_type=client_credentials");
    auth.authorization = `Bearer ${(JSON.parse(again.body) as { access_token: string }).access_token}`;
    const started = performance.now();
    await run(PAIRS, true);
    const seconds = (performance.now() - started) / 1000;

    callLatencies.sort((a, b) => a - b);
    pairLatencies.sort((a, b) => a - b);
    const result = {
      concurrency: CONCURRENCY,
      pairs: PAIRS,
      seconds: round3(seconds),
      calls_per_s: Math.round((PAIRS * 3) / seconds),
      pairs_per_s: Math.round(PAIRS / seconds),
      p50_ms: round3(percentile(callLatencies, 50)),
      p99_ms: round3(percentile(callLatencies, 99)),
      pair_p50_ms: round3(percentile(pairLatencies, 50)),
      pair_p99_ms: round3(percentile(pairLatencies, 99)),
      unloaded_p50_ms: unloadedP50,
      unloaded_p99_ms: unloadedP99,
    };
    console.log(`PayPal emulator, ${PAIRS} × (create → approve → capture), ${CONCURRENCY} in flight, keep-alive, loopback`);
    console.log(`  calls/s        ${result.calls_per_s}`);
    console.log(`  pairs/s        ${result.pairs_per_s}`);
    console.log(`  call p50 / p99 ${result.p50_ms} ms / ${result.p99_ms} ms   (create and capture; latency includes queueing at ${CONCURRENCY} in flight)`);
    console.log(`  pair p50 / p99 ${result.pair_p50_ms} ms / ${result.pair_p99_ms} ms`);
    console.log(`  unloaded call  ${result.unloaded_p50_ms} ms / ${result.unloaded_p99_ms} ms   (one request in flight)`);
    console.log(JSON.stringify(result));
  } finally {
    agent.destroy();
    emulator.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
