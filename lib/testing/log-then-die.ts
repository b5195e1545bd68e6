/**
 * For lib/log.test.ts: logs LOG_LINES lines, each carrying a secret, then kills its own process with SIGKILL in the
 * same tick, so no exit handler can flush what a stream still buffers.
 */
import { log } from "@/lib/log";

const lines = Number(process.env.LOG_LINES ?? 1);
for (let n = 0; n < lines; n++) log.info({ n, paypal: { clientSecret: "s3cr3t-value", op: "orders.capture" } }, "paypal call");
process.kill(process.pid, "SIGKILL");
