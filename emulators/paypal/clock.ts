/**
 * The emulator's clock: wall time plus an offset that tests move forward (`POST /__emulator/clock`) to reach
 * order expiry (3 h), token expiry and idempotency-key retention without waiting.
 */
export class Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }

  reset(): void {
    this.offsetMs = 0;
  }
}

/** RFC 3339 with whole seconds, the way PayPal writes `create_time`/`update_time` on resources. */
export const resourceTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/** RFC 3339 with milliseconds, the way PayPal writes a webhook event's `create_time`. */
export const eventTime = (ms: number): string => new Date(ms).toISOString();
