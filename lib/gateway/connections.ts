import "server-only";
import { asc, eq } from "drizzle-orm";
import { importSPKI } from "jose";
import { z } from "zod";
import type { Db, Queryable } from "@/db/client";
import { gatewayConnections, type GatewayConnection } from "@/db/schema";
import { recordAdminAction } from "@/lib/audit";
import type { FieldErrors } from "@/lib/forms";
import { decryptSecret, encryptSecret } from "@/lib/secrets";

/**
 * LMS connections (Admin → LMS connections): which LMS may send learners here, how its tokens are checked, and how
 * its enrolment API is called. The API key is stored encrypted, bound to its connection (a ciphertext copied to
 * another connection does not open), and never shown again.
 */
const apiKeyPurpose = (id: string) => `gateway-connection:${id}:api-key`;
export const encryptApiKey = (connectionId: string, apiKey: string) => encryptSecret(apiKey, apiKeyPurpose(connectionId));

/** "https://lms.example" from "https://lms.example/" — or null when the line is not a bare http(s) origin. */
export function originOf(line: string): string | null {
  try {
    const url = new URL(line.trim());
    const bare = url.pathname === "/" && !url.search && !url.hash && !url.username && !url.password;
    return (url.protocol === "https:" || url.protocol === "http:") && bare ? url.origin : null;
  } catch {
    return null;
  }
}

const httpUrl = z
  .url({ protocol: /^https?$/, error: "Enter the full address of the enrolment API, starting with https://." })
  .max(2000);

export const connectionFormSchema = z.object({
  name: z.string().trim().min(1, { error: "Give the connection a name." }).max(100),
  slug: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { error: "Lower-case letters, digits and single hyphens, e.g. my-lms." })
    .max(60),
  publicKeyPem: z
    .string()
    .trim()
    .min(1, { error: "Paste the LMS's public key." })
    .max(10_000)
    .refine(async (pem) => importSPKI(pem, "RS256").then(() => true, () => false), {
      error: "This is not an RSA public key in PEM form (-----BEGIN PUBLIC KEY----- …).",
    }),
  audience: z.string().trim().min(1, { error: "Enter the audience (aud) the LMS puts in its tokens." }).max(200),
  enrolmentUrl: httpUrl,
  /** Empty on an edit: the stored key stays. */
  apiKey: z.string().trim().max(500).optional().default(""),
  redirectOrigins: z
    .string()
    .max(5_000)
    .transform((text, ctx) => {
      const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
      const origins = lines.map(originOf);
      const bad = lines.filter((_, i) => !origins[i]);
      if (bad.length) ctx.addIssue({ code: "custom", message: `Not an origin (scheme://host[:port], nothing after it): ${bad.join(", ")}` });
      if (lines.length === 0) ctx.addIssue({ code: "custom", message: "Name at least one origin learners may be sent back to." });
      return [...new Set(origins.filter((o): o is string => Boolean(o)))];
    }),
  enabled: z.literal("on").optional().transform(Boolean),
});
export type ConnectionInput = z.infer<typeof connectionFormSchema>;

export type SaveResult = { ok: true; connection: GatewayConnection } | { ok: false; message: string; fieldErrors?: FieldErrors };

/** Creates (no `id`) or updates a connection, audited in the same transaction. */
export async function saveConnection(db: Db, actorId: string, id: string | null, input: ConnectionInput): Promise<SaveResult> {
  if (!id && !input.apiKey) return { ok: false, message: "Please correct the highlighted fields.", fieldErrors: { apiKey: ["Enter the API key of the LMS's course administrator."] } };
  return db.transaction(async (tx) => {
    const [clash] = await tx.select({ id: gatewayConnections.id }).from(gatewayConnections).where(eq(gatewayConnections.slug, input.slug));
    if (clash && clash.id !== id) return { ok: false as const, message: "Please correct the highlighted fields.", fieldErrors: { slug: ["Another connection uses this endpoint name."] } };
    const newId = id ?? crypto.randomUUID();
    const values = {
      name: input.name,
      slug: input.slug,
      publicKeyPem: input.publicKeyPem,
      audience: input.audience,
      enrolmentUrl: input.enrolmentUrl,
      redirectOrigins: input.redirectOrigins,
      enabled: input.enabled,
      ...(input.apiKey ? { apiKeyEncrypted: encryptApiKey(newId, input.apiKey) } : {}),
      updatedAt: new Date(),
    };
    const [row] = id
      ? await tx.update(gatewayConnections).set(values).where(eq(gatewayConnections.id, id)).returning()
      : await tx.insert(gatewayConnections).values({ id: newId, ...values, apiKeyEncrypted: values.apiKeyEncrypted! }).returning();
    if (!row) return { ok: false as const, message: "This connection no longer exists." };
    await recordAdminAction(tx, actorId, id ? "gateway_connection.updated" : "gateway_connection.created", { type: "gateway_connection", id: row.id }, {
      slug: row.slug,
      enabled: row.enabled,
      redirectOrigins: row.redirectOrigins,
      apiKeyChanged: Boolean(input.apiKey),
    });
    return { ok: true as const, connection: row };
  });
}

export async function listConnections(db: Queryable): Promise<GatewayConnection[]> {
  return db.select().from(gatewayConnections).orderBy(asc(gatewayConnections.name));
}

export async function connectionById(db: Queryable, id: string): Promise<GatewayConnection | null> {
  const [row] = await db.select().from(gatewayConnections).where(eq(gatewayConnections.id, id));
  return row ?? null;
}

export async function connectionBySlug(db: Queryable, slug: string): Promise<GatewayConnection | null> {
  const [row] = await db.select().from(gatewayConnections).where(eq(gatewayConnections.slug, slug));
  return row ?? null;
}

/** The enrolment API key in clear, for the call itself only (never logged, never rendered). */
export function connectionApiKey(connection: Pick<GatewayConnection, "id" | "apiKeyEncrypted">): string {
  return decryptSecret(connection.apiKeyEncrypted, apiKeyPurpose(connection.id));
}

/** The form's values for an existing connection (never the API key). */
export function connectionFormValues(c: GatewayConnection): Record<string, string> {
  return {
    name: c.name,
    slug: c.slug,
    publicKeyPem: c.publicKeyPem,
    audience: c.audience,
    enrolmentUrl: c.enrolmentUrl,
    redirectOrigins: c.redirectOrigins.join("\n"),
    enabled: c.enabled ? "on" : "",
  };
}

/** Rewrites every stored API key under the current encryption key (secrets:rotate). */
export async function reencryptConnectionKeys(tx: Queryable): Promise<number> {
  const rows = await tx.select().from(gatewayConnections);
  for (const row of rows) {
    await tx
      .update(gatewayConnections)
      .set({ apiKeyEncrypted: encryptApiKey(row.id, connectionApiKey(row)) })
      .where(eq(gatewayConnections.id, row.id));
  }
  return rows.length;
}
