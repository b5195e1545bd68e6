import { describe, expect, it } from "vitest";
import { safeReturnPath } from "./forms";

describe("safeReturnPath", () => {
  it("keeps same-site paths", () => {
    expect(safeReturnPath("/courses/git-basics")).toBe("/courses/git-basics");
    expect(safeReturnPath("/cart?x=1")).toBe("/cart?x=1");
  });

  it("refuses open redirects", () => {
    for (const bad of ["https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)", "", undefined, 42]) {
      expect(safeReturnPath(bad)).toBe("/");
    }
  });
});
