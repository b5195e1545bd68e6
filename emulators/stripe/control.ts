/** The control API (`/__emulator/…`) as a typed client, for tests and the dev launcher. */
export class StripeEmulatorControl {
  constructor(private readonly url: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.url}/__emulator${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json()) as T;
    if (!response.ok) throw new Error(`Stripe emulator control ${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  }

  reset = () => this.call("POST", "/reset");
  setLatency = (ms: number) => this.call("POST", "/latency", { ms });
  advanceClock = (seconds: number) => this.call("POST", "/clock/advance", { seconds });
  fault = (fault: { method?: string; path: string; phase?: "before" | "after"; kind?: "http500" | "drop"; count?: number }) => this.call("POST", "/faults", fault);
  calls = () => this.call<{ calls: { method: string; path: string; status: number | null; idempotencyKey: string | null; fault?: string }[] }>("GET", "/calls").then((r) => r.calls);
  deliveries = () => this.call<{ deliveries: { eventId: string; type: string; attempts: number; statuses: (number | string)[]; state: string }[] }>("GET", "/deliveries").then((r) => r.deliveries);
  setDeliveryPolicy = (policy: { duplicate?: boolean; drop?: number; hold?: boolean; retryDelaysMs?: number[]; failFirst?: number }) => this.call("POST", "/webhooks/policy", policy);
  releaseDeliveries = (order: "fifo" | "reverse" | "shuffle" = "fifo") => this.call<{ released: number }>("POST", "/webhooks/release", { order });
  flush = (timeoutMs = 10_000) => this.call<{ idle: boolean }>("POST", "/webhooks/flush", { timeoutMs });
  session = (id: string) => this.call<Record<string, unknown>>("GET", `/sessions/${id}`);
  pay = (id: string, method: { card?: string; bankAccount?: string; email?: string } = {}) => this.call<{ ok: boolean; message?: string }>("POST", `/sessions/${id}/pay`, method);
  settle = (id: string, succeed?: boolean) => this.call("POST", `/sessions/${id}/settle`, succeed === undefined ? {} : { succeed });
  refundFromDashboard = (chargeId: string, amount?: number) => this.call<{ id: string }>("POST", `/charges/${chargeId}/refund`, amount === undefined ? {} : { amount });
  dispute = (chargeId: string, reason?: string) => this.call<{ id: string }>("POST", `/charges/${chargeId}/dispute`, { reason });
  closeDispute = (disputeId: string, status: "won" | "lost") => this.call("POST", `/disputes/${disputeId}/close`, { status });
}
