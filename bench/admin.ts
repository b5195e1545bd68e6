/**
 * `npm run bench:admin`: the admin screens at a million transactions (PostgreSQL).
 *
 * 1. Seeds BENCH_TRANSACTIONS (default 1,000,000) orders over three years into a fresh database — 20k buyers,
 *    20 courses in USD/EUR/JPY/GBP, one or two courses per order, every status in realistic shares — with what
 *    PayPal would have left behind: captures for the paid ones and their raw events (the create-order and
 *    capture responses and a verified PAYMENT.CAPTURE.COMPLETED webhook), about 2.5 events per order. Progress
 *    is printed per batch. BENCH_REUSE=1 keeps a database seeded earlier with the same count.
 * 2. Measures the server time of what each admin page computes (the same lib/ functions the pages call, all of
 *    them: list + tab counts + filter options; the detail loader), BENCH_SAMPLES times each: both tabs' first
 *    page and a page 100,000 rows deep, a filtered list, searches by email / PayPal capture id / payer id, and
 *    the detail page of random orders.
 * 3. Streams the whole Finished tab as CSV in a separate process and samples its RSS.
 *
 * Last line, JSON: list_p95_ms (worst list scenario), detail_p95_ms, csv_peak_rss_mb, csv_rows_per_s.
 */
import { spawn } from "node:child_process";
import { sql } from "drizzle-orm";
import { openPostgres, queryRows, type Db } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { transactionsCsv } from "@/lib/admin/csv";
import { findTransaction } from "@/lib/admin/transaction-detail";
import {
  countTransactions,
  filterOptions,
  listTransactions,
  parseTransactionFilter,
  type Cursor,
  type TransactionFilter,
} from "@/lib/admin/transactions";
import { createDatabase, databaseUrl, dropDatabase, withAdmin } from "@/lib/testing/postgres-admin";
import { percentile, round3 } from "./support";

const TRANSACTIONS = Number(process.env.BENCH_TRANSACTIONS ?? 1_000_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 40);
const BATCH = 50_000;
const DATABASE = `coursepay_bench_admin_${TRANSACTIONS}`;
const DEEP_ROWS = Math.min(100_000, Math.floor(TRANSACTIONS / 10));

// A deterministic UUID v4 from a seed, so items, captures and events can name their order without a lookup.
const uuidOf = (seed: string) =>
  `(substr(md5(${seed}),1,8)||'-'||substr(md5(${seed}),9,4)||'-4'||substr(md5(${seed}),14,3)||'-8'||substr(md5(${seed}),18,3)||'-'||substr(md5(${seed}),21,12))::uuid`;
const ID17 = (prefix: string) => `upper(substr(md5('${prefix}'||i),1,17))`;

