import { redirect } from "next/navigation";
import { currentUser } from "@/lib/auth/session";
import { cancelCheckout } from "@/lib/payments/checkout";
import { providerName, returnedId } from "@/lib/payments/redirects";
import { depsFor } from "@/lib/payments/runtime";

/**
 * Where a provider's own page sends the buyer who went back (PayPal's cancel_url, Stripe's cancel_url). The order
 * is cancelled only when the provider confirms it was never paid (and a Stripe session is expired first, so it
 * can no longer be paid). Back to the cart either way.
 */
export async function GET(request: Request, { params }: { params: Promise<{ provider: string }> }) {
  const provider = providerName.safeParse((await params).provider);
  const id = provider.success ? returnedId(provider.data, new URL(request.url)) : null;
  const user = await currentUser();
  const deps = provider.success ? await depsFor(provider.data) : null;
  if (id && user && deps) await cancelCheckout(deps, user.id, id);
  redirect("/cart?payment=cancelled");
}
