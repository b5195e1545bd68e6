import { after } from "next/server";
import { getDb } from "@/db/client";
import { clientIp } from "@/lib/http/forwarded";
import { readBodyUpTo } from "@/lib/http/body";
import { log } from "@/lib/log";
import { ipnLimits, processIpnMessage, receiveIpn } from "@/lib/payments/ipn";
import { paymentDeps } from "@/lib/payments/runtime";

/**
 * Legacy IPN: keep the message exactly as received in the inbox, answer 200 at once (PayPal resends otherwise),
 * then validate it with PayPal and act. Bounded: a body over the size limit is refused unread (413), a sender over
 * its per-minute budget gets 429 (PayPal resends later). A message kept but not processed (a crash) is picked
 * up by reconciliation.
 */
export async function POST(request: Request) {
  const limits = ipnLimits();
  const raw = await readBodyUpTo(request, limits.maxBytes);
  if (raw === "too-large") return new Response(null, { status: 413 });
  if (raw.length === 0) return new Response(null, { status: 400 });
  const received = await receiveIpn(getDb(), { raw, ip: clientIp(request.headers) }, limits);
  if (received.status === 429) return new Response(null, { status: 429, headers: { "Retry-After": String(received.retryAfterSeconds) } });
  after(async () => {
    try {
      const result = await processIpnMessage(await paymentDeps(), received.messageId);
      log.info({ ipn: { messageId: received.messageId, ...result } }, "IPN processed");
    } catch (error) {
      log.error({ err: error, messageId: received.messageId }, "IPN processing failed; reconciliation will retry");
    }
  });
  return new Response(null, { status: 200 });
}
