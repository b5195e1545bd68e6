/**
 * PayPal's error envelope (reference §4.1): a fixed `name`/`message` per HTTP status, the stable machine code
 * in `details[].issue`, a `debug_id` that also travels in the `Paypal-Debug-Id` header, and an
 * `information_link`. OAuth failures use the OAuth shape instead (§2.3).
 */
import { issueCatalog } from "./issue-catalog";

const STATUS_NAMES: Readonly<Record<number, readonly [name: string, message: string]>> = {
  400: ["INVALID_REQUEST", "Request is not well-formed, syntactically incorrect, or violates schema."],
  401: ["AUTHENTICATION_FAILURE", "Authentication failed due to missing authorization header, or invalid authentication credentials."],
  403: ["NOT_AUTHORIZED", "Authorization failed due to insufficient permissions."],
  404: ["RESOURCE_NOT_FOUND", "The specified resource does not exist."],
  405: ["METHOD_NOT_SUPPORTED", "The server does not implement the requested HTTP method."],
  409: ["RESOURCE_CONFLICT", "The server has detected a conflict while processing this request."],
  415: ["UNSUPPORTED_MEDIA_TYPE", "The server does not support the request payload's media type."],
  422: ["UNPROCESSABLE_ENTITY", "The requested action could not be performed, semantically incorrect, or failed business validation."],
  429: ["RATE_LIMIT_REACHED", "Too many requests. Blocked due to rate limiting."],
  500: ["INTERNAL_SERVER_ERROR", "An internal server error occurred."],
  503: ["SERVICE_UNAVAILABLE", "Service Unavailable."],
};

/** The spec's `error_location` enum. */
export type IssueLocation = "body" | "path" | "query";

export interface IssueDetail {
  issue: string;
  field?: string;
  value?: string;
  location?: IssueLocation;
  /** Overrides the catalogue text where one issue has several meanings on one endpoint. */
  description?: string;
}

/** A PayPal REST error; thrown by handlers and rendered by the server with the endpoint's own texts. */
export class PayPalError extends Error {
  constructor(
    readonly status: number,
    readonly details: readonly IssueDetail[] = [],
  ) {
    super(details[0]?.issue ?? STATUS_NAMES[status]?.[0] ?? `HTTP ${status}`);
  }
}

/** An OAuth 2.0 error body (`{error, error_description}`), used by the token endpoint and bearer checks. */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

export const badRequest = (issue: string, detail: Omit<IssueDetail, "issue"> = {}) =>
  new PayPalError(400, [{ issue, location: "body", ...detail }]);
export const unprocessable = (issue: string, detail: Omit<IssueDetail, "issue"> = {}) =>
  new PayPalError(422, [{ issue, location: "body", ...detail }]);
export const resourceNotFound = () => new PayPalError(404, [{ issue: "INVALID_RESOURCE_ID", location: "path" }]);
export const requestInProgress = () => new PayPalError(409, [{ issue: "PREVIOUS_REQUEST_IN_PROGRESS" }]);
export const malformedJson = () => badRequest("MALFORMED_REQUEST_JSON");

/** Which API's documentation an information link points at, from the endpoint's path. */
function documentationBase(endpoint: string): string {
  const route = endpoint.slice(endpoint.indexOf(" ") + 1);
  if (route.startsWith("/v2/checkout")) return "https://developer.paypal.com/api/rest/reference/orders/v2/errors/#";
  if (route.startsWith("/v2/payments")) return "https://developer.paypal.com/docs/api/payments/v2/#error-";
  if (route.startsWith("/v1/billing")) return "https://developer.paypal.com/docs/api/subscriptions/v1/#error-";
  if (route.startsWith("/v1/catalogs")) return "https://developer.paypal.com/docs/api/catalog-products/v1/#error-";
  return "https://developer.paypal.com/docs/api/webhooks/v1/#error-";
}

export function errorBody(error: PayPalError, endpoint: string, debugId: string): Record<string, unknown> {
  const [name, message] = STATUS_NAMES[error.status] ?? STATUS_NAMES[500]!;
  const catalog = issueCatalog();
  const details = error.details.map(({ description, ...detail }) => ({
    ...detail,
    description: description ?? catalog.describe(endpoint, detail.issue),
  }));
  const linkTopic = details[0]?.issue ?? name;
  return {
    name,
    message,
    debug_id: debugId,
    ...(details.length > 0 ? { details } : {}),
    links: [{ href: `${documentationBase(endpoint)}${linkTopic}`, rel: "information_link", method: "GET" }],
  };
}