async function seed(db: Db) {
  await db.execute(sql.raw(`
    insert into users (id, email, name, role)
    select ${uuidOf("'user'||u")}, 'buyer-'||u||'@bench.test', 'Buyer '||u, 'student' from generate_series(0, 19999) u`));
  await db.execute(sql.raw(`
    insert into courses (id, slug, title, summary, body, price_minor, currency, published)
    select ${uuidOf("'course'||c")}, 'bench-course-'||c, 'Bench course '||c, 'Summary', 'Body',
           case c % 4 when 2 then 4900 + c * 100 else 1900 + c * 250 end, (array['USD','EUR','JPY','GBP'])[c % 4 + 1], true
    from generate_series(0, 19) c`));
  // Shared by every statement of a batch: which courses, buyer, status and time belong to order i.
  const source = (from: number, to: number) => `
    select i, c.id as course_id, c.title, c.price_minor as p1, c.currency, c2.id as course2_id, c2.title as title2, c2.price_minor as p2,
           i % 4 = 0 as two, ${uuidOf("'order'||i")} as order_id, ${uuidOf("'user'||((i::bigint * 7919) % 20000)")} as user_id,
           (case when i % 100 < 70 then 'completed' when i % 100 < 73 then 'refunded' when i % 100 < 75 then 'partially_refunded'
                 when i % 100 < 76 then 'reversed' when i % 100 < 86 then 'created' when i % 100 < 88 then 'approved'
                 when i % 100 < 90 then 'pending' when i % 100 < 94 then 'cancelled' when i % 100 < 97 then 'failed' else 'expired' end)::order_status as status,
           now() - ((${TRANSACTIONS} - i) * interval '94 seconds') as ts
    from generate_series(${from}, ${to}) i
    join courses c on c.slug = 'bench-course-'||(i % 20)
    join courses c2 on c2.slug = 'bench-course-'||((i % 20 + 4) % 20)`;
  const total = "(p1 + case when two then p2 else 0 end)";
  const value = `case when currency = 'JPY' then ${total}::text else to_char(${total} / 100.0, 'FM99999990.00') end`;
  const paid = "status in ('completed','refunded','partially_refunded','reversed')";

  const started = Date.now();
  for (let from = 0; from < TRANSACTIONS; from += BATCH) {
    const to = Math.min(TRANSACTIONS, from + BATCH) - 1;
    await db.transaction(async (tx) => {
      await tx.execute(sql.raw(`
        insert into orders (id, user_id, status, currency, total_minor, provider, provider_order_id, created_at, updated_at, closed_at, course_ids)
        select order_id, user_id, status, currency, ${total}, 'paypal', case when status <> 'created' then ${ID17("order")} end, ts, ts,
               case when status not in ('created','approved','pending') then ts + interval '1 minute' end,
               case when two then array[course_id, course2_id] else array[course_id] end
        from (${source(from, to)}) s`));
      await tx.execute(sql.raw(`
        insert into order_items (order_id, course_id, title, unit_price_minor, currency)
        select order_id, course_id, title, p1, currency from (${source(from, to)}) s
        union all
        select order_id, course2_id, title2, p2, currency from (${source(from, to)}) s where two`));
      await tx.execute(sql.raw(`
        insert into payments (order_id, provider, provider_capture_id, status, gross_minor, currency, raw, created_at)
        select order_id, 'paypal', ${ID17("capture")}, (case when status = 'completed' then 'completed' else status::text end)::payment_status,
               ${total}, currency, jsonb_build_object('id', ${ID17("capture")}, 'status', 'COMPLETED'), ts + interval '1 minute'
        from (${source(from, to)}) s where ${paid}`));
      await tx.execute(sql.raw(`
        insert into payment_events (provider, source, type, order_id, http_status, raw, received_at, verified, dedupe_key)
        select 'paypal'::payment_provider, 'api'::payment_event_source, 'POST /v2/checkout/orders', order_id, 201,
               jsonb_build_object('id', ${ID17("order")}, 'status', 'CREATED', 'links', jsonb_build_array(
                 jsonb_build_object('href', 'https://api-m.sandbox.paypal.com/v2/checkout/orders/'||${ID17("order")}, 'rel', 'self', 'method', 'GET'),
                 jsonb_build_object('href', 'https://www.sandbox.paypal.com/checkoutnow?token='||${ID17("order")}, 'rel', 'approve', 'method', 'GET'))), ts, null::boolean, null
        from (${source(from, to)}) s where status <> 'created'
        union all
        select 'paypal'::payment_provider, 'api'::payment_event_source, 'POST /v2/checkout/orders/{id}/capture', order_id, 201,
               jsonb_build_object('id', ${ID17("order")}, 'status', 'COMPLETED',
                 'payer', jsonb_build_object('payer_id', ${ID17("payer")}::text, 'email_address', 'buyer-'||i||'@personal.example.com',
                                             'name', jsonb_build_object('given_name', 'Buyer', 'surname', i::text)),
                 'purchase_units', jsonb_build_array(jsonb_build_object('reference_id', 'default', 'custom_id', order_id, 'invoice_id', order_id,
                   'payments', jsonb_build_object('captures', jsonb_build_array(jsonb_build_object(
                     'id', ${ID17("capture")}, 'status', 'COMPLETED', 'final_capture', true,
                     'amount', jsonb_build_object('currency_code', currency, 'value', ${value}),
                     'seller_receivable_breakdown', jsonb_build_object('gross_amount', jsonb_build_object('currency_code', currency, 'value', ${value})),
                     'create_time', ts + interval '1 minute')))))), ts + interval '1 minute', null, null
        from (${source(from, to)}) s where ${paid}
        union all
        select 'paypal'::payment_provider, 'webhook'::payment_event_source, 'PAYMENT.CAPTURE.COMPLETED', order_id, null::int,
               jsonb_build_object('id', 'WH-'||${ID17("webhook")}, 'event_type', 'PAYMENT.CAPTURE.COMPLETED', 'resource_type', 'capture',
                 'resource', jsonb_build_object('id', ${ID17("capture")}, 'status', 'COMPLETED', 'custom_id', order_id,
                   'amount', jsonb_build_object('currency_code', currency, 'value', ${value}),
                   'supplementary_data', jsonb_build_object('related_ids', jsonb_build_object('order_id', ${ID17("order")})))), ts + interval '2 minutes', true, 'WH-'||${ID17("webhook")}
        from (${source(from, to)}) s where ${paid}`));
    });
    const done = to + 1;
    const rate = done / ((Date.now() - started) / 1000);
    console.log(`seeded ${done.toLocaleString("en-US")} / ${TRANSACTIONS.toLocaleString("en-US")} transactions (${Math.round((done / TRANSACTIONS) * 100)} %, ${Math.round(rate).toLocaleString("en-US")}/s, ~${Math.round((TRANSACTIONS - done) / rate)} s left)`);
  }
  await db.execute(sql`vacuum analyze`);
}

