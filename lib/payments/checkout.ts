import "server-only";
import { and, asc, eq, inArray, ne, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { cartItems, carts, courses, enrollments, orderItems, orders, users, type Course, type Order } from "@/db/schema";
import { log } from "@/lib/log";
import { z } from "zod";
import { asCurrency, CURRENCIES, money, sum } from "@/lib/money";
import { fulfil } from "./fulfil";
import { CHECKOUT_MESSAGES, failureMessage } from "./messages";
import { transition } from "./state";
import type { PaymentProvider } from "./types";

export type CheckoutDeps = { db: Db; provider: PaymentProvider };

/**
 * What the buyer pays for: the part of their cart in one currency, or one course ("Buy now").
 * This is all the browser may say — never a price; anything else it sends is dropped here.
 */
export const selectionSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("cart"), currency: z.enum(CURRENCIES) }),
  z.object({ kind: z.literal("course"), courseId: z.uuid() }),
]);
export type Selection = z.infer<typeof selectionSchema>;

export type StartResult =
  | { ok: true; orderId: string; providerOrderId: string; removed: string[] }
  | { ok: false; message: string; removed: string[] };

export type CaptureResult =
  | { ok: true; orderId: string; status: "completed" | "pending" | "processing" }
  /** The funding source was declined: the browser restarts the approval so the buyer picks another one. */
  | { ok: false; kind: "declined"; orderId: string; message: string }
  | { ok: false; kind: "refused"; orderId?: string; message: string };

/** How long a started capture blocks another order for the same course before it is presumed dead. */
const CAPTURE_CLAIM_SECONDS = 120;

/**
 * Starts a checkout: our order (status `created`) and its item snapshot are written first, with prices from
 * the database; then the provider order is created with an idempotency key derived from our order id, so a
 * retried call can never make a second provider order. Courses the buyer already owns are left out (and
 * removed from the cart), with a message.
 */
export async function startCheckout(deps: CheckoutDeps, userId: string, selection: Selection): Promise<StartResult> {
  const { db, provider } = deps;
  const candidates = await selectedCourses(db, userId, selection);
  const owned = await ownedCourseIds(db, userId, candidates.map((c) => c.id));
  const removed = candidates.filter((c) => owned.has(c.id));
  if (removed.length) await removeFromCart(db, userId, removed.map((c) => c.id));
  const buying = candidates.filter((c) => !owned.has(c.id));
  const removedTitles = removed.map((c) => c.title);
  if (buying.length === 0) {
    return { ok: false, message: removed.length ? CHECKOUT_MESSAGES.allOwned : CHECKOUT_MESSAGES.nothingToPay, removed: removedTitles };
  }

  const currency = buying[0]!.currency;
  const items = buying.map((c) => ({ courseId: c.id, title: c.title, price: money(c.priceMinor, c.currency) }));
  const total = sum(items.map((i) => i.price), asCurrency(currency));

  const order = await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(orders)
      .values({ userId, status: "created", currency: total.currency, totalMinor: total.minor, provider: provider.name })
      .returning();
    await tx.insert(orderItems).values(
      items.map((i) => ({ orderId: created!.id, courseId: i.courseId, title: i.title, unitPriceMinor: i.price.minor, currency: i.price.currency })),
    );
    return created!;
  });

  const result = await provider.createOrder({ orderId: order.id, total, items, requestId: `coursepay-${order.id}-create` });
  if (!result.ok) {
    // A refusal ends this attempt; an unknown outcome leaves it open for reconciliation to expire.
    if (result.failure.kind !== "unavailable") await moveOrder(db, order, "failed");
    log.warn({ orderId: order.id, failure: result.failure }, "provider order not created");
    return { ok: false, message: failureMessage(result.failure), removed: removedTitles };
  }
  await db
    .update(orders)
    .set({ providerOrderId: result.value.providerOrderId, updatedAt: new Date() })
    .where(eq(orders.id, order.id));
  return { ok: true, orderId: order.id, providerOrderId: result.value.providerOrderId, removed: removedTitles };
}

/**
 * Captures an approved provider order for its owner. Safe to call twice at once, after a reload, after a
 * network failure and from several app instances: the idempotency key is stable per capture attempt, the
 * provider captures an order once, and fulfil() applies the result once.
 */
