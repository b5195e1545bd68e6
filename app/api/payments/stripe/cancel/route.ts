import { redirect } from "next/navigation";
import { z } from "zod";
import { currentUser } from "@/lib/auth/session";
import { cancelCheckout } from "@/lib/payments/checkout";
import { stripeDeps } from "@/lib/payments/runtime";

const sessionId = z.string().regex(/^cs_(test|live)_\w{10,200}$/);

/**
 * Stripe Checkout's cancel_url: the buyer went back. The session is expired at Stripe (so it can no longer be paid)
 * and our order cancelled — only when Stripe confirms it was never paid. Back to the cart either way.
 */
export async function GET(request: Request) {
  const id = sessionId.safeParse(new URL(request.url).searchParams.get("session_id"));
  const user = await currentUser();
  const deps = await stripeDeps();
  if (id.success && user && deps) await cancelCheckout(deps, user.id, id.data);
  redirect("/cart?payment=cancelled");
}
