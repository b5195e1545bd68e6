import { describe, expect, it } from "vitest";
import { matchRefundToItems } from "./refund-matching";

const items = [
  { id: "a", amountMinor: 4900 },
  { id: "b", amountMinor: 2900 },
  { id: "c", amountMinor: 7900 },
];

describe("matching a provider-side refund to courses", () => {
  it("a refund of everything left names every remaining item", () => {
    expect(matchRefundToItems(items, 15700)).toEqual({ kind: "items", itemIds: ["a", "b", "c"] });
  });

  it("finds the single course (or the unique set of courses) the amount adds up to", () => {
    expect(matchRefundToItems(items, 2900)).toEqual({ kind: "items", itemIds: ["b"] });
    expect(matchRefundToItems(items, 7800)).toEqual({ kind: "items", itemIds: ["a", "b"] });
  });

  it("names nothing when no set of courses adds up to the amount", () => {
    expect(matchRefundToItems(items, 1000)).toEqual({ kind: "none", reason: "no-match" });
    expect(matchRefundToItems(items, 99999)).toEqual({ kind: "none", reason: "no-match" });
    expect(matchRefundToItems([], 100)).toEqual({ kind: "none", reason: "no-match" });
  });

  it("names nothing when two different sets fit (two courses at the same price)", () => {
    const twins = [
      { id: "x", amountMinor: 4900 },
      { id: "y", amountMinor: 4900 },
      { id: "z", amountMinor: 2900 },
    ];
    expect(matchRefundToItems(twins, 4900)).toEqual({ kind: "none", reason: "ambiguous" });
    expect(matchRefundToItems(twins, 7800)).toEqual({ kind: "none", reason: "ambiguous" });
    expect(matchRefundToItems(twins, 9800)).toEqual({ kind: "items", itemIds: ["x", "y"] });
  });
});
