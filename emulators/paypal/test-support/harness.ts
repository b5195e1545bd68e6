/**
 * Test helpers: an emulator per test file, a REST client that checks every response against PayPal's OpenAPI
 * schemas (and PayPal's error conventions), and request bodies used across files.
 */
import { afterAll, beforeEach } from "vitest";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../index";
import { conformance } from "./conformance";

export interface ApiResponse {
  status: number;
  headers: Headers;
  // Tests read arbitrary PayPal JSON; the schema check below is what guarantees its shape.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  text: string;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as-is (e.g. malformed JSON). */
  rawBody?: string;
  headers?: Record<string, string>;
  /** Bearer token to use; `null` sends no Authorization header. Defaults to a fresh client-credentials token. */
  token?: string | null;
}

export class PayPalTestClient {
  private cachedToken: string | undefined;

  constructor(
    readonly baseUrl: string,
    private readonly clientId: string,
    private readonly clientSecret: string,
  ) {}

  basicAuth(secret = this.clientSecret): string {
    return `Basic ${Buffer.from(`${this.clientId}:${secret}`).toString("base64")}`;
  }

  async requestToken(secret?: string, body = "grant_type=client_credentials"): Promise<ApiResponse> {
    return this.raw("POST", "/v1/oauth2/token", {
      rawBody: body,
      headers: { authorization: this.basicAuth(secret), "content-type": "application/x-www-form-urlencoded" },
      token: null,
    });
  }

  async token(): Promise<string> {
    if (!this.cachedToken) {
      const response = await this.requestToken();
      if (response.status !== 200) throw new Error(`token call failed: ${response.text}`);
      this.cachedToken = response.body.access_token as string;
    }
    return this.cachedToken;
  }

  forgetToken(): void {
    this.cachedToken = undefined;
  }

  /** Any call, validated: PayPal's schema for (endpoint, status), a Paypal-Debug-Id header matching `debug_id`. */
  async raw(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== null && !Object.keys(headers).some((key) => key.toLowerCase() === "authorization")) {
      headers.authorization = `Bearer ${options.token ?? (await this.token())}`;
    }
    let payload = options.rawBody;
    if (options.body !== undefined) {
      payload = JSON.stringify(options.body);
      headers["content-type"] ??= "application/json";
    }
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body: payload });
    const text = await response.text();
    const isJson = response.headers.get("content-type")?.includes("application/json") ?? false;
    const body = isJson && text.length > 0 ? JSON.parse(text) : text;
    const debugId = response.headers.get("paypal-debug-id");
    if (!debugId) throw new Error(`${method} ${path}: no Paypal-Debug-Id header`);
    if (response.status >= 400 && body && typeof body === "object" && "debug_id" in body && body.debug_id !== debugId) {
      throw new Error(`${method} ${path}: debug_id ${body.debug_id} differs from the Paypal-Debug-Id header ${debugId}`);
    }
    conformance().validate(method, new URL(path, this.baseUrl).pathname, response.status, text.length === 0 ? undefined : body);
    return { status: response.status, headers: response.headers, body, text };
  }

  get(path: string, options?: RequestOptions) {
    return this.raw("GET", path, options);
  }

  post(path: string, body: unknown = {}, options: RequestOptions = {}) {
    return this.raw("POST", path, { ...options, body });
  }

  createOrder(body: unknown = orderBody(), headers: Record<string, string> = {}) {
    return this.post("/v2/checkout/orders", body, { headers });
  }

  capture(orderId: string, headers: Record<string, string> = {}) {
    return this.post(`/v2/checkout/orders/${orderId}/capture`, {}, { headers });
  }
}

/** A one-item course order in PayPal's create shape. */
export function orderBody(options: { value?: string; currency?: string; customId?: string; invoiceId?: string; quantity?: number } = {}) {
  const currency = options.currency ?? "USD";
  const quantity = options.quantity ?? 1;
  const unit = options.value ?? "49.00";
  const [whole = "0", fraction = ""] = unit.split(".");
  const unitMinor = BigInt(whole + fraction);
  const total = (unitMinor * BigInt(quantity)).toString().padStart(fraction.length + 1, "0");
  const value = fraction.length > 0 ? `${total.slice(0, -fraction.length)}.${total.slice(-fraction.length)}` : total;
  return {
    intent: "CAPTURE",
    purchase_units: [
      {
        custom_id: options.customId ?? "checkout-42",
        invoice_id: options.invoiceId,
        description: "Coursepay course",
        amount: { currency_code: currency, value, breakdown: { item_total: { currency_code: currency, value } } },
        items: [
          { name: "TypeScript for payments", sku: "COURSE-TS", quantity: String(quantity), category: "DIGITAL_GOODS", unit_amount: { currency_code: currency, value: unit } },
        ],
      },
    ],
  };
}

export interface EmulatorFixture {
  emulator: RunningEmulator;
  api: PayPalTestClient;
}

/**
 * One emulator for the test file (port 0), reset before each test. Returns a holder filled in before the first
 * test runs.
 */
export function useEmulator(options: EmulatorOptions = {}): EmulatorFixture {
  const fixture = {} as EmulatorFixture;
  let started: Promise<void> | undefined;
  beforeEach(async () => {
    started ??= startEmulator({ port: 0, webhookRetryDelaysMs: [50, 100, 200], ipnRetryDelaysMs: [50, 100, 200], ...options }).then((emulator) => {
      fixture.emulator = emulator;
      fixture.api = new PayPalTestClient(emulator.url, emulator.config.clientId, emulator.config.clientSecret);
    });
    await started;
    await fixture.emulator.control.reset();
    fixture.api.forgetToken();
  });
  afterAll(async () => {
    await fixture.emulator?.close();
  });
  return fixture;
}

/** An order created and approved through the control API, ready to capture. */
export async function approvedOrder(fixture: EmulatorFixture, outcome: "success" | "declined" | "pending" | "failure" = "success", body: unknown = orderBody()) {
  const created = await fixture.api.createOrder(body);
  await fixture.emulator.control.approveOrder(created.body.id, { outcome });
  return created.body.id as string;
}

/** The first capture of a captured order. */
export async function capturedOrder(fixture: EmulatorFixture, outcome: "success" | "pending" | "failure" = "success", body: unknown = orderBody()) {
  const id = await approvedOrder(fixture, outcome, body);
  const captured = await fixture.api.capture(id, { prefer: "return=representation" });
  return { orderId: id, capture: captured.body.purchase_units[0].payments.captures[0] };
}
