/**
 * PayPal's failures as typed values. PayPal answers errors in two shapes — the REST envelope
 * `{name, message, debug_id, details[{issue, description}]}` and the OAuth shape `{error, error_description}`
 * — and sometimes no answer at all (timeouts, dropped connections). All three become a PayPalError here;
 * branch on `issue`, never on human text.
 */
import type { ProviderFailure, ProviderResult } from "@/lib/payments/types";

export class PayPalError extends Error {
  override name = "PayPalError";
  constructor(
    message: string,
    readonly kind: "api" | "network" | "protocol",
    /** HTTP status; 0 when there was no response. */
    readonly status: number,
    /** The first machine-readable issue (details[0].issue, or the envelope name / OAuth error). */
    readonly issue: string,
    readonly debugId: string | null,
  ) {
    super(message);
  }

  static fromResponse(status: number, body: unknown, debugId: string | null): PayPalError {
    const b = (body ?? {}) as { name?: string; message?: string; details?: { issue?: string }[]; error?: string; error_description?: string; debug_id?: string };
    const issue = b.details?.[0]?.issue ?? b.error ?? b.name ?? `HTTP_${status}`;
    const message = b.message ?? b.error_description ?? `PayPal answered ${status}`;
    return new PayPalError(message, "api", status, issue, debugId ?? b.debug_id ?? null);
  }

  static network(detail: string): PayPalError {
    return new PayPalError(detail, "network", 0, "NETWORK_ERROR", null);
  }
}

/** Transient: the same request (same PayPal-Request-Id) may be sent again. */
export function isRetryable(error: PayPalError): boolean {
  if (error.kind === "network") return true;
  if (error.status === 429 || error.status >= 500) return true;
  return error.status === 409 && error.issue === "PREVIOUS_REQUEST_IN_PROGRESS";
}

const NOT_FOUND = new Set(["INVALID_RESOURCE_ID", "RESOURCE_NOT_FOUND"]);
const DECLINED = new Set(["INSTRUMENT_DECLINED", "REDIRECT_PAYER_FOR_ALTERNATE_FUNDING", "PAYER_ACTION_REQUIRED"]);

/** The one mapping from PayPal's issues to what the payment domain understands. */
export function toFailure(error: PayPalError): ProviderFailure {
  if (error.kind !== "api" || isRetryable(error)) return { kind: "unavailable", detail: `${error.issue}: ${error.message}` };
  if (DECLINED.has(error.issue)) return { kind: "declined" };
  if (error.issue === "ORDER_NOT_APPROVED") return { kind: "not_approved" };
  if (error.status === 404 || NOT_FOUND.has(error.issue)) return { kind: "not_found" };
  return { kind: "rejected", issue: error.issue, detail: error.message };
}

/** PayPal's thrown errors become failure values at the provider boundary; anything else is a bug and is rethrown. */
export async function attempt<T>(fn: () => Promise<T>): Promise<ProviderResult<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    if (error instanceof PayPalError) return { ok: false, failure: toFailure(error) };
    throw error;
  }
}
