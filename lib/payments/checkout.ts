import "server-only";
import { and, eq, sql, type SQL, type SQLChunk, type SQLWrapper } from "drizzle-orm";
import { preparedPerDb, preparedSqlPerDb, type Db, type Queryable } from "@/db/client";
import { cartItems, carts, courses, enrollments, orderItems, orders, orderStatus, type Course, type Order } from "@/db/schema";
import { removeFromCart } from "@/lib/cart";
import { log } from "@/lib/log";
import { z } from "zod";
import { CURRENCIES, money, type Money } from "@/lib/money";
import { asBuyer, buyersOrder, buyersOrderValues, perBuyer, type Buyer } from "./buyer";
import { fulfil } from "./fulfil";
import { CHECKOUT_MESSAGES, failureMessage } from "./messages";
import { moveOrder } from "./orders";
import { transition } from "./state";
import type { PaymentProvider } from "./types";

export type CheckoutDeps = { db: Db; provider: PaymentProvider };
/** `checkoutEnabled` is false while an admin has turned payments off (lib/settings/payments.ts). */
export type StartDeps = CheckoutDeps & { checkoutEnabled: boolean };

/**
 * What the buyer pays for: the part of their cart in one currency, or one course ("Buy now").
 * This is all the browser may say — never a price; anything else it sends is dropped here.
 */
export const selectionSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("cart"), currency: z.enum(CURRENCIES) }),
  z.object({ kind: z.literal("course"), courseId: z.uuid() }),
]);
export type Selection = z.infer<typeof selectionSchema>;

/** A store selection, or an LMS learner's handoff (lib/gateway/checkout.ts): what every checkout button may send. */
export const checkoutSelectionSchema = z.union([selectionSchema, z.object({ kind: z.literal("gateway"), handoffId: z.uuid() })]);
export type CheckoutSelection = z.infer<typeof checkoutSelectionSchema>;

export type StartResult =
  | { ok: true; orderId: string; providerOrderId: string; approvalUrl?: string; removed: string[] }
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
 * removed from the cart), and so are courses whose earlier payment is still pending, with a message. Nothing
 * starts while payments are turned off.
 */
export async function startCheckout(deps: StartDeps, userId: string, selection: Selection, options: { returnUrls?: (orderId: string) => { success: string; cancel: string } } = {}): Promise<StartResult> {
  if (!deps.checkoutEnabled) return { ok: false, message: CHECKOUT_MESSAGES.paymentsUnavailable, removed: [] };
  const { db, provider } = deps;
  const { candidates, order, earlier } = await selectAndOrder(db, userId, provider, selection);
  const removed = candidates.filter((c) => c.owned);
  if (removed.length) await removeFromCart(db, userId, removed.map((c) => c.id));
  // A course whose earlier payment PayPal is still clearing is not paid for again (it stays in the cart).
  const waiting = candidates.filter((c) => !c.owned && c.pending);
  const removedTitles = [...removed, ...waiting].map((c) => c.title);
  if (!order) {
    const message = waiting.length ? CHECKOUT_MESSAGES.paymentPending : removed.length ? CHECKOUT_MESSAGES.allOwned : CHECKOUT_MESSAGES.nothingToPay;
    return { ok: false, message, removed: removedTitles };
  }

  const items = candidates.filter((c) => c.bought).map((c) => ({ courseId: c.id, sku: c.id, title: c.title, price: money(c.priceMinor, c.currency) }));
  // Providers whose page takes the money before we hear of it (Stripe) cannot be stopped at capture like PayPal:
  // an earlier unpaid page for these courses (another tab) is made unpayable before this one exists, so only one can
  // be paid. (This order has no provider order yet, so it is not among them.)
  for (const providerOrderId of earlier) await cancelCheckout(deps, userId, providerOrderId);
  return openProviderOrder(deps, order.id, order.total, items, options.returnUrls?.(order.id), removedTitles);
}

/**
 * The provider's order for our order just written (status `created`): created with an idempotency key derived from
 * our order id, so a retried call can never make a second provider order, and its id recorded on ours.
 */
