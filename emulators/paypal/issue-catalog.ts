/**
 * PayPal's own catalogue of error issues, read from the OpenAPI files shipped in `./openapi`.
 *
 * Each endpoint's error responses list the `details[].issue` codes it can produce together with the exact
 * `description` text, and that text differs per endpoint (e.g. `INVALID_RESOURCE_ID`). Reading the
 * catalogue instead of retyping it keeps the emulator's errors identical to PayPal's contract, and tells the
 * negative-testing header (`PayPal-Mock-Response`) which HTTP status a code has on a given endpoint.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const SPEC_FILES = [
  "checkout_orders_v2.json",
  "payments_payment_v2.json",
  "billing_subscriptions_v1.json",
  "catalogs_products_v1.json",
  "notifications_webhooks_v1.json",
];

interface IssueEntry {
  status: number;
  description: string | undefined;
}

type JsonObject = { [key: string]: unknown };
const isObject = (value: unknown): value is JsonObject => typeof value === "object" && value !== null;

function componentName(ref: unknown): string | undefined {
  return typeof ref === "string" ? ref.split("/").pop() : undefined;
}

/** Issues listed by one component schema: `properties.details.items.anyOf[].properties.issue.enum[0]`. */
function issuesOf(schema: unknown): Array<{ issue: string; description: string | undefined }> {
  if (!isObject(schema)) return [];
  const variants = (schema as { properties?: { details?: { items?: { anyOf?: unknown[] } } } }).properties?.details
    ?.items?.anyOf;
  if (!Array.isArray(variants)) return [];
  return variants.flatMap((variant) => {
    const props = isObject(variant) && isObject(variant.properties) ? variant.properties : {};
    const issue = (props.issue as { enum?: unknown[] } | undefined)?.enum?.[0];
    const description = (props.description as { enum?: unknown[] } | undefined)?.enum?.[0];
    return typeof issue === "string" ? [{ issue, description: typeof description === "string" ? description : undefined }] : [];
  });
}

function referencedComponents(schema: unknown): string[] {
  if (!isObject(schema)) return [];
  const own = componentName(schema.$ref);
  const parts = Array.isArray(schema.allOf) ? schema.allOf.flatMap(referencedComponents) : [];
  return own ? [own, ...parts] : parts;
}

export class IssueCatalog {
  /** `"POST /v2/checkout/orders/{id}/capture"` → issue → entry. */
  private readonly byEndpoint = new Map<string, Map<string, IssueEntry>>();
  /** Per spec file: the generic per-status catalogues (components named `400`, `422`, …). */
  private readonly byFile = new Map<string, Map<string, IssueEntry>>();
  private readonly fileOfEndpoint = new Map<string, string>();
  private readonly anywhere = new Map<string, IssueEntry>();

  constructor(specDirectory: string) {
    for (const file of SPEC_FILES) {
      const spec = JSON.parse(readFileSync(path.join(specDirectory, file), "utf8")) as {
        paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
        components: { schemas: Record<string, unknown> };
      };
      const schemas = spec.components.schemas;
      const generic = new Map<string, IssueEntry>();
      for (const [name, schema] of Object.entries(schemas)) {
        if (!/^\d{3}$/.test(name)) continue;
        for (const { issue, description } of issuesOf(schema)) this.remember(generic, issue, Number(name), description);
      }
      this.byFile.set(file, generic);
      for (const [route, operations] of Object.entries(spec.paths)) {
        for (const [method, operation] of Object.entries(operations)) {
          if (!isObject(operation) || !isObject(operation.responses)) continue;
          const endpoint = `${method.toUpperCase()} ${route}`;
          const entries = new Map<string, IssueEntry>();
          for (const [status, response] of Object.entries(operation.responses)) {
            if (!/^\d{3}$/.test(status) || !isObject(response)) continue;
            const schema = (response as { content?: Record<string, { schema?: unknown }> }).content?.["application/json"]?.schema;
            for (const component of referencedComponents(schema)) {
              for (const { issue, description } of issuesOf(schemas[component])) {
                this.remember(entries, issue, Number(status), description);
              }
            }
          }
          this.byEndpoint.set(endpoint, entries);
          this.fileOfEndpoint.set(endpoint, file);
        }
      }
      for (const [issue, entry] of generic) if (!this.anywhere.has(issue)) this.anywhere.set(issue, entry);
    }
    for (const entries of this.byEndpoint.values()) {
      for (const [issue, entry] of entries) if (!this.anywhere.has(issue)) this.anywhere.set(issue, entry);
    }
  }

  private remember(map: Map<string, IssueEntry>, issue: string, status: number, description: string | undefined) {
    const known = map.get(issue);
    if (!known) map.set(issue, { status, description });
    else if (known.description === undefined && description !== undefined) known.description = description;
  }

  private lookup(endpoint: string, issue: string): IssueEntry | undefined {
    const file = this.fileOfEndpoint.get(endpoint);
    return this.byEndpoint.get(endpoint)?.get(issue) ?? (file ? this.byFile.get(file)?.get(issue) : undefined);
  }

  /** PayPal's description text for `issue` as documented for `endpoint` (falls back to any documented text). */
  describe(endpoint: string, issue: string): string {
    return (
      this.lookup(endpoint, issue)?.description ??
      this.anywhere.get(issue)?.description ??
      issue.toLowerCase().replaceAll("_", " ")
    );
  }

  /** The HTTP status `endpoint` answers `issue` with, or undefined when PayPal does not list it there. */
  statusOf(endpoint: string, issue: string): number | undefined {
    return this.lookup(endpoint, issue)?.status;
  }
}

const moduleDirectory = path.dirname(fileURLToPath(import.meta.url));
let shared: IssueCatalog | undefined;

/** The catalogue built from the spec copies next to this file; parsed once per process (about 1 MB of JSON). */
export function issueCatalog(): IssueCatalog {
  shared ??= new IssueCatalog(path.join(moduleDirectory, "openapi"));
  return shared;
}