export async function captureCheckout(deps: CheckoutDeps, userId: string, providerOrderId: string): Promise<CaptureResult> {
  const [order] = await deps.db
    .select()
    .from(orders)
    .where(and(eq(orders.provider, deps.provider.name), eq(orders.providerOrderId, providerOrderId)));
  // Someone else's order looks exactly like an unknown one: nothing is revealed and nothing changes.
  if (!order || order.userId !== userId) return { ok: false, kind: "refused", message: CHECKOUT_MESSAGES.notFound };
  return captureOrder(deps, order);
}

/** The capture step itself, also used when PayPal tells us about an approval the browser never reported. */
export async function captureOrder(deps: CheckoutDeps, order: Order): Promise<CaptureResult> {
  const { db, provider } = deps;
  const settled = settledResult(order);
  if (settled) return settled;

  const claim = await claimCapture(db, order);
  if (claim.status !== "claimed") {
    if (claim.status === "owned") await moveOrder(db, order, "cancelled");
    return { ok: false, kind: "refused", orderId: order.id, message: claim.status === "owned" ? CHECKOUT_MESSAGES.allOwned : CHECKOUT_MESSAGES.otherPaymentInFlight };
  }

  const requestId = `coursepay-${order.id}-capture-${claim.attempt}`;
  const captured = await provider.captureOrder({ providerOrderId: order.providerOrderId!, orderId: order.id, requestId });

  if (captured.ok) {
    const applied = await fulfil(db, captured.value);
    if (applied.outcome === "mismatch") return { ok: false, kind: "refused", orderId: order.id, message: CHECKOUT_MESSAGES.underReview };
    const [current] = await db.select().from(orders).where(eq(orders.id, order.id));
    return settledResult(current!) ?? { ok: true, orderId: order.id, status: "processing" };
  }

  const failure = captured.failure;
  switch (failure.kind) {
    case "declined":
      // The next approval is a new attempt with a new idempotency key; retries of this one keep theirs.
      await db
        .update(orders)
        .set({ captureAttempt: sql`${orders.captureAttempt} + 1`, captureStartedAt: null, updatedAt: new Date() })
        .where(and(eq(orders.id, order.id), eq(orders.captureAttempt, claim.attempt)));
      return { ok: false, kind: "declined", orderId: order.id, message: failureMessage(failure) };
    case "unavailable":
      // The capture may have happened: keep the claim; webhooks or reconciliation will settle it.
      return { ok: true, orderId: order.id, status: "processing" };
    case "not_found":
      await moveOrder(db, order, "expired");
      break;
    case "not_approved":
      await releaseClaim(db, order.id);
      break;
    case "rejected":
      await moveOrder(db, order, "failed");
      break;
  }
  return { ok: false, kind: "refused", orderId: order.id, message: failureMessage(failure) };
}

/** The answer for an order that needs no capture call: already paid, pending, or over. */
function settledResult(order: Order): CaptureResult | null {
  switch (order.status) {
    case "completed":
    case "partially_refunded":
    case "refunded":
    case "reversed":
      return { ok: true, orderId: order.id, status: "completed" };
    case "pending":
      return { ok: true, orderId: order.id, status: "pending" };
    case "failed":
      return { ok: false, kind: "refused", orderId: order.id, message: CHECKOUT_MESSAGES.failed };
    case "cancelled":
    case "expired":
      return { ok: false, kind: "refused", orderId: order.id, message: CHECKOUT_MESSAGES.expired };
    default:
      return order.providerOrderId ? null : { ok: false, kind: "refused", orderId: order.id, message: CHECKOUT_MESSAGES.notFound };
  }
}

/**
 * Marks the order approved and "capture in flight" — unless the buyer already owns one of its courses, or
 * another of their orders for one of these courses is being captured or is pending. The buyer's row lock makes
 * two such claims take turns, so two tabs (or two instances) cannot both charge for the same course.
 */
type Claim = { status: "claimed"; attempt: number } | { status: "owned" | "in_flight" };

