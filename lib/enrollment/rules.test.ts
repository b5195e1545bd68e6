import { describe, expect, it } from "vitest";
import { canGetCertificate, canViewContent, decideEnrollment, type CourseFacts } from "./rules";

const free: CourseFacts = { published: true, priceMinor: 0, auditable: false };
const paid: CourseFacts = { published: true, priceMinor: 4900, auditable: false };
const auditable: CourseFacts = { published: true, priceMinor: 4900, auditable: true };

describe("free enrollment", () => {
  it("grants a full enrollment in a free course", () => {
    expect(decideEnrollment("free", free, null)).toEqual({ kind: "grant", mode: "full" });
  });

  it("never enrolls a paid course for free", () => {
    expect(decideEnrollment("free", paid, null)).toEqual({ kind: "refuse", reason: "not_free" });
    expect(decideEnrollment("free", auditable, { mode: "audit", status: "active" })).toEqual({ kind: "refuse", reason: "not_free" });
  });

  it("is idempotent for someone already enrolled", () => {
    expect(decideEnrollment("free", free, { mode: "full", status: "active" })).toEqual({ kind: "already", mode: "full" });
  });

  it("re-grants after a revocation", () => {
    expect(decideEnrollment("free", free, { mode: "full", status: "revoked" })).toEqual({ kind: "grant", mode: "full" });
  });

  it("treats unpublished and unknown courses as not found", () => {
    expect(decideEnrollment("free", { ...free, published: false }, null)).toEqual({ kind: "refuse", reason: "not_found" });
    expect(decideEnrollment("free", null, null)).toEqual({ kind: "refuse", reason: "not_found" });
  });
});

describe("audit enrollment", () => {
  it("grants an audit of an auditable paid course", () => {
    expect(decideEnrollment("audit", auditable, null)).toEqual({ kind: "grant", mode: "audit" });
  });

  it("refuses courses that are not auditable", () => {
    expect(decideEnrollment("audit", paid, null)).toEqual({ kind: "refuse", reason: "not_auditable" });
  });

  it("points free courses to full enrollment", () => {
    expect(decideEnrollment("audit", { ...free, auditable: true }, null)).toEqual({ kind: "refuse", reason: "free_course" });
  });

  it("never downgrades a full enrollment to an audit", () => {
    expect(decideEnrollment("audit", auditable, { mode: "full", status: "active" })).toEqual({ kind: "refuse", reason: "already_enrolled" });
  });

  it("is idempotent and allows auditing after a refund revoked the purchase", () => {
    expect(decideEnrollment("audit", auditable, { mode: "audit", status: "active" })).toEqual({ kind: "already", mode: "audit" });
    expect(decideEnrollment("audit", auditable, { mode: "full", status: "revoked" })).toEqual({ kind: "grant", mode: "audit" });
  });
});

describe("access", () => {
  it("lets audits read content but not get certificates", () => {
    expect(canViewContent({ mode: "audit", status: "active" })).toBe(true);
    expect(canGetCertificate({ mode: "audit", status: "active" })).toBe(false);
    expect(canGetCertificate({ mode: "full", status: "active" })).toBe(true);
  });

  it("gives nothing to revoked or missing enrollments", () => {
    expect(canViewContent({ mode: "full", status: "revoked" })).toBe(false);
    expect(canGetCertificate({ mode: "full", status: "revoked" })).toBe(false);
    expect(canViewContent(null)).toBe(false);
  });
});
