import { describe, expect, it } from "vitest";
import { clientIp } from "./auth/client-ip";
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

describe("clientIp", () => {
  it("takes the entry added by the nearest trusted hop", () => {
    expect(clientIp(new Headers({ "x-forwarded-for": "203.0.113.9" }))).toBe("203.0.113.9");
    // A client-supplied entry in front of the real one is ignored.
    expect(clientIp(new Headers({ "x-forwarded-for": "1.2.3.4, 198.51.100.7" }))).toBe("198.51.100.7");
    expect(clientIp(new Headers())).toBe("unknown");
  });
});