async function claimCapture(db: Db, order: Order): Promise<Claim> {
  return db.transaction(async (tx) => {
    // NO KEY UPDATE: claims take turns, while foreign-key checks of fulfil()'s enrollment inserts (key share
    // locks on the same row) do not wait on us — FOR UPDATE here deadlocks against a concurrent fulfil().
    await tx.select({ id: users.id }).from(users).where(eq(users.id, order.userId)).for("no key update");
    const courseIds = (await tx.select({ id: orderItems.courseId }).from(orderItems).where(eq(orderItems.orderId, order.id))).map((r) => r.id);
    const ownedElsewhere = await tx
      .select({ id: enrollments.id })
      .from(enrollments)
      .leftJoin(orderItems, eq(orderItems.id, enrollments.orderItemId))
      .where(
        and(
          eq(enrollments.userId, order.userId),
          inArray(enrollments.courseId, courseIds),
          eq(enrollments.status, "active"),
          eq(enrollments.mode, "full"),
          sql`${orderItems.orderId} is distinct from ${order.id}`,
        ),
      )
      .limit(1);
    if (ownedElsewhere.length) return { status: "owned" as const };

    const inFlight = await tx
      .select({ id: orders.id })
      .from(orders)
      .innerJoin(orderItems, eq(orderItems.orderId, orders.id))
      .where(
        and(
          eq(orders.userId, order.userId),
          ne(orders.id, order.id),
          inArray(orderItems.courseId, courseIds),
          sql`(${orders.status} = 'pending' or (${orders.status} = 'approved' and ${orders.captureStartedAt} > now() - make_interval(secs => ${CAPTURE_CLAIM_SECONDS})))`,
        ),
      )
      .limit(1);
    if (inFlight.length) return { status: "in_flight" as const };

    const [current] = await tx.select().from(orders).where(eq(orders.id, order.id)).for("update");
    const move = transition(current!.status, "approved");
    if (!move.ok) return { status: "in_flight" as const }; // settled meanwhile; the buyer's next read shows how
    await tx.update(orders).set({ status: "approved", captureStartedAt: new Date(), updatedAt: new Date() }).where(eq(orders.id, order.id));
    return { status: "claimed" as const, attempt: current!.captureAttempt };
  });
}

async function releaseClaim(db: Db, orderId: string) {
  await db.update(orders).set({ captureStartedAt: null, updatedAt: new Date() }).where(eq(orders.id, orderId));
}

/** Moves an order through the state machine (a refused move is logged, never forced). */
export async function moveOrder(db: Db, order: Pick<Order, "id">, to: Order["status"]): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(orders).where(eq(orders.id, order.id)).for("update");
    if (!current) return false;
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

async function selectedCourses(db: Db, userId: string, selection: Selection): Promise<Course[]> {
  const paid = and(eq(courses.published, true), sql`${courses.priceMinor} > 0`);
  if (selection.kind === "course") {
    return db.select().from(courses).where(and(eq(courses.id, selection.courseId), paid));
  }
  const rows = await db
    .select({ course: courses })
    .from(cartItems)
    .innerJoin(carts, eq(carts.id, cartItems.cartId))
    .innerJoin(courses, eq(courses.id, cartItems.courseId))
    .where(and(eq(carts.userId, userId), eq(courses.currency, selection.currency), paid))
    .orderBy(asc(cartItems.addedAt));
  return rows.map((r) => r.course);
}

async function ownedCourseIds(db: Db, userId: string, courseIds: string[]): Promise<Set<string>> {
  if (courseIds.length === 0) return new Set();
  const rows = await db
    .select({ courseId: enrollments.courseId })
    .from(enrollments)
    .where(and(eq(enrollments.userId, userId), inArray(enrollments.courseId, courseIds), eq(enrollments.status, "active"), eq(enrollments.mode, "full")));
  return new Set(rows.map((r) => r.courseId));
}

async function removeFromCart(db: Db, userId: string, courseIds: string[]) {
  const [cart] = await db.select({ id: carts.id }).from(carts).where(eq(carts.userId, userId));
  if (cart) await db.delete(cartItems).where(and(eq(cartItems.cartId, cart.id), inArray(cartItems.courseId, courseIds)));
}
