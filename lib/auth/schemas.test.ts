import { describe, expect, it } from "vitest";
import { normaliseEmail, personNameSchema, signUpSchema } from "./schemas";

describe("names", () => {
  it("refuses bidirectional overrides, controls and invisible characters", () => {
    for (const bad of ["\u202Eevil", "Pat\u2066son\u2069", "Pat\u0000", "Pat\nSmith", "Pat\u200Bty", "Pat\u2028Smith", "Pat\u061C"]) {
      expect(personNameSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it("accepts names in any script, joiners included, NFC-normalised", () => {
    expect(personNameSchema.parse(" Zoë ")).toBe("Zoë");
    expect(personNameSchema.parse("Zoe\u0308")).toBe("Zoë");
    expect(personNameSchema.parse("می\u200Cخواهم")).toBe("می\u200Cخواهم");
    expect(personNameSchema.parse("李小龙")).toBe("李小龙");
  });
});

describe("emails", () => {
  it("accepts international addresses and normalises them once", () => {
    expect(normaliseEmail(" Pat@Example.TEST ")).toBe("pat@example.test");
    expect(normaliseEmail("josé@bücher.example")).toBe("josé@bücher.example");
    expect(normaliseEmail("JOSÉ@xn--bcher-kva.example")).toBe("josé@bücher.example");
    expect(normaliseEmail("用户@例子.广告")).toBe("用户@例子.广告");
    expect(normaliseEmail("o'brien+tag@example.com")).toBe("o'brien+tag@example.com");
  });

  it("refuses what is not an address", () => {
    for (const bad of ["", "pat", "@example.com", "pat@", "pat@localhost", "pa..t@example.com", ".pat@example.com", "pat@exa mple.com", "pat@-example.com", "p\u202Eat@example.com", `${"a".repeat(65)}@example.com`]) {
      expect(normaliseEmail(bad), bad).toBeNull();
    }
  });
});

describe("sign-up input", () => {
  it("normalises emails and explains what is wrong", () => {
    expect(signUpSchema.parse({ name: " Pat ", email: " Pat@Example.TEST ", password: "0123456789" })).toEqual({
      name: "Pat",
      email: "pat@example.test",
      password: "0123456789",
    });
    const result = signUpSchema.safeParse({ name: "", email: "not-an-email", password: "short" });
    expect(result.success).toBe(false);
    const fields = result.error?.issues.map((i) => i.path[0]);
    expect(fields).toEqual(expect.arrayContaining(["name", "email", "password"]));
  });
});