async function seededAlready(url: string): Promise<boolean> {
  const exists = await withAdmin((admin) => admin`select 1 from pg_database where datname = ${DATABASE}`);
  if (exists.length === 0) return false;
  const handle = openPostgres(url, { max: 1 });
  try {
    const [row] = await queryRows<{ n: number }>(handle.db, sql`select count(*)::int as n from orders`);
    return row?.n === TRANSACTIONS;
  } catch {
    return false;
  } finally {
    await handle.close();
  }
}

async function timeIt(samples: number, run: (i: number) => Promise<unknown>) {
  // Warm, as on a running server: every pooled connection opened and its statements prepared, pages in memory.
  for (let i = 0; i < 10; i++) await run(i);
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    await run(i);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { p50: round3(percentile(times, 50)), p95: round3(percentile(times, 95)), max: round3(times.at(-1) ?? 0) };
}

/** Everything the list page computes for one view. */
const listPage = (db: Db, filter: TransactionFilter, after: Cursor | null = null) =>
  Promise.all([listTransactions(db, filter, { after }), countTransactions(db, filter), filterOptions(db)]);

async function deepCursor(db: Db, tab: TransactionFilter["tab"]): Promise<Cursor> {
  const statuses = tab === "finished" ? "('completed','partially_refunded','refunded','reversed')" : "('created','approved','pending','cancelled','failed','expired')";
  const [row] = await queryRows<{ created_at: string; id: string }>(
    db,
    sql.raw(`select created_at::text, id from orders where status in ${statuses} order by created_at desc, id desc offset ${DEEP_ROWS} limit 1`),
  );
  return { createdAt: row!.created_at, id: row!.id };
}

async function csvChild(url: string) {
  const handle = openPostgres(url, { max: 2 });
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = performance.now();
  let bytes = 0;
  let lines = 0;
  const reader = transactionsCsv(handle.db, parseTransactionFilter({ tab: "finished" }).filter).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    for (const byte of value) if (byte === 10) lines++;
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  await handle.close();
  console.log(JSON.stringify({ rows: lines - 1, bytes, seconds, peak_rss_mb: Math.round(peak / 1024 / 1024) }));
}

function runCsvChild(url: string): Promise<{ rows: number; bytes: number; seconds: number; peak_rss_mb: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, "--csv-child", url], { stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => (code === 0 ? resolve(JSON.parse(output.trim().split("\n").at(-1)!)) : reject(new Error(`csv child exited ${code}`))));
  });
}

