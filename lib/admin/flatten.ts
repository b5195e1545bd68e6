/**
 * A JSON payload as rows of path → value, the way PayPal's documentation names fields
 * (`purchase_units[0].payments.captures[0].status`): every leaf, in document order, so an admin can read and
 * search every variable PayPal sent without unfolding JSON.
 */
export type FlatField = { path: string; value: string };

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

export function flattenJson(value: unknown, path = ""): FlatField[] {
  if (Array.isArray(value)) {
    if (value.length === 0) return [{ path, value: "[]" }];
    return value.flatMap((item, index) => flattenJson(item, `${path}[${index}]`));
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value);
    if (entries.length === 0) return [{ path, value: "{}" }];
    return entries.flatMap(([key, item]) => flattenJson(item, childPath(path, key)));
  }
  return [{ path, value: typeof value === "string" ? value : JSON.stringify(value) ?? "undefined" }];
}

const childPath = (parent: string, key: string) =>
  PLAIN_KEY.test(key) ? (parent ? `${parent}.${key}` : key) : `${parent}[${JSON.stringify(key)}]`;
