import "server-only";
import { and, eq } from "drizzle-orm";
import type { Db, Queryable } from "@/db/client";
import { orders, type Order } from "@/db/schema";
import { log } from "@/lib/log";
import { transition } from "./state";
import type { ProviderName } from "./types";

/** Order look-ups every payment path shares. */
export async function orderById(db: Queryable, orderId: string): Promise<Order | null> {
  const [order] = await db.select().from(orders).where(eq(orders.id, orderId));
  return order ?? null;
}

export async function orderByProviderId(db: Queryable, provider: ProviderName, providerOrderId: string): Promise<Order | null> {
  const [order] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.provider, provider), eq(orders.providerOrderId, providerOrderId)));
  return order ?? null;
}

/**
 * Moves an order through the state machine (a refused move is logged, never forced). With `from`, only an order
 * still in that status moves: what the caller decided on may have changed meanwhile.
 */
export async function moveOrder(db: Db, order: Pick<Order, "id">, to: Order["status"], from?: Order["status"]): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(orders).where(eq(orders.id, order.id)).for("update");
    if (!current || (from && current.status !== from)) return false;
    const move = transition(current.status, to);
    if (!move.ok) {
      log.warn({ orderId: order.id, from: current.status, to }, "order move refused");
      return false;
    }
    if (move.changed) {
      await tx.update(orders).set({ status: to, captureStartedAt: null, updatedAt: new Date(), closedAt: new Date() }).where(eq(orders.id, order.id));
    }
    return true;
  });
}

/**
 * Flags an order for an admin (the overview lists flagged orders): something about its money does not add up and
 * a person must decide. Logged too, with `context`.
 */
export async function flagForAttention(db: Queryable, orderId: string, reason: string, context: Record<string, unknown> = {}): Promise<void> {
  log.warn({ orderId, ...context }, reason);
  await db.update(orders).set({ attentionReason: reason, updatedAt: new Date() }).where(eq(orders.id, orderId));
}
