/**
 * Events and their signed delivery. Every state change is an event (`evt_…`, the full object in `data.object`);
 * each is posted to the endpoint with `Stripe-Signature: t=<unix seconds>,v1=<HMAC-SHA256 hex of "t.body" keyed
 * with the whole whsec_… secret>`, retried with backoff on non-2xx or network errors. A delivery policy can
 * duplicate, drop, delay or hold deliveries (released in order, reversed or shuffled) for tests.
 */
import { createHmac } from "node:crypto";
import { newId } from "./ids";
import { API_VERSION } from "./objects";

export type StripeEvent = {
  id: string;
  object: "event";
  api_version: string;
  created: number;
  data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
};

export type DeliveryPolicy = { duplicate: boolean; drop: number; hold: boolean; retryDelaysMs: number[]; failFirst: number };
export type DeliveryRecord = { eventId: string; type: string; attempts: number; statuses: (number | string)[]; state: "pending" | "held" | "delivered" | "failed" };

export function signature(secret: string, payload: string, timestamp: number): string {
  const v1 = createHmac("sha256", secret).update(`${timestamp}.${payload}`, "utf8").digest("hex");
  return `t=${timestamp},v1=${v1}`;
}

const DEFAULT_POLICY: DeliveryPolicy = { duplicate: false, drop: 0, hold: false, retryDelaysMs: [50, 200, 1000, 3000], failFirst: 0 };

export class Events {
  readonly all: StripeEvent[] = [];
  readonly deliveries: DeliveryRecord[] = [];
  policy: DeliveryPolicy = { ...DEFAULT_POLICY };
  private held: { event: StripeEvent; record: DeliveryRecord }[] = [];
  private inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly config: { webhookUrl: string | null; webhookSecret: string },
    private readonly now: () => number,
  ) {}

  emit(type: string, object: Record<string, unknown>, request: { idempotencyKey?: string | null } = {}, previous?: Record<string, unknown>): StripeEvent {
    const event: StripeEvent = {
      id: newId("evt_1"),
      object: "event",
      api_version: API_VERSION,
      created: this.now(),
      data: { object: structuredClone(object), ...(previous ? { previous_attributes: previous } : {}) },
      livemode: false,
      pending_webhooks: this.config.webhookUrl ? 1 : 0,
      request: { id: request.idempotencyKey === undefined ? null : newId("req"), idempotency_key: request.idempotencyKey ?? null },
      type,
    };
    this.all.unshift(event);
    if (this.config.webhookUrl) {
      const copies = this.policy.duplicate ? 2 : 1;
      for (let i = 0; i < copies; i++) {
        const record: DeliveryRecord = { eventId: event.id, type, attempts: 0, statuses: [], state: this.policy.hold ? "held" : "pending" };
        this.deliveries.push(record);
        if (this.policy.hold) this.held.push({ event, record });
        else this.track(this.deliver(event, record));
      }
    }
    return event;
  }

  release(order: "fifo" | "reverse" | "shuffle" = "fifo"): number {
    const batch = this.held.splice(0);
    if (order === "reverse") batch.reverse();
    if (order === "shuffle") batch.sort(() => Math.random() - 0.5);
    for (const { event, record } of batch) {
      record.state = "pending";
      this.track(this.deliver(event, record));
    }
    return batch.length;
  }

  /** Waits until no delivery is under way (held ones excepted). */
  async flush(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.inFlight.size && Date.now() < deadline) await Promise.race([...this.inFlight, new Promise((r) => setTimeout(r, 50))]);
    return this.inFlight.size === 0;
  }

  reset(): void {
    this.all.length = 0;
    this.deliveries.length = 0;
    this.held = [];
    this.policy = { ...DEFAULT_POLICY };
  }

  close(): void {
    this.closed = true;
  }

  private track(promise: Promise<void>) {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise));
  }

  private async deliver(event: StripeEvent, record: DeliveryRecord): Promise<void> {
    const payload = JSON.stringify(event, null, 2);
    const delays = [0, ...this.policy.retryDelaysMs];
    for (const delay of delays) {
      if (delay) await new Promise((r) => setTimeout(r, delay));
      if (this.closed) return;
      record.attempts++;
      if (Math.random() < this.policy.drop) {
        record.statuses.push("dropped");
        continue;
      }
      try {
        const response = await fetch(this.config.webhookUrl!, {
          method: "POST",
          headers: { "content-type": "application/json; charset=utf-8", "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)", "stripe-signature": signature(this.config.webhookSecret, payload, this.now()) },
          body: payload,
          signal: AbortSignal.timeout(10_000),
        });
        await response.arrayBuffer();
        record.statuses.push(response.status);
        if (record.attempts <= this.policy.failFirst) continue;
        if (response.ok) {
          record.state = "delivered";
          return;
        }
      } catch (error) {
        record.statuses.push(String((error as Error).message));
      }
    }
    record.state = "failed";
  }
}
