import { describe, expect, it } from "vitest";
import {
  add,
  fromStripe,
  toStripe,
  exponent,
  formatMoney,
  fromPayPal,
  money,
  MoneyError,
  parseDecimal,
  subtract,
  sum,
  toPayPal,
  toPayPalValue,
  totalsByCurrency,
} from "./index";

describe("currency exponents (PayPal's table)", () => {
  it.each([
    ["USD", 2],
    ["EUR", 2],
    ["JPY", 0],
    ["HUF", 0],
    ["TWD", 0],
  ] as const)("%s has %i decimals", (code, decimals) => {
    expect(exponent(code)).toBe(decimals);
  });

  it("refuses currencies PayPal does not support", () => {
    expect(() => money(100, "XYZ")).toThrow(MoneyError);
    expect(() => money(100, "usd")).not.toThrow(); // normalised
  });
});

describe("PayPal value strings", () => {
  it.each([
    [1999, "USD", "19.99"],
    [5, "USD", "0.05"],
    [0, "EUR", "0.00"],
    [100000, "EUR", "1000.00"],
    [4800, "JPY", "4800"],
    [1500, "HUF", "1500"],
    [99, "TWD", "99"],
    [-250, "USD", "-2.50"],
  ] as const)("%i %s → %s", (minor, currency, value) => {
    expect(toPayPalValue(money(minor, currency))).toBe(value);
  });

  it("round-trips through PayPal's money object", () => {
    for (const m of [money(1999, "USD"), money(4800, "JPY"), money(1, "EUR"), money(9_007_199_254_740_991, "USD")]) {
      expect(fromPayPal(toPayPal(m))).toEqual(m);
    }
  });
});

describe("parseDecimal", () => {
  it("parses exactly, without floating point", () => {
    expect(parseDecimal("0.1", "USD").minor + parseDecimal("0.2", "USD").minor).toBe(30);
    expect(parseDecimal("19.99", "USD").minor).toBe(1999);
    expect(parseDecimal("5.5", "EUR").minor).toBe(550);
    expect(parseDecimal("10", "USD").minor).toBe(1000);
    expect(parseDecimal(" 4800 ", "JPY").minor).toBe(4800);
    expect(parseDecimal("90071992547409.91", "USD").minor).toBe(9_007_199_254_740_991);
  });

  it("refuses more decimals than the currency has, instead of rounding", () => {
    expect(() => parseDecimal("19.999", "USD")).toThrow(/at most 2 decimals/);
    expect(() => parseDecimal("4800.0", "JPY")).toThrow(/no decimals/);
    expect(() => parseDecimal("1.5", "HUF")).toThrow(/no decimals/);
  });

  it("refuses things that are not decimal amounts", () => {
    for (const bad of ["", "abc", "1,000.00", "1e3", "1.2.3", "$5", ".5.", "Infinity"]) {
      expect(() => parseDecimal(bad, "USD"), bad).toThrow(MoneyError);
    }
    expect(() => parseDecimal("99999999999999999", "USD")).toThrow(/out of range/);
  });
});

describe("arithmetic", () => {
  it("adds and subtracts within one currency", () => {
    expect(add(money(1999, "USD"), money(1, "USD"))).toEqual(money(2000, "USD"));
    expect(subtract(money(1000, "EUR"), money(250, "EUR"))).toEqual(money(750, "EUR"));
    expect(sum([money(4900, "USD"), money(2900, "USD"), money(7900, "USD")], "USD")).toEqual(money(15700, "USD"));
  });

  it("never mixes currencies", () => {
    expect(() => add(money(1, "USD"), money(1, "EUR"))).toThrow(/Currency mismatch/);
  });

  it("groups totals per currency in first-seen order", () => {
    const totals = totalsByCurrency([money(4900, "USD"), money(3900, "EUR"), money(2900, "USD"), money(4800, "JPY")]);
    expect(totals).toEqual([money(7800, "USD"), money(3900, "EUR"), money(4800, "JPY")]);
  });

  it("refuses non-integer minor units", () => {
    expect(() => money(19.99, "USD")).toThrow(MoneyError);
    expect(() => money(Number.MAX_SAFE_INTEGER + 1, "USD")).toThrow(MoneyError);
  });
});

describe("formatMoney", () => {
  it("formats with the currency's own decimals", () => {
    expect(formatMoney(money(1999, "USD"))).toBe("$19.99");
    expect(formatMoney(money(3900, "EUR"))).toBe("€39.00");
    expect(formatMoney(money(4800, "JPY"))).toBe("¥4,800");
    expect(formatMoney(money(1500, "HUF"))).toMatch(/^HUF\s1,500$/);
    expect(formatMoney(money(3900, "EUR"), "de-DE")).toMatch(/^39,00\s€$/);
  });

  it("is exact for amounts a float cannot hold", () => {
    expect(formatMoney(money(Number.MAX_SAFE_INTEGER, "USD"))).toBe("$90,071,992,547,409.91");
  });
});

describe("Stripe amounts", () => {
  it("counts JPY whole, and HUF/TWD (whole for PayPal) in hundredths, as Stripe does", () => {
    expect(toStripe(money(4900, "USD"))).toEqual({ amount: 4900, currency: "usd" });
    expect(toStripe(money(4800, "JPY"))).toEqual({ amount: 4800, currency: "jpy" });
    expect(toStripe(money(1500, "HUF"))).toEqual({ amount: 150000, currency: "huf" });
    expect(fromStripe(150000, "huf")).toEqual(money(1500, "HUF"));
    expect(fromStripe(4800, "jpy")).toEqual(money(4800, "JPY"));
    expect(() => fromStripe(150050, "huf")).toThrow(/not a whole amount/);
  });
});
