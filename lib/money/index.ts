/**
 * Money as integer minor units + ISO-4217 currency. Never floats: parsing and formatting work on the
 * decimal string digit by digit, and arithmetic is on safe integers only.
 *
 * The exponent table is PayPal's, not ISO's: PayPal treats HUF and TWD as zero-decimal currencies
 * ("decimal amounts cause an error"), although ISO-4217 gives them two.
 */

const EXPONENTS = {
  AUD: 2, BRL: 2, CAD: 2, CNY: 2, CZK: 2, DKK: 2, EUR: 2, GBP: 2, HKD: 2, HUF: 0, ILS: 2, INR: 2,
  JPY: 0, MXN: 2, MYR: 2, NOK: 2, NZD: 2, PHP: 2, PLN: 2, SEK: 2, SGD: 2, CHF: 2, THB: 2, TWD: 0, USD: 2,
} as const;

export type CurrencyCode = keyof typeof EXPONENTS;
export type Money = { readonly minor: number; readonly currency: CurrencyCode };

export const CURRENCIES = Object.keys(EXPONENTS).sort() as CurrencyCode[];

export class MoneyError extends Error {
  override name = "MoneyError";
}

export function isCurrencyCode(code: string): code is CurrencyCode {
  return Object.hasOwn(EXPONENTS, code);
}

export function asCurrency(code: string): CurrencyCode {
  const upper = code.trim().toUpperCase();
  if (!isCurrencyCode(upper)) throw new MoneyError(`Unsupported currency "${code}"`);
  return upper;
}

/** How many decimals the currency has (0 for JPY, HUF, TWD). */
export function exponent(currency: CurrencyCode): number {
  return EXPONENTS[currency];
}

export function money(minor: number, currency: CurrencyCode | string): Money {
  if (!Number.isSafeInteger(minor)) throw new MoneyError(`Minor units must be a safe integer, got ${minor}`);
  return { minor, currency: typeof currency === "string" ? asCurrency(currency) : currency };
}

export const zero = (currency: CurrencyCode): Money => ({ minor: 0, currency });
export const isFree = (m: Money) => m.minor === 0;

function assertSameCurrency(a: Money, b: Money) {
  if (a.currency !== b.currency) throw new MoneyError(`Currency mismatch: ${a.currency} vs ${b.currency}`);
}

function checked(minor: number, currency: CurrencyCode): Money {
  if (!Number.isSafeInteger(minor)) throw new MoneyError("Amount out of range");
  return { minor, currency };
}

export function add(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return checked(a.minor + b.minor, a.currency);
}

export function subtract(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return checked(a.minor - b.minor, a.currency);
}

export function equals(a: Money, b: Money): boolean {
  return a.currency === b.currency && a.minor === b.minor;
}

export function sum(items: readonly Money[], currency: CurrencyCode): Money {
  return items.reduce((total, m) => add(total, m), zero(currency));
}

/** Totals per currency, in first-seen order (a cart may hold courses priced in several currencies). */
export function totalsByCurrency(items: readonly Money[]): Money[] {
  const totals = new Map<CurrencyCode, Money>();
  for (const m of items) totals.set(m.currency, add(totals.get(m.currency) ?? zero(m.currency), m));
  return [...totals.values()];
}

/** The plain decimal string of an amount: 1999 USD → "19.99", 1500 JPY → "1500". */
export function toDecimalString(m: Money): string {
  const exp = exponent(m.currency);
  const negative = m.minor < 0;
  const digits = Math.abs(m.minor).toString().padStart(exp + 1, "0");
  const whole = exp === 0 ? digits : digits.slice(0, -exp);
  const fraction = exp === 0 ? "" : `.${digits.slice(-exp)}`;
  return `${negative ? "-" : ""}${whole}${fraction}`;
}

/** PayPal's `money.value`: exactly the currency's decimals ("19.99", "1500"). */
export const toPayPalValue = toDecimalString;

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * Parses a decimal string in major units ("19.99", "1500", "5.5") into minor units, exactly.
 * More decimals than the currency allows is an error, never a rounding.
 */
export function parseDecimal(value: string, currency: CurrencyCode | string): Money {
  const code = typeof currency === "string" ? asCurrency(currency) : currency;
  const match = DECIMAL.exec(value.trim());
  if (!match) throw new MoneyError(`"${value}" is not a decimal amount`);
  const [, sign, whole = "0", fraction = ""] = match;
  const exp = exponent(code);
  if (fraction.length > exp) {
    throw new MoneyError(
      exp === 0 ? `${code} amounts have no decimals` : `${code} amounts have at most ${exp} decimals`,
    );
  }
  const minor = Number(`${whole}${fraction.padEnd(exp, "0")}`);
  if (!Number.isSafeInteger(minor)) throw new MoneyError("Amount out of range");
  return { minor: sign ? -minor : minor, currency: code };
}

/** Reads a PayPal `{currency_code, value}` object. */
export function fromPayPal(amount: { currency_code: string; value: string }): Money {
  return parseDecimal(amount.value, amount.currency_code);
}

export function toPayPal(m: Money): { currency_code: CurrencyCode; value: string } {
  return { currency_code: m.currency, value: toPayPalValue(m) };
}

/**
 * Stripe counts amounts in its own minor units: zero-decimal currencies (of ours, JPY) in whole units, every other
 * currency of ours in hundredths — HUF and TWD included, which PayPal (and so our exponent table) counts whole.
 */
const STRIPE_ZERO_DECIMAL = new Set<CurrencyCode>(["JPY"]);
const stripeFactor = (currency: CurrencyCode) => 10 ** ((STRIPE_ZERO_DECIMAL.has(currency) ? 0 : 2) - exponent(currency));

export function toStripe(m: Money): { amount: number; currency: string } {
  return { amount: checked(m.minor * stripeFactor(m.currency), m.currency).minor, currency: m.currency.toLowerCase() };
}

export function fromStripe(amount: number, currency: string): Money {
  const code = asCurrency(currency);
  const factor = stripeFactor(code);
  if (!Number.isSafeInteger(amount) || amount % factor !== 0) throw new MoneyError(`${amount} ${currency} is not a whole amount in ${code}`);
  return money(amount / factor, code);
}

const formatters = new Map<string, Intl.NumberFormat>();

/** Localised display, e.g. "$19.99", "¥1,500", "€9.50". Formats the exact decimal string, not a float. */
export function formatMoney(m: Money, locale = "en-US"): string {
  const key = `${locale}:${m.currency}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    const exp = exponent(m.currency);
    formatter = new Intl.NumberFormat(locale, {
      style: "currency",
      currency: m.currency,
      minimumFractionDigits: exp,
      maximumFractionDigits: exp,
    });
    formatters.set(key, formatter);
  }
  // Intl accepts decimal strings and formats them without converting through a binary float.
  return formatter.format(toDecimalString(m) as unknown as number);
}
