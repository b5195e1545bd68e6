/**
 * Request-body checks that answer the way PayPal's schema layer does: a JSON pointer in `details[].field`,
 * `MISSING_REQUIRED_PARAMETER` for absent fields, `INVALID_STRING_LENGTH` for limits,
 * `INVALID_PARAMETER_SYNTAX` for wrong types and patterns, `INVALID_PARAMETER_VALUE` for unknown enum members.
 */
import { badRequest, unprocessable } from "./errors";
import { currencyDecimals, isSupportedCurrency, parseValue } from "./money";

export type JsonObject = Record<string, unknown>;

export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const shown = (value: unknown): string | undefined =>
  typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value) : undefined;

/** The request body as an object (a JSON array or scalar is a schema violation). */
export function bodyObject(body: unknown): JsonObject {
  if (!isJsonObject(body)) throw badRequest("INVALID_PARAMETER_SYNTAX", { field: "/" });
  return body;
}

export function objectField(parent: JsonObject, key: string, pointer: string, required: true): JsonObject;
export function objectField(parent: JsonObject, key: string, pointer: string, required?: false): JsonObject | undefined;
export function objectField(parent: JsonObject, key: string, pointer: string, required = false): JsonObject | undefined {
  const value = parent[key];
  if (value === undefined || value === null) {
    if (required) throw badRequest("MISSING_REQUIRED_PARAMETER", { field: `${pointer}/${key}` });
    return undefined;
  }
  if (!isJsonObject(value)) throw badRequest("INVALID_PARAMETER_SYNTAX", { field: `${pointer}/${key}`, value: shown(value) });
  return value;
}

interface ArrayRule {
  required?: boolean;
  min?: number;
  max?: number;
}

export function arrayField(parent: JsonObject, key: string, pointer: string, rule: ArrayRule = {}): unknown[] | undefined {
  const value = parent[key];
  const field = `${pointer}/${key}`;
  if (value === undefined || value === null) {
    if (rule.required) throw badRequest("MISSING_REQUIRED_PARAMETER", { field });
    return undefined;
  }
  if (!Array.isArray(value)) throw badRequest("INVALID_PARAMETER_SYNTAX", { field });
  if (rule.min !== undefined && value.length < rule.min) throw badRequest("INVALID_ARRAY_MIN_ITEMS", { field });
  if (rule.max !== undefined && value.length > rule.max) throw badRequest("INVALID_ARRAY_MAX_ITEMS", { field });
  return value;
}

export interface StringRule {
  required?: boolean;
  min?: number;
  max?: number;
  pattern?: RegExp;
  oneOf?: readonly string[];
  /** The v1 APIs (Subscriptions, Catalog) report `INVALID_STRING_MIN_LENGTH`/`_MAX_LENGTH` instead of `INVALID_STRING_LENGTH`. */
  splitLengthIssues?: boolean;
}

export function stringField(parent: JsonObject, key: string, pointer: string, rule: StringRule & { required: true }): string;
export function stringField(parent: JsonObject, key: string, pointer: string, rule?: StringRule): string | undefined;
export function stringField(parent: JsonObject, key: string, pointer: string, rule: StringRule = {}): string | undefined {
  const value = parent[key];
  const field = `${pointer}/${key}`;
  if (value === undefined || value === null) {
    if (rule.required) throw badRequest("MISSING_REQUIRED_PARAMETER", { field });
    return undefined;
  }
  if (typeof value !== "string") throw badRequest("INVALID_PARAMETER_SYNTAX", { field, value: shown(value) });
  const tooShort = rule.min !== undefined && value.length < rule.min;
  if (tooShort || (rule.max !== undefined && value.length > rule.max)) {
    const issue = rule.splitLengthIssues ? (tooShort ? "INVALID_STRING_MIN_LENGTH" : "INVALID_STRING_MAX_LENGTH") : "INVALID_STRING_LENGTH";
    throw badRequest(issue, { field, value });
  }
  if (rule.oneOf && !rule.oneOf.includes(value)) throw badRequest("INVALID_PARAMETER_VALUE", { field, value });
  if (rule.pattern && !rule.pattern.test(value)) throw badRequest("INVALID_PARAMETER_SYNTAX", { field, value });
  return value;
}

export function booleanField(parent: JsonObject, key: string, pointer: string): boolean | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw badRequest("INVALID_PARAMETER_SYNTAX", { field: `${pointer}/${key}`, value: shown(value) });
  return value;
}

export const URL_PATTERN = /^https?:\/\/[^\s]+$/;

export interface ParsedMoney {
  currency: string;
  minor: bigint;
}

interface MoneyRule {
  /** `CANNOT_BE_ZERO_OR_NEGATIVE` (amounts) versus `CANNOT_BE_NEGATIVE` (breakdown parts). */
  positive: boolean;
  /** The field pointer business errors use, e.g. `/purchase_units/@reference_id=='default'/amount/value`. */
  businessField?: string;
  /** Issue for decimals on a zero-decimal currency: Orders say `DECIMAL_PRECISION`, Payments `DECIMALS_NOT_SUPPORTED`. */
  zeroDecimalIssue?: string;
}

/** Reads a `money` object: currency first (unknown → 422 `INVALID_CURRENCY_CODE`), then the value's syntax and precision. */
export function moneyField(parent: JsonObject, key: string, pointer: string, rule: MoneyRule): ParsedMoney {
  const object = objectField(parent, key, pointer, true);
  const here = `${pointer}/${key}`;
  const currency = stringField(object, "currency_code", here, { required: true, min: 3, max: 3 });
  const value = stringField(object, "value", here, { required: true, max: 32 });
  const valueField = rule.businessField ?? `${here}/value`;
  if (!isSupportedCurrency(currency)) {
    throw unprocessable("INVALID_CURRENCY_CODE", { field: rule.businessField ? rule.businessField.replace(/value$/, "currency_code") : `${here}/currency_code`, value: currency });
  }
  const parsed = parseValue(value, currency);
  if (!parsed.ok) {
    if (parsed.problem === "syntax") throw badRequest("INVALID_PARAMETER_SYNTAX", { field: `${here}/value`, value });
    if (parsed.problem === "too-large") throw unprocessable("MAX_VALUE_EXCEEDED", { field: valueField, value });
    const zeroDecimal = currencyDecimals(currency) === 0;
    throw unprocessable(zeroDecimal && rule.zeroDecimalIssue ? rule.zeroDecimalIssue : "DECIMAL_PRECISION", { field: valueField, value });
  }
  if (parsed.minor < 0n || (rule.positive && parsed.minor === 0n)) {
    throw unprocessable(rule.positive ? "CANNOT_BE_ZERO_OR_NEGATIVE" : "CANNOT_BE_NEGATIVE", { field: valueField, value });
  }
  return { currency, minor: parsed.minor };
}
