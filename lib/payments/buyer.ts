import "server-only";
import { and, eq, inArray, or, sql, type Placeholder, type SQL } from "drizzle-orm";
import { preparedPerDb, type Queryable } from "@/db/client";
import { gatewayHandoffs, orders, type Order } from "@/db/schema";

/**
 * Who is paying. A store buyer is a signed-in user; an LMS learner sent here by the external-enrolment gateway has
 * no account and is known by their browser's gateway cookie (only its SHA-256 is stored, on each of their handoffs).
 * One browser can be both at once. Every look-up of "the buyer's own order" goes through `ordersOf`, so someone
 * else's order is never found — by user id or by handoff id alike.
 */
export type Buyer = { userId: string | null; browserHash: string | null };

/** A signed-in store user's id stands for that user as a buyer (what most callers and tests have). */
export const asBuyer = (who: string | Buyer): Buyer => (typeof who === "string" ? { userId: who, browserHash: null } : who);

/**
 * The orders that belong to this buyer, as a condition on `orders`. With placeholders (a statement prepared for any
 * buyer) both ways are in the condition; a null value then matches nothing.
 */
export function ordersOf(buyer: Buyer | { userId: Placeholder; browserHash: Placeholder }): SQL {
  const mine = [
    buyer.userId ? eq(orders.userId, buyer.userId) : undefined,
    buyer.browserHash
      ? inArray(orders.gatewayHandoffId, sql`(select ${gatewayHandoffs.id} from ${gatewayHandoffs} where ${gatewayHandoffs.browserHash} = ${buyer.browserHash})`)
      : undefined,
  ].filter((c) => c !== undefined);
  return mine.length ? or(...mine)! : sql`false`;
}

/**
 * "The buyer's order with this provider order id", with placeholders (provider, providerOrderId, userId, browserHash):
 * the condition of every capture's and cancel's first statement.
 */
export const buyersOrderByProviderId = (): SQL =>
  and(
    eq(orders.provider, sql.placeholder("provider")),
    eq(orders.providerOrderId, sql.placeholder("providerOrderId")),
    ordersOf({ userId: sql.placeholder("userId"), browserHash: sql.placeholder("browserHash") }),
  )!;

/** The values for buyersOrderByProviderId's placeholders. */
export const buyersOrderValues = (who: string | Buyer, provider: Order["provider"], providerOrderId: string) => {
  const buyer = asBuyer(who);
  return { provider, providerOrderId, userId: buyer.userId, browserHash: buyer.browserHash };
};

/** Built once per handle. */
const buyersOrderQuery = preparedPerDb((db) => db.select().from(orders).where(buyersOrderByProviderId()).prepare("buyers_order"));

/** The buyer's order with this provider order id; someone else's looks exactly like a missing one (undefined). */
export async function buyersOrder(db: Queryable, who: string | Buyer, provider: Order["provider"], providerOrderId: string): Promise<Order | undefined> {
  const [order] = await buyersOrderQuery(db).execute(buyersOrderValues(who, provider, providerOrderId));
  return order;
}
