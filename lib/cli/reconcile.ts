/**
 * `npm run reconcile`: one reconciliation pass now (skipped when another instance holds the sweep lock),
 * with a report of what changed. Option: --min-age-seconds N (default 300).
 */
import { reconcileOnce } from "@/lib/payments/reconcile";
import { PROVIDER_LABEL } from "@/lib/payments/providers";
import { paymentDeps, stripeDeps } from "@/lib/payments/runtime";
import { openDatabase } from "./setup";

async function main() {
  const flag = process.argv.indexOf("--min-age-seconds");
  const minAgeMs = flag > 0 ? Number(process.argv[flag + 1]) * 1000 : undefined;
  const handle = await openDatabase();
  let errors = 0;
  for (const deps of [await paymentDeps(), await stripeDeps()]) {
    if (!deps) continue;
    const who = PROVIDER_LABEL[deps.provider.name];
    const result = await reconcileOnce(handle, deps, { minAgeMs });
    if (!result.acquired) {
      console.log(`${who}: another instance is running a reconciliation sweep right now; nothing done.`);
      continue;
    }
    const r = result.value;
    console.log(`${who}: checked ${r.ordersChecked} open order(s) in ${r.durationMs} ms; ${r.changed.length} changed.`);
    for (const c of r.changed) console.log(`  ${c.orderId}  ${c.from} → ${c.to}  (${c.note})`);
    if (r.refundsResent) console.log(`  Re-sent ${r.refundsResent} refund(s) whose outcome was unknown.`);
    if (r.notificationsReplayed) console.log(`  Applied ${r.notificationsReplayed} stored notification(s) that had not been applied.`);
    if (r.subscriptionsChecked) console.log(`  Checked ${r.subscriptionsChecked} subscription(s); ${r.subscriptionsChanged.length} changed.`);
    for (const c of r.subscriptionsChanged) console.log(`  subscription ${c.subscriptionId}  ${c.from} → ${c.to}`);
    for (const e of r.errors) console.log(`  error: ${e.what}: ${e.message}`);
    errors += r.errors.length;
  }
  await handle.close();
  return errors ? 1 : 0;
}

main().then((code) => process.exit(code));
