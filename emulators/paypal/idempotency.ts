/**
 * `PayPal-Request-Id` (reference §3.6). A key first seen is claimed while its request runs; a concurrent request
 * with the same key gets 409 `PREVIOUS_REQUEST_IN_PROGRESS`; a later one gets the *current* state of what the
 * first request produced, with 200. Only successful (2xx) results are kept: after a 4xx/5xx the key is free
 * again and a retry runs the operation anew (PayPal's behaviour here is unconfirmed; this is the choice that
 * lets an app retry a declined capture with the same key once the buyer picked another funding source).
 */
import type { Clock } from "./clock";
import type { Reply } from "./router";

type Entry = { state: "in-progress" } | { state: "done"; replay: () => Reply; expiresAt: number };

export type Claim = { kind: "new" } | { kind: "in-progress" } | { kind: "replay"; reply: Reply };

export class IdempotencyKeys {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: Clock) {}

  claim(key: string): Claim {
    const entry = this.entries.get(key);
    if (entry?.state === "in-progress") return { kind: "in-progress" };
    if (entry?.state === "done" && entry.expiresAt > this.clock.now()) return { kind: "replay", reply: entry.replay() };
    this.entries.set(key, { state: "in-progress" });
    return { kind: "new" };
  }

  complete(key: string, reply: Reply, retentionSeconds: number): void {
    if (reply.status >= 200 && reply.status < 300 && reply.replay) {
      this.entries.set(key, { state: "done", replay: reply.replay, expiresAt: this.clock.now() + retentionSeconds * 1000 });
    } else {
      this.entries.delete(key);
    }
  }

  release(key: string): void {
    if (this.entries.get(key)?.state === "in-progress") this.entries.delete(key);
  }

  reset(): void {
    this.entries.clear();
  }
}
