import { describe, expect, it } from "vitest";
import { actionLabel, detailLines } from "./audit-format";

describe("audit log display", () => {
  it("labels known actions and shows unknown ones as stored", () => {
    expect(actionLabel("course.created")).toBe("Course created");
    expect(actionLabel("something.new")).toBe("something.new");
    expect(actionLabel("toString")).toBe("toString");
  });

  it("shows changes as before → after, and only the new value for a creation", () => {
    expect(
      detailLines({
        title: { before: "Git", after: "Git basics" },
        published: { before: false, after: true },
        slug: { before: null, after: "git" },
      }),
    ).toEqual([
      { key: "title", value: "Git → Git basics" },
      { key: "published", value: "no → yes" },
      { key: "slug", value: "git" },
    ]);
  });

  it("shows amounts next to a currency as money, and keeps lines short", () => {
    const lines = detailLines({ refundId: "r-1", courseIds: ["a", "b"], amountMinor: 1250, currency: "USD", reason: null, note: "x\n".repeat(200) });
    expect(lines.slice(0, 4)).toEqual([
      { key: "refund id", value: "r-1" },
      { key: "course ids", value: "a, b" },
      { key: "amount", value: "$12.50" },
      { key: "reason", value: "—" },
    ]);
    expect(lines[4]!.value).toHaveLength(120);
    expect(lines[4]!.value.endsWith("…")).toBe(true);
    expect(detailLines({ amountMinor: 1500, currency: "JPY" })).toEqual([{ key: "amount", value: "¥1,500" }]);
    expect(detailLines({ currency: "USD" })).toEqual([{ key: "currency", value: "USD" }]);
  });

  it("copes with empty and unusual details", () => {
    expect(detailLines(null)).toEqual([]);
    expect(detailLines({})).toEqual([]);
    expect(detailLines("text")).toEqual([{ key: "details", value: "text" }]);
    expect(detailLines({ nested: { a: [1, { b: 2 }] } })).toEqual([{ key: "nested", value: '{"a":[1,{"b":2}]}' }]);
  });
});
