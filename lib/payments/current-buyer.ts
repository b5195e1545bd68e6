import "server-only";
import { and, eq } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { orders } from "@/db/schema";
import { currentUser } from "@/lib/auth/session";
import { currentBrowserHash } from "@/lib/gateway/browser";
import type { Buyer } from "./buyer";
import type { ProviderName } from "./types";

/** Whoever this request speaks for: the signed-in user, the LMS learner of this browser, or both (null: nobody). */
export async function currentBuyer(): Promise<Buyer | null> {
  const [user, browserHash] = await Promise.all([currentUser(), currentBrowserHash()]);
  return user || browserHash ? { userId: user?.id ?? null, browserHash } : null;
}

/** Where a buyer goes back to choose another way to pay: an LMS learner's join page, or the cart. */
export async function checkoutPageOf(db: Queryable, provider: ProviderName, providerOrderId: string | null): Promise<string> {
  if (!providerOrderId) return "/cart";
  const [order] = await db
    .select({ handoffId: orders.gatewayHandoffId })
    .from(orders)
    .where(and(eq(orders.provider, provider), eq(orders.providerOrderId, providerOrderId)));
  return order?.handoffId ? `/join/${order.handoffId}` : "/cart";
}
