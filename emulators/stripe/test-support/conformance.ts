/**
 * Response conformance for the Stripe emulator: every object it answers or delivers is checked against the matching
 * component schema of Stripe's published OpenAPI document (the parts kept in `../reference/openapi-subset.json`).
 * The schema is chosen by the object's own `object` field, as Stripe's clients do; an error body by its `error` key.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import Ajv, { type ValidateFunction } from "ajv";

const SUBSET = path.resolve(import.meta.dirname, "../reference/openapi-subset.json");

type Schema = Record<string, unknown>;

/** Every `$ref` target named inside `value`. */
function refsIn(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => refsIn(v, into));
  else if (value && typeof value === "object") {
    for (const [key, inner] of Object.entries(value)) {
      if (key === "$ref" && typeof inner === "string") into.add(inner.split("/").pop()!);
      else refsIn(inner, into);
    }
  }
  return into;
}

/**
 * Two OpenAPI 3.0 habits of Stripe's document, made explicit for Ajv: `nullable` beside `anyOf` with no `type`
 * (Ajv wants a `type`) becomes a `null` branch, and a nullable `enum` lists `null` (Stripe's own samples hold null
 * in such fields, e.g. `charge.outcome.advice_code`).
 */
function nullableAnyOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(nullableAnyOf);
  if (!value || typeof value !== "object") return value;
  const { nullable, ...rest } = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, nullableAnyOf(v)])) as Schema;
  if (nullable && !("type" in rest) && Array.isArray(rest.anyOf)) return { ...rest, anyOf: [...rest.anyOf, { type: "null" }] };
  if (nullable && Array.isArray(rest.enum)) return { ...rest, nullable, enum: [...rest.enum, null] };
  return nullable === undefined ? rest : { ...rest, nullable };
}

export class StripeConformance {
  private readonly validators = new Map<string, ValidateFunction>();
  /** Schema name → how many objects were validated against it, so a test can show what it covered. */
  readonly covered = new Map<string, number>();

  constructor(file = SUBSET) {
    const document = nullableAnyOf(JSON.parse(readFileSync(file, "utf8"))) as { components: { schemas: Record<string, Schema> } };
    const schemas = document.components.schemas;
    // Schemas the subset names but does not hold (billing_details, payment_method_details, …) are accepted as any
    // object: Stripe's own samples in fixtures3.json cover their insides, field by field.
    for (const missing of refsIn(schemas)) schemas[missing] ??= { type: "object" };
    const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
    // Stripe's two custom formats carry real rules: currencies are lowercase ISO codes and times are Unix *seconds*.
    ajv.addFormat("currency", /^[a-z]{3}$/);
    ajv.addFormat("unix-time", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= 1e9 && n < 1e10 });
    ajv.addSchema(document, "stripe");
    for (const name of Object.keys(schemas)) {
      this.validators.set(name, ajv.compile({ $ref: `stripe#/components/schemas/${name.replaceAll("~", "~0").replaceAll("/", "~1")}` }));
    }
  }

  /** The schema a body is checked against, or undefined when the subset has none for it (e.g. a line `item`). */
  schemaFor(body: unknown): string | undefined {
    if (!body || typeof body !== "object") return undefined;
    const record = body as Record<string, unknown>;
    if ("error" in record) return "error";
    return typeof record.object === "string" && this.validators.has(record.object) ? record.object : undefined;
  }

  /**
   * Problems found in `body` (empty when it conforms). Lists are checked item by item; an event's `data.object` is
   * checked as the object it carries, so a webhook's payload is held to the same schemas as the API's answers.
   */
  check(body: unknown, where = "body"): string[] {
    const record = body as Record<string, unknown> | null;
    if (record?.object === "list" && Array.isArray(record.data)) return record.data.flatMap((item, i) => this.check(item, `${where}.data[${i}]`));
    const name = this.schemaFor(body);
    if (!name) return [];
    const validate = this.validators.get(name)!;
    this.covered.set(name, (this.covered.get(name) ?? 0) + 1);
    const problems = validate(body) ? [] : (validate.errors ?? []).map((e) => `${where} (${name})${e.instancePath} ${e.message}${e.params && "allowedValues" in e.params ? ` ${JSON.stringify(e.params.allowedValues)}` : ""}`);
    if (name === "event") problems.push(...this.check((record!.data as { object?: unknown } | undefined)?.object, `${where}.data.object`));
    return problems;
  }
}
