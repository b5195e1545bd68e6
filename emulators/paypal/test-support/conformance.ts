/**
 * Response conformance: validates bodies against PayPal's own OpenAPI 3.0 files (the copies in `../openapi`),
 * choosing the schema by endpoint and HTTP status (falling back to the operation's `default` error schema).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";

export const SPEC_DIRECTORY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../openapi");
export const SPEC_FILES = [
  "checkout_orders_v2.json",
  "payments_payment_v2.json",
  "billing_subscriptions_v1.json",
  "catalogs_products_v1.json",
  "notifications_webhooks_v1.json",
] as const;

interface Operation {
  file: string;
  template: string;
  method: string;
  responses: Record<string, { $ref?: string; content?: Record<string, unknown> }>;
}

const escapePointer = (segment: string) => segment.replaceAll("~", "~0").replaceAll("/", "~1");

export class Conformance {
  private readonly ajv: Ajv;
  private readonly operations: Operation[] = [];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(directory = SPEC_DIRECTORY) {
    // OpenAPI 3.0 is not JSON Schema: `nullable` is supported natively by Ajv, while `discriminator`, `example`,
    // `x-*` and OpenAPI-only formats are annotations, so strict mode is off and unknown formats are ignored. Some of
    // PayPal's patterns (the email one) are not valid under the `u` flag, hence `unicodeRegExp: false`.
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true, logger: false, unicodeRegExp: false });
    addFormats(this.ajv);
    for (const file of SPEC_FILES) {
      const spec = JSON.parse(readFileSync(path.join(directory, file), "utf8")) as { paths: Record<string, Record<string, Operation["responses"] | { responses: Operation["responses"] }>> };
      this.ajv.addSchema(spec, file);
      for (const [template, operations] of Object.entries(spec.paths)) {
        for (const [method, operation] of Object.entries(operations)) {
          const responses = (operation as { responses?: Operation["responses"] }).responses;
          if (responses) this.operations.push({ file, template, method: method.toUpperCase(), responses });
        }
      }
    }
  }

  /** The spec operation for a concrete request, e.g. `POST /v2/checkout/orders/5O19…/capture`. */
  operationFor(method: string, pathname: string): Operation | undefined {
    const segments = pathname.split("/").filter(Boolean);
    return this.operations.find((operation) => {
      if (operation.method !== method) return false;
      const pattern = operation.template.split("/").filter(Boolean);
      return pattern.length === segments.length && pattern.every((part, i) => part.startsWith("{") || part === segments[i]);
    });
  }

  /**
   * Throws with Ajv's errors when `body` does not match the schema for (method, path, status). Returns the schema
   * location used, or undefined when the endpoint is not in PayPal's specs (token call, emulator-only routes).
   */
  validate(method: string, pathname: string, status: number, body: unknown): string | undefined {
    const operation = this.operationFor(method, pathname);
    if (!operation) return undefined;
    // A POST replayed with a used PayPal-Request-Id answers 200 with the 201 body; some operations list only 201.
    const replayOf201 = status === 200 && method === "POST" && !operation.responses["200"] && operation.responses["201"];
    const statusKey = replayOf201 ? "201" : operation.responses[String(status)] ? String(status) : "default";
    let response = operation.responses[statusKey];
    if (!response) throw new Error(`${method} ${operation.template}: the spec defines no ${status} or default response`);
    let pointer = `#/paths/${escapePointer(operation.template)}/${operation.method.toLowerCase()}/responses/${statusKey}`;
    if (response.$ref) {
      pointer = response.$ref;
      response = { content: { "application/json": {} } };
    }
    if (!response.content?.["application/json"]) {
      if (body !== undefined && body !== "") throw new Error(`${method} ${operation.template} ${status}: the spec defines no body, got ${JSON.stringify(body)}`);
      return pointer;
    }
    const location = `${operation.file}${pointer}/content/application~1json/schema`;
    let validator = this.compiled.get(location);
    if (!validator) {
      validator = this.ajv.compile({ $ref: location });
      this.compiled.set(location, validator);
    }
    if (!validator(body)) {
      throw new Error(
        `${method} ${pathname} ${status} does not conform to ${location}:\n${JSON.stringify(validator.errors?.slice(0, 8), null, 2)}\nbody: ${String(JSON.stringify(body)).slice(0, 2000)}`,
      );
    }
    return location;
  }
}

let shared: Conformance | undefined;
export const conformance = (): Conformance => (shared ??= new Conformance());
