/**
 * At-least-once delivery of outgoing notifications (webhooks and IPN share it): every message is posted off the
 * request path, retried on non-2xx or timeout along a compressed schedule, and can be delayed, duplicated,
 * dropped, forced to fail, or held and released out of order, so that tests meet the delivery behaviour
 * PayPal documents (reference §7.7) on demand rather than by luck.
 */

export interface DeliveryPolicy {
  /** Probability (0..1) that a message is delivered twice; 1 means always. */
  duplicate: number;
  /** Extra delay before the first attempt. */
  delayMs: number;
  /** Probability (0..1) that an attempt is lost in transit: nothing is sent and it counts as failed. */
  drop: number;
  /** The first N attempts of every message are sent but count as failed whatever the listener answers. */
  failFirst: number;
  /** Delay before retry k (k = 1..n); after the last one the delivery is given up. */
  retryDelaysMs: readonly number[];
  /** Seed for the duplicate/drop dice, for reproducible runs. */
  seed: number | undefined;
}

export type ReleaseOrder = "fifo" | "reverse" | "shuffle";

export interface OutgoingMessage {
  /** The event id (webhooks) or IPN message id; shared by duplicates and retries. */
  messageId: string;
  type: string;
  url: string;
  /** Performs one attempt and resolves with the HTTP status; rejects on network errors and timeouts. */
  send(): Promise<number>;
}

export interface AttemptRecord {
  at: string;
  status?: number;
  error?: string;
  dropped?: true;
  forcedFailure?: true;
}

export interface DeliveryRecord {
  deliveryId: number;
  channel: string;
  messageId: string;
  type: string;
  url: string;
  duplicate: boolean;
  state: "held" | "pending" | "delivered" | "failed";
  attempts: number;
  statuses: Array<number | string>;
  log: AttemptRecord[];
}

interface Delivery {
  record: DeliveryRecord;
  message: OutgoingMessage;
  epoch: number;
}

/** A tiny seeded PRNG (mulberry32) so that a `seed` makes duplicate/drop/shuffle decisions repeatable. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class DeliveryQueue {
  private policy: DeliveryPolicy;
  private random: () => number = Math.random;
  private readonly records: DeliveryRecord[] = [];
  private held: Delivery[] = [];
  private holding = false;
  private readonly active = new Set<Delivery>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private idleWaiters: Array<() => void> = [];
  private nextId = 1;
  /** Bumped by reset(): completions of attempts started before it are ignored. */
  private epoch = 0;

  constructor(
    readonly channel: string,
    private readonly defaultRetryDelaysMs: readonly number[],
  ) {
    this.policy = this.defaultPolicy();
  }

  private defaultPolicy(): DeliveryPolicy {
    return { duplicate: 0, delayMs: 0, drop: 0, failFirst: 0, retryDelaysMs: this.defaultRetryDelaysMs, seed: undefined };
  }

  setPolicy(update: Partial<DeliveryPolicy>): DeliveryPolicy {
    this.policy = { ...this.policy, ...update };
    if (update.seed !== undefined) this.random = seededRandom(update.seed);
    return this.policy;
  }

  currentPolicy(): DeliveryPolicy {
    return this.policy;
  }

  enqueue(message: OutgoingMessage): void {
    const copies = this.random() < this.policy.duplicate ? 2 : 1;
    for (let copy = 0; copy < copies; copy++) {
      const delivery: Delivery = {
        message,
        epoch: this.epoch,
        record: {
          deliveryId: this.nextId++,
          channel: this.channel,
          messageId: message.messageId,
          type: message.type,
          url: message.url,
          duplicate: copy > 0,
          state: this.holding ? "held" : "pending",
          attempts: 0,
          statuses: [],
          log: [],
        },
      };
      this.records.push(delivery.record);
      if (this.holding) {
        this.held.push(delivery);
      } else {
        this.active.add(delivery);
        this.schedule(delivery, this.policy.delayMs);
      }
    }
  }

  hold(): void {
    this.holding = true;
  }

  /** Stops holding and delivers what was held in the given order, one after the other. */
  async release(order: ReleaseOrder, seed?: number): Promise<number> {
    this.holding = false;
    const batch = this.held;
    this.held = [];
    if (order === "reverse") batch.reverse();
    if (order === "shuffle") {
      const random = seed === undefined ? this.random : seededRandom(seed);
      for (let i = batch.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [batch[i], batch[j]] = [batch[j] as Delivery, batch[i] as Delivery];
      }
    }
    for (const delivery of batch) {
      delivery.record.state = "pending";
      this.active.add(delivery);
    }
    // Sequential first attempts: the listener sees exactly the requested order.
    for (const delivery of batch) await this.attempt(delivery);
    return batch.length;
  }

  /** Resolves once nothing is in flight or waiting for a retry (held messages do not count), or after the timeout. */
  flush(timeoutMs: number): Promise<boolean> {
    if (this.active.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((waiter) => waiter !== done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.idleWaiters.push(done);
    });
  }

  list(): readonly DeliveryRecord[] {
    return this.records;
  }

  heldCount(): number {
    return this.held.length;
  }

  reset(): void {
    this.epoch++;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.records.length = 0;
    this.held = [];
    this.holding = false;
    this.active.clear();
    this.policy = this.defaultPolicy();
    this.random = Math.random;
    this.notifyIfIdle();
  }

  close(): void {
    this.reset();
  }

  private schedule(delivery: Delivery, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(delivery);
    }, delayMs);
    this.timers.add(timer);
  }

  private async attempt(delivery: Delivery): Promise<void> {
    const { record, message } = delivery;
    record.attempts++;
    const entry: AttemptRecord = { at: new Date().toISOString() };
    let succeeded = false;
    if (this.random() < this.policy.drop) {
      entry.dropped = true;
      record.statuses.push("dropped");
    } else {
      try {
        entry.status = await message.send();
        record.statuses.push(entry.status);
        succeeded = entry.status >= 200 && entry.status < 300;
      } catch (error) {
        entry.error = error instanceof Error && error.name === "TimeoutError" ? "timeout" : String((error as Error).message ?? error);
        record.statuses.push(entry.error === "timeout" ? "timeout" : "error");
      }
      if (record.attempts <= this.policy.failFirst) {
        entry.forcedFailure = true;
        succeeded = false;
      }
    }
    if (delivery.epoch !== this.epoch) return;
    record.log.push(entry);
    const retryDelay = this.policy.retryDelaysMs[record.attempts - 1];
    if (succeeded) {
      record.state = "delivered";
    } else if (retryDelay !== undefined) {
      this.schedule(delivery, retryDelay);
      return;
    } else {
      record.state = "failed";
    }
    this.active.delete(delivery);
    this.notifyIfIdle();
  }

  private notifyIfIdle(): void {
    if (this.active.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const waiter of waiters) waiter();
  }
}

/** One HTTP POST with a deadline; resolves with the status and always drains the response. */
export async function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<number> {
  const response = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(timeoutMs) });
  await response.arrayBuffer();
  return response.status;
}
