import { receiveWebhook } from "@/lib/payments/notifications";
import { stripeDeps } from "@/lib/payments/runtime";

/** Stripe webhooks: the signature covers the exact bytes, so the body is read raw, never re-serialised. */
export async function POST(request: Request) {
  const deps = await stripeDeps();
  if (!deps) return Response.json({ ok: false, error: "Stripe is not configured" }, { status: 404 });
  const raw = Buffer.from(await request.arrayBuffer());
  const { status, body } = await receiveWebhook(deps, request.headers, raw);
  return Response.json(body, { status });
}
