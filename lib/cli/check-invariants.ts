/** `npm run check-invariants`: lists every broken money/enrollment invariant; exit code 1 when any. */
import { checkInvariants } from "@/lib/payments/invariants";
import { openDatabase } from "./setup";

async function main() {
  const handle = await openDatabase();
  const violations = await checkInvariants(handle.db);
  await handle.close();
  if (violations.length === 0) {
    console.log("All invariants hold.");
    return 0;
  }
  const rules = [...new Set(violations.map((v) => v.rule))];
  for (const rule of rules) {
    const list = violations.filter((v) => v.rule === rule);
    console.log(`✘ ${rule}: ${list.length}`);
    for (const v of list.slice(0, 50)) console.log(`    ${JSON.stringify(v.detail)}`);
  }
  return 1;
}

main().then((code) => process.exit(code));
