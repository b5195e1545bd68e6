import "server-only";
import { and, eq } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { subscriptionPayments, subscriptionProducts, subscriptions, users } from "@/db/schema";

/** One payment of a buyer's own subscription, for its receipt; null for anyone else's (or an unknown id). */
export async function subscriptionReceipt(db: Queryable, userId: string, subscriptionId: string, paymentId: string) {
  const [row] = await db
    .select({
      payment: subscriptionPayments,
      productName: subscriptionProducts.name,
      kind: subscriptionProducts.kind,
      providerSubscriptionId: subscriptions.providerSubscriptionId,
      buyer: { name: users.name, email: users.email },
    })
    .from(subscriptionPayments)
    .innerJoin(subscriptions, eq(subscriptions.id, subscriptionPayments.subscriptionId))
    .innerJoin(subscriptionProducts, eq(subscriptionProducts.id, subscriptions.productId))
    .innerJoin(users, eq(users.id, subscriptions.userId))
    .where(and(eq(subscriptionPayments.id, paymentId), eq(subscriptionPayments.subscriptionId, subscriptionId), eq(subscriptions.userId, userId)));
  return row ?? null;
}