async function main() {
  process.env.LOG_LEVEL ??= "warn";
  const url = databaseUrl(DATABASE);
  if (process.env.BENCH_REUSE === "1" && (await seededAlready(url))) {
    console.log(`reusing ${DATABASE} (${TRANSACTIONS.toLocaleString("en-US")} transactions); applying newer migrations`);
    const setup = openPostgres(url, { max: 2 });
    await migrateDatabase(setup);
    // A migration that rewrites rows (0017 filled orders.course_ids) leaves dead tuples and a stale visibility map,
    // which turn index-only scans into heap visits until autovacuum runs; measure the settled state.
    await setup.db.execute(sql`vacuum analyze`);
    await setup.close();
  } else {
    await dropDatabase(DATABASE).catch(() => {});
    await createDatabase(DATABASE);
    const setup = openPostgres(url, { max: 2 });
    await migrateDatabase(setup);
    console.log(`seeding ${TRANSACTIONS.toLocaleString("en-US")} transactions into ${DATABASE}`);
    await seed(setup.db);
    await setup.close();
  }

  const handle = openPostgres(url, { max: 10 });
  const db = handle.db;
  const [sizes] = await queryRows<{ orders: number; events: number; db_size: string }>(
    db,
    sql`select (select count(*)::int from orders) as orders, (select count(*)::int from payment_events) as events, pg_size_pretty(pg_database_size(current_database())) as db_size`,
  );
  console.log(`database: ${sizes!.orders.toLocaleString("en-US")} orders, ${sizes!.events.toLocaleString("en-US")} payment events, ${sizes!.db_size}`);

  const picks = await queryRows<{ id: string; email: string; capture: string; payer: string }>(
    db,
    sql`select o.id, u.email, p.provider_capture_id as capture, e.raw->'payer'->>'payer_id' as payer
        from orders o join users u on u.id = o.user_id join payments p on p.order_id = o.id
        join payment_events e on e.order_id = o.id and e.type = 'POST /v2/checkout/orders/{id}/capture'
        order by md5(o.id::text) limit ${SAMPLES + 1}`,
  );
  const [course] = await queryRows<{ id: string }>(db, sql`select id from courses where currency = 'EUR' order by slug limit 1`);
  const year = new Date().getUTCFullYear() - 1;
  const [finishedDeep, unfinishedDeep] = [await deepCursor(db, "finished"), await deepCursor(db, "unfinished")];
  const pick = (i: number) => picks[i % picks.length]!;

  const scenarios: [string, (i: number) => Promise<unknown>][] = [
    ["finished, first page", () => listPage(db, { tab: "finished" })],
    ["unfinished, first page", () => listPage(db, { tab: "unfinished" })],
    [`finished, ${DEEP_ROWS.toLocaleString("en-US")} rows deep`, () => listPage(db, { tab: "finished" }, finishedDeep)],
    [`unfinished, ${DEEP_ROWS.toLocaleString("en-US")} rows deep`, () => listPage(db, { tab: "unfinished" }, unfinishedDeep)],
    ["filtered: EUR + course + last year", () => listPage(db, { tab: "finished", currency: "EUR", course: course!.id, from: `${year}-01-01`, to: `${year}-12-31` })],
    ["filtered: status refunded", () => listPage(db, { tab: "finished", status: "refunded" })],
    ["filtered: JPY", () => listPage(db, { tab: "unfinished", currency: "JPY" })],
    ["filtered: one month", () => listPage(db, { tab: "finished", from: `${year}-06-01`, to: `${year}-06-30` })],
    ["search: buyer email", (i) => listPage(db, { tab: "finished", q: pick(i).email })],
    ["search: PayPal capture id", (i) => listPage(db, { tab: "finished", q: pick(i).capture })],
    ["search: PayPal payer id", (i) => listPage(db, { tab: "finished", q: pick(i).payer })],
  ];
  const results: { scenario: string; p50: number; p95: number; max: number }[] = [];
  for (const [scenario, run] of scenarios) results.push({ scenario, ...(await timeIt(SAMPLES, run)) });
  const detail = await timeIt(SAMPLES, (i) => findTransaction(db, pick(i).id));
  await handle.close();

  console.log("\nserver time per page view (ms)");
  console.table([...results, { scenario: "detail page", ...detail }]);

  console.log("exporting the Finished tab as CSV in a separate process…");
  const csv = await runCsvChild(url);
  const rowsPerS = Math.round(csv.rows / csv.seconds);
  console.log(`CSV: ${csv.rows.toLocaleString("en-US")} rows, ${(csv.bytes / 1024 / 1024).toFixed(1)} MB in ${csv.seconds.toFixed(1)} s (${rowsPerS.toLocaleString("en-US")} rows/s), peak RSS ${csv.peak_rss_mb} MB`);
  console.log(
    JSON.stringify({
      transactions: TRANSACTIONS,
      list_p95_ms: Math.max(...results.map((r) => r.p95)),
      detail_p95_ms: detail.p95,
      csv_peak_rss_mb: csv.peak_rss_mb,
      csv_rows_per_s: rowsPerS,
    }),
  );
}

if (process.argv[2] === "--csv-child") {
  csvChild(process.argv[3]!).catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
