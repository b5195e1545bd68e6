import "server-only";
import { eq, inArray, or, sql, type SQL } from "drizzle-orm";
import { gatewayHandoffs, orders } from "@/db/schema";

/**
 * Who is paying. A store buyer is a signed-in user; an LMS learner sent here by the external-enrolment gateway has
 * no account and is known by their browser's gateway cookie (only its SHA-256 is stored, on each of their handoffs).
 * One browser can be both at once. Every look-up of "the buyer's own order" goes through `ordersOf`, so someone
 * else's order is never found — by user id or by handoff id alike.
 */
export type Buyer = { userId: string | null; browserHash: string | null };

/** A signed-in store user's id stands for that user as a buyer (what most callers and tests have). */
export const asBuyer = (who: string | Buyer): Buyer => (typeof who === "string" ? { userId: who, browserHash: null } : who);

/** The orders that belong to this buyer, as a condition on `orders`. */
export function ordersOf(buyer: Buyer): SQL {
  const mine = [
    buyer.userId ? eq(orders.userId, buyer.userId) : undefined,
    buyer.browserHash
      ? inArray(orders.gatewayHandoffId, sql`(select ${gatewayHandoffs.id} from ${gatewayHandoffs} where ${gatewayHandoffs.browserHash} = ${buyer.browserHash})`)
      : undefined,
  ].filter((c) => c !== undefined);
  return mine.length ? or(...mine)! : sql`false`;
}
