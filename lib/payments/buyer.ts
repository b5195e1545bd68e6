import "server-only";
import { and, eq, inArray, or, sql, type SQL } from "drizzle-orm";
import { preparedPerDb, type Queryable } from "@/db/client";
import { gatewayHandoffs, orders, type Order } from "@/db/schema";

/**
 * Who is paying. A store buyer is a signed-in user; an LMS learner sent here by the external-enrolment gateway has
 * no account and is known by their browser's gateway cookie (only its SHA-256 is stored, on each of their handoffs).
 * One browser can be both at once. Every look-up of "the buyer's own order" goes through `perBuyer`, so someone
 * else's order is never found — by user id or by handoff id alike.
 */
export type Buyer = { userId: string | null; browserHash: string | null };

/** A signed-in store user's id stands for that user as a buyer (what most callers and tests have). */
export const asBuyer = (who: string | Buyer): Buyer => (typeof who === "string" ? { userId: who, browserHash: null } : who);

/**
 * Which of a buyer's identities a statement compares: a prepared statement per shape, each with only its own
 * conditions. One statement for every buyer (both conditions, a null value matching nothing) cost PostgreSQL a new
 * plan on every execution: its generic plan kept the handoff subquery that a signed-in buyer's null browser hash
 * folds away, so it always looked dearer than a custom plan (pg_prepared_statements: 0 generic, 15 custom plans
 * for the capture's look-up after 15 checkouts).
 */
type BuyerShape = "user" | "browser" | "both";
const BUYER_SHAPES: readonly BuyerShape[] = ["user", "browser", "both"];
const shapeOf = (buyer: Buyer): BuyerShape => (buyer.browserHash === null ? "user" : buyer.userId === null ? "browser" : "both");

/** The orders that belong to a buyer of this shape, as a condition on `orders` with placeholders `userId`, `browserHash`. */
function ordersOf(shape: BuyerShape): SQL {
  const byUser = eq(orders.userId, sql.placeholder("userId"));
  const byBrowser = inArray(orders.gatewayHandoffId, sql`(select ${gatewayHandoffs.id} from ${gatewayHandoffs} where ${gatewayHandoffs.browserHash} = ${sql.placeholder("browserHash")})`);
  return shape === "user" ? byUser : shape === "browser" ? byBrowser : or(byUser, byBrowser)!;
}

/**
 * A statement about "the buyer's order with this provider order id", prepared once per database handle and buyer
 * shape: `build` gets the condition (placeholders provider, providerOrderId, userId, browserHash) and a name suffix.
 * Every capture's and cancel's first statement is one of these.
 */
export function perBuyer<Q>(build: (db: Queryable, buyersOrder: SQL, shape: BuyerShape) => Q): (db: Queryable, buyer: Buyer) => Q {
  const byShape = new Map(
    BUYER_SHAPES.map((shape) => [
      shape,
      preparedPerDb((db) => build(db, and(eq(orders.provider, sql.placeholder("provider")), eq(orders.providerOrderId, sql.placeholder("providerOrderId")), ordersOf(shape))!, shape)),
    ]),
  );
  return (db, buyer) => byShape.get(shapeOf(buyer))!(db);
}

/** The values for perBuyer's placeholders. */
export const buyersOrderValues = (buyer: Buyer, provider: Order["provider"], providerOrderId: string) => ({
  provider,
  providerOrderId,
  userId: buyer.userId,
  browserHash: buyer.browserHash,
});

const buyersOrderQuery = perBuyer((db, buyersOrder, shape) => db.select().from(orders).where(buyersOrder).prepare(`buyers_order_${shape}`));

/** The buyer's order with this provider order id; someone else's looks exactly like a missing one (undefined). */
export async function buyersOrder(db: Queryable, who: string | Buyer, provider: Order["provider"], providerOrderId: string): Promise<Order | undefined> {
  const buyer = asBuyer(who);
  const [order] = await buyersOrderQuery(db, buyer).execute(buyersOrderValues(buyer, provider, providerOrderId));
  return order;
}
