/**
 * Money as PayPal's v2 APIs carry it: `{currency_code, value}` with `value` a decimal string. Internally every
 * amount is an exact integer count of minor units (bigint, because PayPal allows 15 integer digits plus two
 * decimals, which exceeds Number.MAX_SAFE_INTEGER).
 */

/** PayPal's supported currencies and their decimals (JPY, HUF and TWD have none). */
const CURRENCY_DECIMALS: Readonly<Record<string, number>> = {
  AUD: 2, BRL: 2, CAD: 2, CNY: 2, CZK: 2, DKK: 2, EUR: 2, HKD: 2, HUF: 0, ILS: 2, INR: 2, JPY: 0, MYR: 2,
  MXN: 2, TWD: 0, NZD: 2, NOK: 2, PHP: 2, PLN: 2, GBP: 2, SGD: 2, SEK: 2, CHF: 2, THB: 2, USD: 2,
};

export interface Money {
  currency_code: string;
  value: string;
}

export const isSupportedCurrency = (code: string): boolean => Object.hasOwn(CURRENCY_DECIMALS, code);

export function currencyDecimals(code: string): number {
  const decimals = CURRENCY_DECIMALS[code];
  if (decimals === undefined) throw new Error(`unsupported currency ${code}`);
  return decimals;
}

/** The spec's `money.value` pattern. */
const VALUE_PATTERN = /^((-?[0-9]+)|(-?([0-9]+)?[.][0-9]+))$/;
const MAX_INTEGER_DIGITS = 15;

export type ParsedValue =
  | { ok: true; minor: bigint }
  | { ok: false; problem: "syntax" | "precision" | "too-large" };

/** Parses a money string into minor units of `currency` without ever going through floating point. */
export function parseValue(value: string, currency: string): ParsedValue {
  if (!VALUE_PATTERN.test(value) || value.length > 32) return { ok: false, problem: "syntax" };
  const negative = value.startsWith("-");
  const [integerPart = "", fraction = ""] = (negative ? value.slice(1) : value).split(".");
  const decimals = currencyDecimals(currency);
  if (fraction.length > decimals) return { ok: false, problem: "precision" };
  if (integerPart.replace(/^0+/, "").length > MAX_INTEGER_DIGITS) return { ok: false, problem: "too-large" };
  const minor = BigInt((integerPart || "0") + fraction.padEnd(decimals, "0"));
  return { ok: true, minor: negative ? -minor : minor };
}

export function formatMinor(minor: bigint, currency: string): string {
  const decimals = currencyDecimals(currency);
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(decimals + 1, "0");
  const text = decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
  return negative ? `-${text}` : text;
}

export const money = (minor: bigint, currency: string): Money => ({ currency_code: currency, value: formatMinor(minor, currency) });

/** PayPal's v1 (sale) money shape: `{total, currency}`. */
export const v1Amount = (minor: bigint, currency: string) => ({ total: formatMinor(minor, currency), currency });

/**
 * The emulator's deterministic processing fee: 3.49 % of the gross, rounded half up to a minor unit, plus
 * 49 minor units, never more than the gross. It reproduces PayPal's sandbox samples (10.00 USD → 0.84,
 * 100.00 USD → 3.98); PayPal's real fee tables vary by country and product.
 */
export function processingFee(grossMinor: bigint): bigint {
  const fee = (grossMinor * 349n + 5_000n) / 10_000n + 49n;
  return fee > grossMinor ? grossMinor : fee;
}

/** The share of the original fee PayPal returns for a (partial) refund: proportional, rounded down. */
export const refundedFee = (feeMinor: bigint, refundMinor: bigint, grossMinor: bigint): bigint =>
  grossMinor === 0n ? 0n : (feeMinor * refundMinor) / grossMinor;
