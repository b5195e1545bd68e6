import { eq } from "drizzle-orm";
import { exportSPKI, generateKeyPair } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { adminAuditLog, gatewayConnections } from "@/db/schema";
import { testEngines, useTestDb } from "@/lib/testing/db";
import { makeUser } from "@/lib/testing/fixtures";
import { connectionApiKey, connectionFormSchema, saveConnection } from "./connections";

for (const engine of testEngines()) {
  describe(`LMS connections on ${engine}`, () => {
    const t = useTestDb(engine);
    let pem: string;
    beforeAll(async () => {
      pem = await exportSPKI((await generateKeyPair("RS256", { extractable: true })).publicKey);
    });
    const form = (overrides: Record<string, string> = {}) => ({
      name: "Riverside Academy",
      slug: "riverside",
      publicKeyPem: pem,
      audience: "riverside-portal",
      enrolmentUrl: "https://api.lms.example/v2.2/enrolments/",
      apiKey: "the-api-key",
      redirectOrigins: "https://www.lms.example\nhttps://www.lms.example/\n",
      enabled: "on",
      ...overrides,
    });
    const problems = async (overrides: Record<string, string>) => {
      const parsed = await connectionFormSchema.safeParseAsync(form(overrides));
      return parsed.success ? [] : parsed.error.issues.map((i) => i.path.join("."));
    };

    it("checks the key, the URLs and the return origins before anything is saved", async () => {
      expect(await problems({})).toEqual([]);
      expect(await problems({ publicKeyPem: "-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----" })).toEqual(["publicKeyPem"]);
      const ec = await exportSPKI((await generateKeyPair("ES256", { extractable: true })).publicKey);
      expect(await problems({ publicKeyPem: ec })).toEqual(["publicKeyPem"]);
      expect(await problems({ enrolmentUrl: "ftp://lms.example/" })).toEqual(["enrolmentUrl"]);
      expect(await problems({ redirectOrigins: "https://lms.example/courses/1" })).toEqual(["redirectOrigins"]);
      expect(await problems({ redirectOrigins: "javascript:alert(1)" })).toEqual(["redirectOrigins"]);
      expect(await problems({ redirectOrigins: "  " })).toEqual(["redirectOrigins"]);
      expect(await problems({ slug: "Not A Slug" })).toEqual(["slug"]);
      expect((await connectionFormSchema.parseAsync(form())).redirectOrigins).toEqual(["https://www.lms.example"]);
    });

    it("stores the API key encrypted, keeps it when an edit leaves it empty, and audits every save", async () => {
      const admin = await makeUser(t.db, { role: "admin" });
      expect(await saveConnection(t.db, admin.id, null, await connectionFormSchema.parseAsync(form({ apiKey: "" })))).toMatchObject({ ok: false, fieldErrors: { apiKey: expect.any(Array) } });
      const created = await saveConnection(t.db, admin.id, null, await connectionFormSchema.parseAsync(form()));
      if (!created.ok) throw new Error(created.message);
      expect(created.connection.apiKeyEncrypted).not.toContain("the-api-key");
      expect(connectionApiKey(created.connection)).toBe("the-api-key");
      // A ciphertext copied to another connection does not open there.
      expect(() => connectionApiKey({ ...created.connection, id: crypto.randomUUID() })).toThrow();

      const edited = await saveConnection(t.db, admin.id, created.connection.id, await connectionFormSchema.parseAsync(form({ apiKey: "", name: "Riverside" })));
      expect(edited.ok && connectionApiKey(edited.connection)).toBe("the-api-key");
      const clash = await saveConnection(t.db, admin.id, null, await connectionFormSchema.parseAsync(form()));
      expect(clash).toMatchObject({ ok: false, fieldErrors: { slug: ["Another connection uses this endpoint name."] } });
      const audit = await t.db.select().from(adminAuditLog).where(eq(adminAuditLog.targetId, created.connection.id));
      expect(audit.map((a) => a.action).sort()).toEqual(["gateway_connection.created", "gateway_connection.updated"]);
      expect(JSON.stringify(audit)).not.toContain("the-api-key");
      expect(await t.db.select().from(gatewayConnections)).toHaveLength(1);
    });
  });
}
