import "server-only";
import Stripe from "stripe";
import type { Db } from "@/db/client";
import { log } from "@/lib/log";
import { appendPaymentEvent } from "@/lib/payments/events";
import type { StripeEnvironment } from "./environment";

/**
 * The official SDK, configured for one Stripe environment (the local emulator through host/port/protocol), with
 * every answer — object or error — appended raw to payment_events before the caller acts on it.
 */
export class StripeClient {
  readonly sdk: Stripe;

  constructor(
    readonly env: StripeEnvironment,
    private readonly db: Db,
  ) {
    this.sdk = new Stripe(env.secretKey, {
      ...(env.api ?? {}),
      telemetry: false,
      maxNetworkRetries: 2,
      timeout: 20_000,
      appInfo: { name: "Coursepay" },
    });
  }

  /** One SDK call, recorded under `operation` (and our order, when there is one). */
  async call<T extends object>(operation: string, orderId: string | null, fn: (sdk: Stripe) => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const result = await fn(this.sdk);
      const { lastResponse, ...raw } = result as T & { lastResponse?: { statusCode?: number; requestId?: string } };
      log.info({ stripe: { op: operation, status: lastResponse?.statusCode, requestId: lastResponse?.requestId, ms: Math.round(performance.now() - started) } }, "stripe call");
      await appendPaymentEvent(this.db, { provider: "stripe", source: "api", type: operation, orderId, httpStatus: lastResponse?.statusCode ?? 200, raw });
      return result;
    } catch (error) {
      const e = error as Stripe.errors.StripeError;
      const raw = e.raw ?? { message: e.message, type: e.type };
      log.warn({ stripe: { op: operation, status: e.statusCode ?? 0, type: e.type, code: e.code, requestId: e.requestId, ms: Math.round(performance.now() - started) } }, "stripe call failed");
      await appendPaymentEvent(this.db, { provider: "stripe", source: "api", type: operation, orderId, httpStatus: e.statusCode ?? 0, raw: { error: raw } });
      throw error;
    }
  }
}
