/**
 * Every REST call the emulator answered, newest last, for tests that assert on what the app sent
 * (e.g. "the capture carried PayPal-Request-Id capture-<order>").
 */

export interface CallRecord {
  method: string;
  path: string;
  /** The HTTP status sent, or null when a fault dropped the connection instead. */
  status: number | null;
  requestId: string | null;
  body: unknown;
  time: string;
  debugId: string;
  fault?: string;
}

/** Enough for any test; bounded so long benchmarks do not grow without limit. */
const MAX_CALLS = 10_000;

export class CallLog {
  private calls: CallRecord[] = [];

  record(call: CallRecord): void {
    this.calls.push(call);
    if (this.calls.length > MAX_CALLS) this.calls = this.calls.slice(-MAX_CALLS / 2);
  }

  list(filter: { path?: string | null; method?: string | null }): CallRecord[] {
    return this.calls.filter(
      (call) =>
        (!filter.path || call.path.startsWith(filter.path)) && (!filter.method || call.method === filter.method.toUpperCase()),
    );
  }

  reset(): void {
    this.calls = [];
  }
}
