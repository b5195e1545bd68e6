import { redirect } from "next/navigation";
import { checkoutPageOf, currentBuyer } from "@/lib/payments/current-buyer";
import { captureCheckout } from "@/lib/payments/checkout";
import { providerName, returnedId } from "@/lib/payments/redirects";
import { depsFor } from "@/lib/payments/runtime";

/**
 * Where a provider's own page sends the buyer back after paying (PayPal's return_url, Stripe's success_url).
 * Captures — or asks the provider whether it was paid — through the same captureCheckout() as the in-page buttons,
 * then redirects to the receipt: a reload of this URL never acts twice (the capture is claimed once in the
 * database), and a reload of the receipt is a plain GET. An id that is not the buyer's own order changes nothing.
 */
export async function GET(request: Request, { params }: { params: Promise<{ provider: string }> }) {
  const url = new URL(request.url);
  const provider = providerName.safeParse((await params).provider);
  const buyer = await currentBuyer();
  if (!buyer) redirect(`/sign-in?callbackUrl=${encodeURIComponent(`${url.pathname}${url.search}`)}`);
  const id = provider.success ? returnedId(provider.data, url) : null;
  const deps = provider.success ? await depsFor(provider.data) : null;
  if (!id || !deps) redirect("/cart?payment=unknown");
  const result = await captureCheckout(deps, buyer, id);
  if (result.ok) redirect(`/orders/${result.orderId}`);
  // A declined card or PayPal funding source: back to the cart (or join page), where the buyer can pay another way.
  if (result.kind === "declined") redirect(`${await checkoutPageOf(deps.db, deps.provider.name, id)}?payment=declined`);
  redirect(result.orderId ? `/orders/${result.orderId}` : "/cart?payment=unknown");
}
