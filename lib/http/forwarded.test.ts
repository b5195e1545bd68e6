import { describe, expect, it } from "vitest";
import { forwarded, normaliseIp } from "./forwarded";

const socket = { remoteAddress: "::ffff:192.0.2.10", encrypted: false };

describe("forwarded", () => {
  it("with no trusted proxy, the socket's peer is the client whatever the headers claim", () => {
    const headers = { "x-forwarded-for": "1.2.3.4", "x-forwarded-proto": "https", "x-forwarded-host": "evil.example" };
    expect(forwarded(socket, headers, 0)).toEqual({ ip: "192.0.2.10", proto: "http", host: undefined });
    expect(forwarded({ remoteAddress: "2001:db8::1", encrypted: true }, {}, 0)).toEqual({ ip: "2001:db8::1", proto: "https", host: undefined });
  });

  it("with N trusted proxies, takes the entry the farthest trusted proxy appended", () => {
    // client forged "6.6.6.6"; proxy 1 appended the real client 203.0.113.7; the socket is proxy 1.
    const headers = { "x-forwarded-for": "6.6.6.6, 203.0.113.7", "x-forwarded-proto": "https", "x-forwarded-host": "shop.example" };
    expect(forwarded(socket, headers, 1)).toEqual({ ip: "203.0.113.7", proto: "https", host: "shop.example" });
    // two proxies: the second appended the first's address.
    expect(forwarded(socket, { "x-forwarded-for": "6.6.6.6, 203.0.113.7, 10.0.0.2" }, 2).ip).toBe("203.0.113.7");
  });

  it("trusts nothing forwarded when the chain is shorter than the trusted hops", () => {
    expect(forwarded(socket, { "x-forwarded-proto": "https" }, 1)).toEqual({ ip: "192.0.2.10", proto: "http", host: undefined });
  });

  it("spells one address one way", () => {
    expect(normaliseIp("::FFFF:127.0.0.1")).toBe("127.0.0.1");
    expect(normaliseIp("[2001:DB8::1]")).toBe("2001:db8::1");
  });
});
