import { redirect } from "next/navigation";
import { z } from "zod";
import { currentUser } from "@/lib/auth/session";
import { captureCheckout } from "@/lib/payments/checkout";
import { stripeDeps } from "@/lib/payments/runtime";

const sessionId = z.string().regex(/^cs_(test|live)_\w{10,200}$/);

/**
 * Stripe Checkout's success_url. Asks Stripe whether the session was paid and fulfils through the same capture
 * path as every provider, then redirects to the receipt — so a reload of this URL changes nothing twice, and a
 * reload of the receipt is a plain GET.
 */
export async function GET(request: Request) {
  const url = new URL(request.url);
  const id = sessionId.safeParse(url.searchParams.get("session_id"));
  const user = await currentUser();
  if (!user) redirect(`/sign-in?callbackUrl=${encodeURIComponent(`${url.pathname}${url.search}`)}`);
  const deps = await stripeDeps();
  if (!id.success || !deps) redirect("/cart?payment=unknown");
  const result = await captureCheckout(deps, user.id, id.data);
  if (result.orderId) redirect(`/orders/${result.orderId}`);
  redirect("/cart?payment=unknown");
}
