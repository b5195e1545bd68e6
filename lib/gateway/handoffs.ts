import "server-only";
import { and, desc, eq, inArray } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Queryable } from "@/db/client";
import { gatewayConnections, gatewayHandoffs, orders, type GatewayConnection, type GatewayHandoff, type Order } from "@/db/schema";
import { log } from "@/lib/log";
import { HOLDING_STATUSES } from "@/lib/payments/state";
import { connectionBySlug } from "./connections";
import { REFUSALS, verifyHandoff, type Refusal } from "./token";

export type AcceptResult = { ok: true; handoffId: string; resumed: boolean } | { ok: false; reason: Refusal; message: string };

const refuse = (reason: Refusal, detail: string, slug: string): AcceptResult => {
  // The learner sees the message; the log keeps why (never the token itself).
  log.warn({ gateway: { connection: slug, reason, detail } }, "LMS handoff refused");
  return { ok: false, reason, message: REFUSALS[reason] };
};

/**
 * `POST /gateway/<connection>/enrol`: a verified token becomes a handoff bound to this browser. Its `jti` is taken
 * once, by the database's unique index: the same browser coming back with the same token (a resubmitted form) is
 * shown the checkout it already has; any other use of it is a replay and creates nothing.
 */
export async function acceptHandoff(db: Queryable, slug: string, jwt: string, browserHash: string, now = new Date()): Promise<AcceptResult> {
  const connection = await connectionBySlug(db, slug);
  if (!connection) return refuse("unknown_connection", slug, slug);
  const verified = await verifyHandoff(jwt, connection, now);
  if (!verified.ok) return refuse(verified.reason, verified.detail, slug);
  const h = verified.handoff;
  const [created] = await db
    .insert(gatewayHandoffs)
    .values({
      connectionId: connection.id,
      jti: h.jti,
      sub: h.sub,
      lmsCourse: h.course,
      lmsClass: h.class,
      title: h.title,
      priceMinor: h.price.minor,
      currency: h.price.currency,
      redirectUrl: h.redirectUrl,
      claims: h.claims,
      browserHash,
    })
    .onConflictDoNothing()
    .returning({ id: gatewayHandoffs.id });
  if (created) return { ok: true, handoffId: created.id, resumed: false };
  const [earlier] = await db
    .select({ id: gatewayHandoffs.id, browserHash: gatewayHandoffs.browserHash })
    .from(gatewayHandoffs)
    .where(and(eq(gatewayHandoffs.connectionId, connection.id), eq(gatewayHandoffs.jti, h.jti)));
  if (earlier && earlier.browserHash === browserHash) return { ok: true, handoffId: earlier.id, resumed: true };
  return refuse("replayed", h.jti, slug);
}

export type LearnerHandoff = { handoff: GatewayHandoff; connection: GatewayConnection; paidOrder: Pick<Order, "id" | "status"> | null };

/**
 * A handoff as its own browser sees it (someone else's is not found), with the order that paid for this learner's
 * class — through this handoff or another "Join now" of theirs — if there is one.
 */
export async function handoffForBrowser(db: Queryable, handoffId: string, browserHash: string): Promise<LearnerHandoff | null> {
  const [row] = await db
    .select({ handoff: gatewayHandoffs, connection: gatewayConnections })
    .from(gatewayHandoffs)
    .innerJoin(gatewayConnections, eq(gatewayConnections.id, gatewayHandoffs.connectionId))
    .where(and(eq(gatewayHandoffs.id, handoffId), eq(gatewayHandoffs.browserHash, browserHash)));
  if (!row) return null;
  return { ...row, paidOrder: await paidOrderOf(db, row.handoff) };
}

/** The learner's order for this class that holds (or is clearing) their money, through any of their handoffs. */
export async function paidOrderOf(db: Queryable, handoff: Pick<GatewayHandoff, "connectionId" | "sub" | "lmsClass">): Promise<Pick<Order, "id" | "status"> | null> {
  const sibling = alias(gatewayHandoffs, "sibling");
  const [paid] = await db
    .select({ id: orders.id, status: orders.status })
    .from(orders)
    .innerJoin(sibling, eq(sibling.id, orders.gatewayHandoffId))
    .where(and(eq(sibling.connectionId, handoff.connectionId), eq(sibling.sub, handoff.sub), eq(sibling.lmsClass, handoff.lmsClass), inArray(orders.status, [...HOLDING_STATUSES])))
    .orderBy(desc(orders.createdAt))
    .limit(1);
  return paid ?? null;
}

/** An LMS learner's order as their own browser sees it, with its handoff and connection (someone else's: null). */
export async function learnerOrder(db: Queryable, browserHash: string, orderId: string) {
  const [row] = await db
    .select({ order: orders, handoff: gatewayHandoffs, connection: { name: gatewayConnections.name } })
    .from(orders)
    .innerJoin(gatewayHandoffs, eq(gatewayHandoffs.id, orders.gatewayHandoffId))
    .innerJoin(gatewayConnections, eq(gatewayConnections.id, gatewayHandoffs.connectionId))
    .where(and(eq(orders.id, orderId), eq(gatewayHandoffs.browserHash, browserHash)));
  return row ?? null;
}
