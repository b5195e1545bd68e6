import { describe, expect, it } from "vitest";
import { calibratedSlowdown, withoutScripts } from "./pages-baselines";

describe("bench:pages baselines", () => {
  it("calibrates Lighthouse's CPU slowdown through the calculator's anchor points", () => {
    expect(calibratedSlowdown(1533)).toBeCloseTo(4, 1); // the high-end desktop Lighthouse's 4× assumes
    expect(calibratedSlowdown(2000)).toBeCloseTo(6, 1);
    expect(calibratedSlowdown(1300)).toBe(3);
    expect(calibratedSlowdown(1050)).toBe(2.5);
    expect(calibratedSlowdown(800)).toBe(2);
    expect(calibratedSlowdown(150)).toBe(1);
    expect(calibratedSlowdown(50)).toBe(1);
  });

  it("takes every script out of a page and leaves the rest", () => {
    const page = `<html><head><link rel="stylesheet" href="/a.css"><link rel="preload" as="script" href="/b.js"><script src="/b.js" async></script></head><body><p>Hi</p><SCRIPT>self.__next_f.push([1,"<p>x</p>"])</SCRIPT></body></html>`;
    expect(withoutScripts(page)).toBe(`<html><head><link rel="stylesheet" href="/a.css"></head><body><p>Hi</p></body></html>`);
  });
});
