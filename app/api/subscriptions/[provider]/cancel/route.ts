import { redirect } from "next/navigation";

/**
 * Where PayPal's own page sends a buyer who went back without approving. Nothing was created that bills: the
 * pending subscription is left to lapse (reconciliation marks it abandoned), and the buyer is told nothing was charged.
 */
export async function GET() {
  redirect("/my/subscriptions?subscription=cancelled");
}
