/**
 * `npm run reconcile`: one reconciliation pass now (skipped when another instance holds the sweep lock),
 * with a report of what changed. Option: --min-age-seconds N (default 300).
 */
import { reconcileOnce } from "@/lib/payments/reconcile";
import { paymentDeps } from "@/lib/payments/runtime";
import { openDatabase } from "./setup";

async function main() {
  const flag = process.argv.indexOf("--min-age-seconds");
  const minAgeMs = flag > 0 ? Number(process.argv[flag + 1]) * 1000 : undefined;
  const handle = await openDatabase();
  const result = await reconcileOnce(handle, await paymentDeps(), { minAgeMs });
  await handle.close();
  if (!result.acquired) {
    console.log("Another instance is running a reconciliation sweep right now; nothing done.");
    return 0;
  }
  const r = result.value;
  console.log(`Checked ${r.ordersChecked} open order(s) in ${r.durationMs} ms; ${r.changed.length} changed.`);
  for (const c of r.changed) console.log(`  ${c.orderId}  ${c.from} → ${c.to}  (${c.note})`);
  if (r.refundsResent) console.log(`Re-sent ${r.refundsResent} refund(s) whose outcome was unknown.`);
  if (r.notificationsReplayed) console.log(`Applied ${r.notificationsReplayed} stored notification(s) that had not been applied.`);
  for (const e of r.errors) console.log(`  error: ${e.what}: ${e.message}`);
  return r.errors.length ? 1 : 0;
}

main().then((code) => process.exit(code));
