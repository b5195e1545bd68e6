import { describe, expect, it } from "vitest";
import { flattenJson } from "./flatten";

describe("flattenJson", () => {
  it("names nested fields the way PayPal's documentation does", () => {
    const order = { id: "5O190127TN364715T", purchase_units: [{ payments: { captures: [{ status: "COMPLETED", amount: { value: "10.00" } }] } }] };
    expect(flattenJson(order)).toEqual([
      { path: "id", value: "5O190127TN364715T" },
      { path: "purchase_units[0].payments.captures[0].status", value: "COMPLETED" },
      { path: "purchase_units[0].payments.captures[0].amount.value", value: "10.00" },
    ]);
  });

  it("keeps scalars' types readable and shows empty containers", () => {
    expect(flattenJson({ n: 1, b: false, z: null, a: [], o: {} })).toEqual([
      { path: "n", value: "1" },
      { path: "b", value: "false" },
      { path: "z", value: "null" },
      { path: "a", value: "[]" },
      { path: "o", value: "{}" },
    ]);
  });

  it("quotes keys that are not identifiers, so every path is unambiguous", () => {
    expect(flattenJson({ "paypal-debug-id": "x", "two words": { "a.b": 1 } })).toEqual([
      { path: "paypal-debug-id", value: "x" },
      { path: '["two words"]["a.b"]', value: "1" },
    ]);
  });

  it("flattens a top-level array and a bare scalar", () => {
    expect(flattenJson([{ a: 1 }, "x"])).toEqual([
      { path: "[0].a", value: "1" },
      { path: "[1]", value: "x" },
    ]);
    expect(flattenJson("VERIFIED")).toEqual([{ path: "", value: "VERIFIED" }]);
  });
});
