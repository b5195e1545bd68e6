/**
 * Sandbox negative testing (reference §5): `PayPal-Mock-Response: {"mock_application_codes":"CODE"}` makes a call
 * fail with CODE's error, with the HTTP status PayPal documents for CODE on that endpoint. Like the sandbox, a bare
 * code (not JSON) does nothing, and so does a code the endpoint cannot produce.
 */
import { PayPalError } from "./errors";
import { issueCatalog } from "./issue-catalog";

/** Codes that name a whole response rather than a `details[].issue`. */
const STATUS_CODES: Readonly<Record<string, number>> = { INTERNAL_SERVER_ERROR: 500, SERVICE_UNAVAILABLE: 503 };

export function mockedFailure(header: string | string[] | undefined, endpoint: string): PayPalError | undefined {
  if (typeof header !== "string") return undefined;
  let code: unknown;
  try {
    code = (JSON.parse(header) as { mock_application_codes?: unknown }).mock_application_codes;
  } catch {
    return undefined;
  }
  if (typeof code !== "string") return undefined;
  const wholeStatus = STATUS_CODES[code];
  if (wholeStatus !== undefined) return new PayPalError(wholeStatus);
  const status = issueCatalog().statusOf(endpoint, code);
  if (status === undefined) return undefined;
  return new PayPalError(status, [{ issue: code, location: status === 404 ? "path" : "body" }]);
}
