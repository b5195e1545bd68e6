import { after } from "next/server";
import { log } from "@/lib/log";
import { processIpn, recordIpn } from "@/lib/payments/ipn";
import { paymentDeps } from "@/lib/payments/runtime";

const MAX_IPN_BYTES = 64 * 1024;

/**
 * Legacy IPN: store the message exactly as received, answer 200 at once (PayPal resends otherwise), then
 * validate it with PayPal and act. A message stored but not processed (a crash) is picked up by reconciliation.
 */
export async function POST(request: Request) {
  const raw = Buffer.from(await request.arrayBuffer());
  if (raw.length === 0 || raw.length > MAX_IPN_BYTES) return new Response(null, { status: 400 });
  const deps = await paymentDeps();
  const eventId = await recordIpn(deps, raw);
  after(async () => {
    try {
      const result = await processIpn(deps, eventId);
      log.info({ ipn: { eventId, ...result } }, "IPN processed");
    } catch (error) {
      log.error({ err: error, eventId }, "IPN processing failed; reconciliation will retry");
    }
  });
  return new Response(null, { status: 200 });
}
