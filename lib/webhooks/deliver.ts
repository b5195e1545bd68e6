import "server-only";
import { Webhook } from "standardwebhooks";
import { z } from "zod";
import type { Db } from "@/db/client";
import { WEBHOOK_EVENT_TYPES, webhookDeliveries, type OutboxJob, type WebhookEndpoint } from "@/db/schema";
import type { JobOutcome } from "@/lib/outbox";
import { endpointById, endpointSecret } from "./endpoints";

const TIMEOUT_MS = 10_000;

const payloadSchema = z.object({
  endpointId: z.uuid(),
  id: z.string().min(1),
  type: z.enum([...WEBHOOK_EVENT_TYPES, "webhook.test"]),
  timestamp: z.string(),
  data: z.unknown(),
});
export type OutgoingEvent = Omit<z.infer<typeof payloadSchema>, "endpointId">;

export type DeliveryResult = { ok: boolean; status: number | null; durationMs: number; error: string | null };

/**
 * One delivery attempt, as the Standard Webhooks specification describes it: the body is `{type, timestamp, data}`,
 * signed by the maintained `standardwebhooks` library over `webhook-id`, `webhook-timestamp` (the time of this
 * attempt, so a receiver's replay window holds for retries) and the body. Every attempt is logged with its status and
 * response time. A 2xx answer is done; anything else is tried again later.
 */
export async function deliverEvent(db: Db, endpoint: WebhookEndpoint, event: OutgoingEvent, fetchImpl: typeof fetch = fetch): Promise<DeliveryResult> {
  const body = JSON.stringify({ type: event.type, timestamp: event.timestamp, data: event.data });
  const now = new Date();
  const headers = {
    "content-type": "application/json",
    "user-agent": "Coursepay-Webhooks/1",
    "webhook-id": event.id,
    "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
    "webhook-signature": new Webhook(endpointSecret(endpoint)).sign(event.id, now, body),
  };
  const started = performance.now();
  let status: number | null = null;
  let excerpt: string | null = null;
  let error: string | null = null;
  try {
    const response = await fetchImpl(endpoint.url, { method: "POST", headers, body, redirect: "manual", signal: AbortSignal.timeout(TIMEOUT_MS) });
    status = response.status;
    excerpt = (await response.text()).slice(0, 500);
  } catch (failure) {
    error = failure instanceof Error ? `${failure.name}: ${failure.message}` : String(failure);
  }
  const durationMs = Math.round(performance.now() - started);
  await db.insert(webhookDeliveries).values({ endpointId: endpoint.id, messageId: event.id, eventType: event.type, httpStatus: status, durationMs, responseExcerpt: excerpt, error });
  return { ok: status !== null && status >= 200 && status < 300, status, durationMs, error };
}

/** The outbox handler of `webhook.deliver`. An endpoint deleted or turned off meanwhile is not called. */
export async function deliverEventJob(db: Db, job: OutboxJob, fetchImpl: typeof fetch = fetch): Promise<JobOutcome> {
  const parsed = payloadSchema.safeParse(job.payload);
  if (!parsed.success) return { ok: false, retry: false, error: "malformed webhook job" };
  const { endpointId, ...event } = parsed.data;
  const endpoint = await endpointById(db, endpointId);
  if (!endpoint || !endpoint.enabled) return { ok: true };
  const result = await deliverEvent(db, endpoint, event, fetchImpl);
  return result.ok ? { ok: true } : { ok: false, retry: true, error: result.error ?? `the endpoint answered ${result.status}` };
}

/** The admin's "Send test event": one `webhook.test` delivery now, logged like any other. */
export function sendTestEvent(db: Db, endpoint: WebhookEndpoint, fetchImpl: typeof fetch = fetch): Promise<DeliveryResult> {
  return deliverEvent(db, endpoint, { id: `msg_webhook.test_${crypto.randomUUID()}`, type: "webhook.test", timestamp: new Date().toISOString(), data: { message: "A test event from Coursepay." } }, fetchImpl);
}
