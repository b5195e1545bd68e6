import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { REFUSALS, verifyHandoff, type Connection } from "./token";

const NOW = new Date("2026-12-01T12:00:00Z");
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

describe("the LMS handoff token", () => {
  let privateKey: CryptoKey;
  let otherKey: CryptoKey;
  let connection: Connection;

  beforeAll(async () => {
    const pair = await generateKeyPair("RS256", { extractable: true });
    privateKey = pair.privateKey;
    otherKey = (await generateKeyPair("RS256")).privateKey;
    connection = { enabled: true, publicKeyPem: await exportSPKI(pair.publicKey), audience: "demo-school", redirectOrigins: ["https://lms.example"] };
  });

  const CLAIMS = {
    jti: "4b7f6a53-6a53-4b7f-9a53-6a534b7f9a53",
    sub: "learner-17",
    aud: "demo-school",
    title: "Designing Idempotent APIs",
    course: "course-9",
    class: "class-3",
    currency: "USD",
    price: "49.00",
    redirect_url: "https://lms.example/courses/idempotent-apis",
  };

  async function token(claims: Record<string, unknown> = {}, options: { key?: CryptoKey; exp?: Date; nbf?: Date } = {}) {
    const { aud, ...rest } = { ...CLAIMS, ...claims };
    let jwt = new SignJWT(rest).setProtectedHeader({ alg: "RS256" }).setExpirationTime(seconds(options.exp ?? new Date(NOW.getTime() + 600_000)));
    if (aud !== undefined) jwt = jwt.setAudience(aud as string);
    if (options.nbf) jwt = jwt.setNotBefore(seconds(options.nbf));
    return jwt.sign(options.key ?? privateKey);
  }
  const refused = async (jwt: string, reason: keyof typeof REFUSALS, target = connection) => expect(await verifyHandoff(jwt, target, NOW)).toMatchObject({ ok: false, reason });

  it("reads a genuine handoff: the learner, the class, an exact price and where to send them back", async () => {
    const result = await verifyHandoff(await token(), connection, NOW);
    expect(result).toMatchObject({
      ok: true,
      handoff: { jti: CLAIMS.jti, sub: "learner-17", course: "course-9", class: "class-3", title: CLAIMS.title, price: { minor: 4900, currency: "USD" }, redirectUrl: CLAIMS.redirect_url },
    });
    expect(await verifyHandoff(await token({ currency: "jpy", price: 4800 }), connection, NOW)).toMatchObject({ ok: true, handoff: { price: { minor: 4800, currency: "JPY" } } });
  });

  it("allows 30 seconds of clock skew, and no more", async () => {
    await expect(verifyHandoff(await token({}, { exp: new Date(NOW.getTime() - 20_000) }), connection, NOW)).resolves.toMatchObject({ ok: true });
    await refused(await token({}, { exp: new Date(NOW.getTime() - 60_000) }), "expired");
    await refused(await token({}, { nbf: new Date(NOW.getTime() + 120_000) }), "not_yet_valid");
  });

  it("refuses another key, alg none, and an HMAC made with the public key as its secret", async () => {
    await refused(await token({}, { key: otherKey }), "signature");
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    await refused(`${part({ alg: "none", typ: "JWT" })}.${part({ ...CLAIMS, exp: seconds(NOW) + 600 })}.`, "algorithm");
    const hs = await new SignJWT({ ...CLAIMS }).setProtectedHeader({ alg: "HS256" }).setExpirationTime(seconds(NOW) + 600).sign(new TextEncoder().encode(connection.publicKeyPem));
    await refused(hs, "algorithm");
    await refused("not.a.token", "malformed");
    await refused("", "malformed");
  });

  it("refuses another audience, a missing claim or expiry, and a disabled connection", async () => {
    await refused(await token({ aud: "another-school" }), "audience");
    await refused(await token({ aud: undefined }), "audience");
    for (const claim of ["jti", "sub", "course", "class", "title", "currency", "price", "redirect_url"]) {
      await refused(await token({ [claim]: undefined }), "claims");
    }
    const noExp = await new SignJWT({ ...CLAIMS }).setProtectedHeader({ alg: "RS256" }).sign(privateKey);
    await refused(noExp, "claims");
    await refused(await token(), "disabled", { ...connection, enabled: false });
  });

  it("refuses a negative, zero, malformed or over-precise price, and a currency the store does not take", async () => {
    for (const price of ["-49.00", "0", "0.00", "49.001", "1e3", "49,00", "$49", "", -5, 0.1 + 0.2]) await refused(await token({ price }), "price");
    await refused(await token({ price: null }), "claims");
    await refused(await token({ currency: "JPY", price: "4800.5" }), "price");
    await refused(await token({ currency: "XYZ" }), "currency");
  });

  it("refuses a redirect to any origin the connection did not list", async () => {
    for (const url of ["https://evil.example/phish", "http://lms.example/courses/x", "https://lms.example.evil.example/", "javascript:alert(1)", "//evil.example"]) {
      await refused(await token({ redirect_url: url }), "redirect");
    }
  });
});