export async function openProviderOrder(
  deps: CheckoutDeps,
  orderId: string,
  total: Money,
  items: { sku: string; title: string; price: Money }[],
  returnUrls: { success: string; cancel: string } | undefined,
  removed: string[] = [],
): Promise<StartResult> {
  const { db, provider } = deps;
  const result = await provider.createOrder({ orderId, total, items, requestId: `coursepay-${orderId}-create`, returnUrls });
  if (!result.ok) {
    // A refusal ends this attempt; an unknown outcome leaves it open for reconciliation to expire.
    if (result.failure.kind !== "unavailable") await moveOrder(db, { id: orderId }, "failed");
    log.warn({ orderId, failure: result.failure }, "provider order not created");
    return { ok: false, message: failureMessage(result.failure), removed };
  }
  await recordProviderOrder(db).execute({ orderId, providerOrderId: result.value.providerOrderId });
  return { ok: true, orderId, providerOrderId: result.value.providerOrderId, approvalUrl: result.value.approvalUrl, removed };
}

const recordProviderOrder = preparedPerDb((db) =>
  db
    .update(orders)
    .set({ providerOrderId: sql`${sql.placeholder("providerOrderId")}`, updatedAt: sql`now()` })
    .where(eq(orders.id, sql.placeholder("orderId")))
    .prepare("checkout_record_provider_order"),
);

export type NewOrderItem = { courseId: string | null; externalRef: string | null; title: string; price: Money };

/**
 * Our order (status `created`) and its item snapshot, in one statement — atomic without a transaction, and one
 * round trip. The prices are ones just read from the database (a verified LMS handoff); the order is a store user's
 * or a gateway handoff's. Returns the new order's id and its total (the items' sum, as the database wrote it).
 */
export async function insertOrder(db: Queryable, owner: { userId: string } | { gatewayHandoffId: string }, providerName: Order["provider"], items: NewOrderItem[]): Promise<NewOrder> {
  const [row] = await insertOrderStatement(db, {
    userId: "userId" in owner ? owner.userId : null,
    handoffId: "gatewayHandoffId" in owner ? owner.gatewayHandoffId : null,
    provider: providerName,
    items: JSON.stringify(items.map((i, position) => ({ course_id: i.courseId, external_ref: i.externalRef, title: i.title, unit_price_minor: i.price.minor, currency: i.price.currency, position }))),
  });
  const order = newOrder(row!);
  if (!order) throw new Error("An order needs items in one currency");
  return order;
}

type NewOrder = { id: string; total: Money };
type NewOrderRow = { order_id: string | null; order_total_minor: number | string | bigint | null; order_currency: string | null };
const newOrder = (row: NewOrderRow): NewOrder | null =>
  row.order_id ? { id: row.order_id, total: money(Number(row.order_total_minor), row.order_currency!) } : null;

/**
 * The order row and its items, as the two data-modifying CTEs every order insert ends with. They read `buying`
 * (course_id, external_ref, title, unit_price_minor, currency, position), which the statement defines first; the
 * order's total is the items' sum, its currency theirs, its course list theirs in order. No items, or items in more
 * than one currency: no order. The statement then selects `order_id`, `order_total_minor` and `order_currency`
 * from `new_order`.
 */
const orderInsert = (owner: { userId: SQLChunk; handoffId: SQLChunk }, provider: SQLChunk) => sql`
  new_order as (
    insert into ${orders} (user_id, gateway_handoff_id, status, currency, total_minor, provider, course_ids)
    select ${owner.userId}::uuid, ${owner.handoffId}::uuid, 'created', min(currency), sum(unit_price_minor), ${provider},
           coalesce(array_agg(course_id order by position) filter (where course_id is not null), '{}')
    from buying
    having count(*) > 0 and count(distinct currency) = 1
    returning id, total_minor, currency
  ),
  new_items as (
    insert into ${orderItems} (order_id, course_id, external_ref, title, unit_price_minor, currency)
    select new_order.id, buying.course_id, buying.external_ref, buying.title, buying.unit_price_minor, buying.currency
    from new_order, buying
  )`;
