import { receiveWebhook } from "@/lib/payments/notifications";
import { paymentDeps } from "@/lib/payments/runtime";

/** PayPal webhooks: the signature covers the exact bytes, so the body is read raw, never re-serialised. */
export async function POST(request: Request) {
  const raw = Buffer.from(await request.arrayBuffer());
  const { status, body } = await receiveWebhook(await paymentDeps(), request.headers, raw);
  return Response.json(body, { status });
}
