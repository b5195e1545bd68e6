import "server-only";
import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Db, Queryable } from "@/db/client";
import { gatewayCalls, gatewayConnections, gatewayHandoffs, orders, outboxJobs, type GatewayHandoff, type Order, type OutboxJob } from "@/db/schema";
import { flagForAttention } from "@/lib/payments/orders";
import { PAID_STATUSES } from "@/lib/payments/state";
import type { JobOutcome } from "@/lib/outbox";
import { dedupeKeys, JOB_KINDS } from "@/lib/outbox/jobs";
import { connectionApiKey } from "./connections";

const payloadSchema = z.object({ handoffId: z.uuid(), orderId: z.uuid() });
const CALL_TIMEOUT_MS = 15_000;

/** An LMS answer that means "this learner is in the class already": the goal is reached, nothing to retry. */
function alreadyEnrolled(status: number, body: unknown): boolean {
  return status === 409 || (status === 400 && /already\s+enrol+ed/i.test(JSON.stringify(body ?? "")));
}

/**
 * The outbox handler of `lms.enrol`: `POST <enrolment API>?api_key=…` with `class=<class>&user=<sub>`, as
 * OpenLearning's enrolment API takes it. Every attempt is recorded (request without the key, answer, time) before
 * its outcome is decided. Done on 2xx and on "already enrolled"; retried on network errors, timeouts, 429 and 5xx;
 * any other answer is a refusal a person must look at (the job gives up and shows in Admin → Outbox). An order
 * refunded before its enrolment went out is not enrolled at all.
 */
export async function enrolAtLms(db: Db, job: OutboxJob, fetchImpl: typeof fetch = fetch): Promise<JobOutcome> {
  const payload = payloadSchema.safeParse(job.payload);
  if (!payload.success) return { ok: false, retry: false, error: "malformed job payload" };
  const [row] = await db
    .select({ handoff: gatewayHandoffs, connection: gatewayConnections, orderStatus: orders.status })
    .from(gatewayHandoffs)
    .innerJoin(gatewayConnections, eq(gatewayConnections.id, gatewayHandoffs.connectionId))
    .innerJoin(orders, and(eq(orders.id, payload.data.orderId), eq(orders.gatewayHandoffId, gatewayHandoffs.id)))
    .where(eq(gatewayHandoffs.id, payload.data.handoffId));
  if (!row) return { ok: false, retry: false, error: "handoff or order not found" };
  const { handoff, connection } = row;
  if (handoff.enrolledAt) return { ok: true };
  if (!PAID_STATUSES.includes(row.orderStatus)) return { ok: true }; // refunded or reversed before we got here

  const url = new URL(connection.enrolmentUrl);
  const shown = new URL(url);
  shown.searchParams.set("api_key", "[redacted]");
  url.searchParams.set("api_key", connectionApiKey(connection));
  const body = new URLSearchParams({ class: handoff.lmsClass, user: handoff.sub });
  const request = { method: "POST", url: shown.toString(), headers: { accept: "application/json", "content-type": "application/x-www-form-urlencoded" }, body: body.toString() };

  const started = performance.now();
  let status: number | null = null;
  let answer: unknown = null;
  let error: string | null = null;
  try {
    const response = await fetchImpl(url, { method: "POST", headers: request.headers, body, signal: AbortSignal.timeout(CALL_TIMEOUT_MS) });
    status = response.status;
    const text = await response.text();
    try {
      answer = text ? JSON.parse(text) : null;
    } catch {
      answer = { text: text.slice(0, 4000) };
    }
  } catch (failure) {
    error = failure instanceof Error ? `${failure.name}: ${failure.message}` : String(failure);
  }
  const durationMs = Math.round(performance.now() - started);
  await db.insert(gatewayCalls).values({ handoffId: handoff.id, request, httpStatus: status, response: answer as object | null, error, durationMs });

  if (status !== null && ((status >= 200 && status < 300) || alreadyEnrolled(status, answer))) {
    await db.update(gatewayHandoffs).set({ enrolledAt: new Date() }).where(and(eq(gatewayHandoffs.id, handoff.id), isNull(gatewayHandoffs.enrolledAt)));
    return { ok: true };
  }
  if (status === null) return { ok: false, retry: true, error: `no answer from the LMS: ${error}` };
  return { ok: false, retry: status === 429 || status >= 500, error: `the LMS answered ${status}: ${JSON.stringify(answer).slice(0, 500)}` };
}

/**
 * After a completed refund or a reversal of an LMS learner's order: the learner should leave the class, and the
 * seed's enrolment API has no call for that — so the order is flagged for a person, with what to do, and the
 * handoff says removal is needed. Nothing to do when the enrolment never went out.
 */
export async function noteLmsRemoval(tx: Queryable, order: Pick<Order, "id" | "gatewayHandoffId">, reason: "refunded" | "chargeback"): Promise<void> {
  if (!order.gatewayHandoffId) return;
  const [handoff] = await tx
    .update(gatewayHandoffs)
    .set({ removalNeededAt: new Date() })
    .where(and(eq(gatewayHandoffs.id, order.gatewayHandoffId), isNull(gatewayHandoffs.removalNeededAt)))
    .returning();
  if (!handoff?.enrolledAt) return;
  const [connection] = await tx.select({ name: gatewayConnections.name }).from(gatewayConnections).where(eq(gatewayConnections.id, handoff.connectionId));
  await flagForAttention(
    tx,
    order.id,
    `${reason === "chargeback" ? "Charged back" : "Refunded"}: remove learner ${handoff.sub} from class ${handoff.lmsClass} in ${connection?.name ?? "the LMS"} by hand (its enrolment API cannot un-enrol).`,
  );
}

export type EnrolmentState = "awaiting_payment" | "enrolling" | "enrolled" | "failed" | "not_needed";

/** Where a handoff's LMS enrolment stands, from its handoff and its outbox job (none before the payment). */
export async function enrolmentState(db: Queryable, handoff: Pick<GatewayHandoff, "id" | "enrolledAt">): Promise<{ state: EnrolmentState; lastError: string | null }> {
  if (handoff.enrolledAt) return { state: "enrolled", lastError: null };
  const [job] = await db
    .select({ status: outboxJobs.status, lastError: outboxJobs.lastError })
    .from(outboxJobs)
    .where(and(eq(outboxJobs.kind, JOB_KINDS.lmsEnrol), eq(outboxJobs.dedupeKey, dedupeKeys.lmsEnrol(handoff.id))));
  if (!job) return { state: "awaiting_payment", lastError: null };
  if (job.status === "dead") return { state: "failed", lastError: job.lastError };
  if (job.status === "done") return { state: "not_needed", lastError: null };
  return { state: "enrolling", lastError: job.lastError };
}

/** Every call made to the LMS for a handoff, oldest first (the admin's raw record). */
export async function callsOf(db: Queryable, handoffIds: string[]) {
  if (handoffIds.length === 0) return [];
  return db.select().from(gatewayCalls).where(inArray(gatewayCalls.handoffId, handoffIds)).orderBy(asc(gatewayCalls.id));
}