const newOrderColumns = sql`(select id from new_order) as order_id, (select total_minor from new_order) as order_total_minor, (select currency from new_order) as order_currency`;

/**
 * insertOrder's statement, rendered once per database handle: the items (any number of them) arrive as one JSON
 * parameter, so a cart of one and a cart of five are the same statement.
 */
const insertOrderStatement = preparedSqlPerDb<NewOrderRow>("checkout_insert_order", () => {
  const value = (name: string) => sql.placeholder(name);
  return sql`
    with buying as (
      select * from jsonb_to_recordset(${value("items")}::jsonb) as item (course_id uuid, external_ref text, title text, unit_price_minor bigint, currency char(3), position integer)
    ),
    ${orderInsert({ userId: value("userId"), handoffId: value("handoffId") }, value("provider"))}
    select ${newOrderColumns}`;
});

/**
 * The buyer closed PayPal without approving. Our order is cancelled — unless PayPal says otherwise (an approval
 * we have not heard of yet is left for the capture paths and reconciliation), and only while it is still
 * `created`. When PayPal cannot be asked, the order stays open and reconciliation expires it later.
 */
export async function cancelCheckout(deps: CheckoutDeps, who: string | Buyer, providerOrderId: string): Promise<boolean> {
  const order = await buyersOrder(deps.db, who, deps.provider.name, providerOrderId);
  if (!order || order.status !== "created") return false;
  await deps.provider.abandonOrder?.({ providerOrderId, orderId: order.id });
  const truth = await deps.provider.getOrder({ providerOrderId, orderId: order.id });
  // PAYER_ACTION_REQUIRED is how PayPal shows an order created with an experience context and not yet approved.
  // (VOIDED: the provider order can no longer be paid — a Stripe session we just expired.)
  if (!truth.ok || !["CREATED", "PAYER_ACTION_REQUIRED", "VOIDED"].includes(truth.value.status)) return false;
  return moveOrder(deps.db, order, "cancelled", "created");
}

/**
 * Captures an approved provider order for its owner. Safe to call twice at once, after a reload, after a
 * network failure and from several app instances: the idempotency key is stable per capture attempt, the
 * provider captures an order once, and fulfil() applies the result once.
 */
export async function captureCheckout(deps: CheckoutDeps, who: string | Buyer, providerOrderId: string): Promise<CaptureResult> {
  const buyer = asBuyer(who);
  const [found] = await buyersOrderClaim(deps.db, buyer).execute(buyersOrderValues(buyer, deps.provider.name, providerOrderId));
  // Someone else's order looks exactly like an unknown one: nothing is revealed and nothing changes.
  if (!found) return { ok: false, kind: "refused", message: CHECKOUT_MESSAGES.notFound };
  // Not claimed when read: settled (the answer without a capture call), or not claimable for a reason
  // claimCapture would have given as "in flight".
  return settledResult(found.order) ?? captureClaimed(deps, found.order, found.claim ? asClaim(found.claim) : { status: "in_flight" });
}

/** The capture step itself, also used when PayPal tells us about an approval the browser never reported. */
export async function captureOrder(deps: CheckoutDeps, order: Order): Promise<CaptureResult> {
  return settledResult(order) ?? captureClaimed(deps, order, await claimCapture(deps.db, order));
}

