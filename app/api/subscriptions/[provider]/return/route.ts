import { redirect } from "next/navigation";
import { z } from "zod";
import { currentUser } from "@/lib/auth/session";
import { paymentDeps } from "@/lib/payments/runtime";
import { activateSubscription } from "@/lib/subscriptions/checkout";

const subscriptionId = z.string().regex(/^I-[A-Z0-9]{6,40}$/);

/**
 * Where PayPal's own page sends a buyer who approved a subscription (`?subscription_id=I-…&ba_token=…`). Activates
 * through the same activateSubscription() as the buttons, from PayPal's truth, then redirects to My subscriptions:
 * a reload activates nothing twice, and someone else's id changes nothing. PayPal only, for now.
 */
export async function GET(request: Request, { params }: { params: Promise<{ provider: string }> }) {
  const url = new URL(request.url);
  const user = await currentUser();
  if (!user) redirect(`/sign-in?callbackUrl=${encodeURIComponent(`${url.pathname}${url.search}`)}`);
  const id = subscriptionId.safeParse(url.searchParams.get("subscription_id"));
  if ((await params).provider !== "paypal" || !id.success) redirect("/my/subscriptions?subscription=unknown");
  const result = await activateSubscription(await paymentDeps(), user.id, id.data);
  redirect(result.ok ? `/my/subscriptions?subscription=started` : "/my/subscriptions?subscription=unknown");
}
