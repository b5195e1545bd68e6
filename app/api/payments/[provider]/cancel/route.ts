import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { cancelCheckout } from "@/lib/payments/checkout";
import { checkoutPageOf, currentBuyer } from "@/lib/payments/current-buyer";
import { providerName, returnedId } from "@/lib/payments/redirects";
import { depsFor } from "@/lib/payments/runtime";

/**
 * Where a provider's own page sends the buyer who went back (PayPal's cancel_url, Stripe's cancel_url). The order
 * is cancelled only when the provider confirms it was never paid (and a Stripe session is expired first, so it
 * can no longer be paid). Back to the cart (an LMS learner: their join page) either way.
 */
export async function GET(request: Request, { params }: { params: Promise<{ provider: string }> }) {
  const provider = providerName.safeParse((await params).provider);
  const id = provider.success ? returnedId(provider.data, new URL(request.url)) : null;
  const buyer = await currentBuyer();
  const deps = provider.success ? await depsFor(provider.data) : null;
  if (id && buyer && deps) await cancelCheckout(deps, buyer, id);
  redirect(`${provider.success ? await checkoutPageOf(getDb(), provider.data, id) : "/cart"}?payment=cancelled`);
}
