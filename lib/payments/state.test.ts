import { describe, expect, it } from "vitest";
import { orderStatus } from "@/db/schema";
import { FINISHED_STATUSES, isFinal, ORDER_TRANSITIONS, transition, UNFINISHED_STATUSES } from "./state";

describe("order state machine", () => {
  it("covers every status of the schema enum", () => {
    expect(Object.keys(ORDER_TRANSITIONS).sort()).toEqual([...orderStatus.enumValues].sort());
  });

  it("splits every status into exactly one admin tab", () => {
    expect([...FINISHED_STATUSES, ...UNFINISHED_STATUSES].sort()).toEqual([...orderStatus.enumValues].sort());
  });

  it.each([
    ["created", "approved"],
    ["approved", "completed"],
    ["approved", "pending"],
    ["pending", "completed"],
    ["pending", "failed"],
    ["completed", "partially_refunded"],
    ["partially_refunded", "refunded"],
    ["completed", "reversed"],
    ["created", "expired"],
    ["created", "cancelled"],
  ] as const)("allows %s → %s", (from, to) => {
    expect(transition(from, to)).toMatchObject({ ok: true, changed: true });
  });

  it.each([
    ["completed", "created"],
    ["refunded", "completed"],
    ["failed", "completed"],
    ["expired", "approved"],
    ["pending", "approved"],
    ["reversed", "refunded"],
    ["cancelled", "completed"],
  ] as const)("refuses %s → %s with a reason", (from, to) => {
    const result = transition(from, to);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(`${from} to ${to}`);
  });

  it("treats staying put as an idempotent no-op (duplicate notifications)", () => {
    expect(transition("completed", "completed")).toEqual({ ok: true, from: "completed", to: "completed", changed: false });
    expect(transition("refunded", "refunded")).toMatchObject({ ok: true, changed: false });
  });

  it("counts each further partial refund as a change", () => {
    expect(transition("partially_refunded", "partially_refunded")).toMatchObject({ ok: true, changed: true });
  });

  it("has no way out of a final status", () => {
    for (const status of orderStatus.enumValues) {
      expect(isFinal(status)).toBe(ORDER_TRANSITIONS[status].length === 0);
    }
    expect(isFinal("refunded")).toBe(true);
    expect(isFinal("approved")).toBe(false);
  });
});