/** The rest of a capture once the claim is decided: the provider's capture under the claim, or why not. */
async function captureClaimed(deps: CheckoutDeps, order: Order, claim: Claim): Promise<CaptureResult> {
  const { db, provider } = deps;
  if (claim.status === "owned") {
    await moveOrder(db, order, "cancelled");
    return { ok: false, kind: "refused", orderId: order.id, message: CHECKOUT_MESSAGES.allOwned };
  }
  if (claim.status === "in_flight") {
    // Often the order settled meanwhile — the APPROVED webhook captured it while the buyer's browser was on
    // its way: then the buyer simply gets the result.
    const [current] = await db.select().from(orders).where(eq(orders.id, order.id));
    return (current && settledResult(current)) || { ok: false, kind: "refused", orderId: order.id, message: CHECKOUT_MESSAGES.otherPaymentInFlight };
  }

  const requestId = `coursepay-${order.id}-capture-${claim.attempt}`;
  const captured = await provider.captureOrder({ providerOrderId: order.providerOrderId!, orderId: order.id, requestId });

  if (captured.ok) {
    const applied = await fulfil(db, captured.value);
    if (applied.outcome === "mismatch") return { ok: false, kind: "refused", orderId: order.id, message: CHECKOUT_MESSAGES.underReview };
    // fulfil() read the order under its lock and reports the status it left it in: no need to read it again.
    const status = applied.outcome === "applied" ? applied.to : applied.outcome === "unknown_order" ? null : applied.status;
    const current = status ? { ...order, status } : (await db.select().from(orders).where(eq(orders.id, order.id)))[0]!;
    return settledResult(current) ?? { ok: true, orderId: order.id, status: "processing" };
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
 * another of their orders for one of these courses is being captured or is pending. Two such claims take turns on
 * the buyer's row, so two tabs (or two instances) cannot both charge for the same course. The guard is the
 * database's `claim_capture` (migration 0018, where the reasoning is): one round trip, no transaction held open
 * from here.
 */
type Claim = { status: "claimed"; attempt: number } | { status: "owned" } | { status: "in_flight" };

/** The statuses from which the state machine lets an order become "approved" (claimed), as a PostgreSQL array. */
const CLAIMABLE = `{${orderStatus.enumValues.filter((status) => transition(status, "approved").ok).join(",")}}`;

type ClaimRow = { outcome: "claimed" | "owned" | "in_flight"; attempt: number | null };
const asClaim = (row: ClaimRow): Claim => (row.outcome === "claimed" ? { status: "claimed", attempt: row.attempt! } : { status: row.outcome });

/** The claim call, for a placeholder or column standing for the order's id. */
const claimCall = (orderId: SQL | SQLWrapper) => sql`claim_capture(${orderId}, ${CLAIMABLE}::order_status[], ${CAPTURE_CLAIM_SECONDS}::integer)`;

const claimStatement = preparedSqlPerDb<ClaimRow>("checkout_claim_capture", () => sql`select outcome, attempt from ${claimCall(sql`${sql.placeholder("orderId")}::uuid`)}`);

async function claimCapture(db: Db, order: Order): Promise<Claim> {
  const [claim] = await claimStatement(db, { orderId: order.id });
  return asClaim(claim!);
}

/**
 * The buyer's order by its provider order id and, when it is claimable, its capture claim — one round trip for
 * the buyer's "Pay". The claim is a subquery of the select list: PostgreSQL evaluates it only for a row the WHERE
 * kept (the buyer's own order; someone else's is never claimed), and its own WHERE, on the outer row alone, is
 * checked before the function runs. The order's columns are as read before the claim, as when they were two
 * statements; the claim itself re-checks the status under the row's lock.
 */
const buyersOrderClaim = perBuyer((db, buyersOrder, shape) =>
  db
    .select({
      order: orders,
      claim: sql<ClaimRow | null>`(select json_build_object('outcome', claim.outcome, 'attempt', claim.attempt) from ${claimCall(orders.id)} as claim where ${orders.status} = any(${CLAIMABLE}::order_status[]))`,
    })
    .from(orders)
    .where(buyersOrder)
    .prepare(`checkout_buyers_order_claim_${shape}`),
);

async function releaseClaim(db: Db, orderId: string) {
  await db.update(orders).set({ captureStartedAt: null, updatedAt: new Date() }).where(eq(orders.id, orderId));
}

type Candidate = Pick<Course, "id" | "title" | "priceMinor" | "currency"> & { owned: boolean; pending: boolean; bought: boolean };

/**
 * The selected paid courses, each with whether the buyer already owns it (an active full enrollment), whether an
 * earlier payment for it is still pending, and whether it was bought — and our order (status `created`) with its
 * items for those neither owned nor pending, written in the same statement: one round trip, prices straight from the
 * courses table. Only what an order needs is read: a course's page (body, instructor, outcomes, search vector) is
 * kilobytes a checkout would fetch and parse for nothing.
 */
async function selectAndOrder(
  db: Db,
  userId: string,
  provider: PaymentProvider,
  selection: Selection,
): Promise<{ candidates: Candidate[]; order: NewOrder | null; earlier: string[] }> {
  const values = { userId, provider: provider.name, abandons: provider.abandonOrder !== undefined };
  const rows =
    selection.kind === "course"
      ? await courseSelection(db, { ...values, courseId: selection.courseId })
      : await cartSelection(db, { ...values, currency: selection.currency });
  const candidates = rows.map((r) => ({ id: r.id, title: r.title, priceMinor: Number(r.price_minor), currency: r.currency, owned: r.owned, pending: r.pending, bought: r.bought }));
  const order = rows[0] ? newOrder(rows[0]) : null;
  if (!order && candidates.some((c) => c.bought)) throw new Error("An order needs items in one currency");
  return { candidates, order, earlier: rows[0]?.earlier ?? [] };
}

type CandidateRow = NewOrderRow & {
  id: string;
  title: string;
  price_minor: number | string | bigint;
  currency: string;
  owned: boolean;
  pending: boolean;
  bought: boolean;
  earlier: string[] | null;
};

/** selectAndOrder's statement for one selection kind, with `candidate` (the courses, each with a position) given. */
function selectionStatement(name: string, candidates: (columns: SQL) => SQL) {
  return preparedSqlPerDb<CandidateRow>(name, () => {
    const userId = sql`${sql.placeholder("userId")}::uuid`;
    const owned = sql`exists (select 1 from ${enrollments} where ${enrollments.userId} = ${userId} and ${enrollments.courseId} = ${courses.id} and ${enrollments.status} = 'active' and ${enrollments.mode} = 'full') as owned`;
    // For a provider whose page takes the money before we hear of it (`abandons`): the buyer's earlier unpaid checkouts
    // with it for any of these courses. (The statement's snapshot does not show the order it writes.)
    const earlier = sql`case when ${sql.placeholder("abandons")}::boolean then array(
      select ${orders.providerOrderId} from ${orders}
      where ${orders.userId} = ${userId} and ${orders.provider} = ${sql.placeholder("provider")} and ${orders.status} = 'created'
        and ${orders.providerOrderId} is not null and ${orders.courseIds} && array(select course_id from buying)) end`;
    const pending = sql`exists (select 1 from ${orderItems} as pending_item join ${orders} as pending_order on pending_order.id = pending_item.order_id
      where pending_item.course_id = ${courses.id} and pending_order.user_id = ${userId} and pending_order.status = 'pending') as pending`;
    return sql`
      with candidate as (${candidates(sql`${courses.id}, ${courses.title}, ${courses.priceMinor}, ${courses.currency}, ${owned}, ${pending}`)}),
      buying as (
        select id as course_id, null::text as external_ref, title, price_minor as unit_price_minor, currency, position
        from candidate where not owned and not pending
      ),
      ${orderInsert({ userId, handoffId: sql`null` }, sql.placeholder("provider"))}
      select candidate.id, candidate.title, candidate.price_minor, candidate.currency, candidate.owned, candidate.pending,
             exists (select 1 from buying where buying.course_id = candidate.id) as bought, ${newOrderColumns}, ${earlier} as earlier
      from candidate order by candidate.position`;
  });
}
const paid = sql`${courses.published} and ${courses.priceMinor} > 0`;
const courseSelection = selectionStatement(
  "checkout_course_selection",
  (columns) => sql`select ${columns}, 1 as position from ${courses} where ${courses.id} = ${sql.placeholder("courseId")}::uuid and ${paid}`,
);
const cartSelection = selectionStatement(
  "checkout_cart_selection",
  (columns) => sql`
    select ${columns}, row_number() over (order by ${cartItems.addedAt}) as position
    from ${cartItems} join ${carts} on ${carts.id} = ${cartItems.cartId} join ${courses} on ${courses.id} = ${cartItems.courseId}
    where ${carts.userId} = ${sql.placeholder("userId")}::uuid and ${courses.currency} = ${sql.placeholder("currency")} and ${paid}`,
);
