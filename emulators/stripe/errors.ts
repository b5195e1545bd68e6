/** Stripe's error envelope (`{"error": {type, code, message, param, doc_url, …}}`) and the statuses it rides on. */
export type StripeErrorType = "api_error" | "card_error" | "idempotency_error" | "invalid_request_error";

export class StripeError extends Error {
  constructor(
    readonly status: number,
    readonly type: StripeErrorType,
    message: string,
    readonly fields: { code?: string; param?: string; decline_code?: string; charge?: string; payment_intent?: unknown } = {},
  ) {
    super(message);
  }

  body() {
    const { code } = this.fields;
    return {
      error: {
        type: this.type,
        message: this.message,
        ...this.fields,
        ...(code ? { doc_url: `https://stripe.com/docs/error-codes/${code.replaceAll("_", "-")}` } : {}),
      },
    };
  }
}

export const missing = (resource: string, id: string, param = "id") =>
  new StripeError(404, "invalid_request_error", `No such ${resource}: '${id}'`, { code: "resource_missing", param });

export const invalid = (param: string, message: string, code = "parameter_invalid_string") =>
  new StripeError(400, "invalid_request_error", message, { code, param });

export const unknownParameters = (names: string[]) =>
  new StripeError(400, "invalid_request_error", `Received unknown parameter${names.length > 1 ? "s" : ""}: ${names.join(", ")}`, {
    code: "parameter_unknown",
    param: names[0],
  });

export const missingParameter = (param: string) =>
  new StripeError(400, "invalid_request_error", `Missing required param: ${param}.`, { code: "parameter_missing", param });
