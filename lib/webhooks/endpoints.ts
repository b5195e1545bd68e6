import "server-only";
import { randomBytes } from "node:crypto";
import { desc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Db, Queryable } from "@/db/client";
import { WEBHOOK_EVENT_TYPES, webhookDeliveries, webhookEndpoints, type WebhookEndpoint } from "@/db/schema";
import { recordAdminAction } from "@/lib/audit";
import { decryptSecret, encryptSecret } from "@/lib/secrets";

/**
 * Outgoing webhook endpoints (Admin → Webhooks). Each has its own signing secret in the Standard Webhooks form
 * (`whsec_` + base64 of 32 random bytes), stored encrypted, shown to the admin once when it is made.
 */
const secretPurpose = (id: string) => `webhook-endpoint:${id}:secret`;
export const newSigningSecret = () => `whsec_${randomBytes(32).toString("base64")}`;
export const endpointSecret = (e: Pick<WebhookEndpoint, "id" | "secretEncrypted">) => decryptSecret(e.secretEncrypted, secretPurpose(e.id));

export const endpointFormSchema = z.object({
  url: z
    .url({ protocol: /^https?$/, error: "Enter the full address that receives the events, starting with https://." })
    .max(2000),
  description: z.string().trim().max(200).optional().default(""),
  eventTypes: z.array(z.enum(WEBHOOK_EVENT_TYPES)).min(1, { error: "Choose at least one event." }),
  enabled: z.literal("on").optional().transform(Boolean),
});
export type EndpointInput = z.infer<typeof endpointFormSchema>;

/** An endpoint row with `secret` stored encrypted. */
export async function insertEndpoint(tx: Queryable, input: EndpointInput, secret: string): Promise<WebhookEndpoint> {
  const id = crypto.randomUUID();
  const [endpoint] = await tx
    .insert(webhookEndpoints)
    .values({ id, url: input.url, description: input.description, eventTypes: input.eventTypes, enabled: input.enabled, secretEncrypted: encryptSecret(secret, secretPurpose(id)) })
    .returning();
  return endpoint!;
}

/** A new endpoint and its secret in clear — the only time anyone sees it. */
export async function createEndpoint(db: Db, actorId: string, input: EndpointInput): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const secret = newSigningSecret();
  return db.transaction(async (tx) => {
    const endpoint = await insertEndpoint(tx, input, secret);
    await recordAdminAction(tx, actorId, "webhook_endpoint.created", { type: "webhook_endpoint", id: endpoint.id }, { url: input.url, eventTypes: input.eventTypes });
    return { endpoint, secret };
  });
}

export async function updateEndpoint(db: Db, actorId: string, id: string, input: EndpointInput): Promise<WebhookEndpoint | null> {
  return db.transaction(async (tx) => {
    const [endpoint] = await tx
      .update(webhookEndpoints)
      .set({ url: input.url, description: input.description, eventTypes: input.eventTypes, enabled: input.enabled, updatedAt: new Date() })
      .where(eq(webhookEndpoints.id, id))
      .returning();
    if (endpoint) await recordAdminAction(tx, actorId, "webhook_endpoint.updated", { type: "webhook_endpoint", id }, { url: input.url, eventTypes: input.eventTypes, enabled: input.enabled });
    return endpoint ?? null;
  });
}

export const listEndpoints = (db: Queryable) => db.select().from(webhookEndpoints).orderBy(desc(webhookEndpoints.createdAt));

export async function endpointById(db: Queryable, id: string): Promise<WebhookEndpoint | null> {
  return (await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)))[0] ?? null;
}

/** The newest delivery attempts to an endpoint, for its log. */
export const recentDeliveries = (db: Queryable, endpointId: string, limit = 50) =>
  db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId)).orderBy(desc(webhookDeliveries.id)).limit(limit);

/** Rewrites every endpoint secret under the current encryption key (secrets:rotate). */
export async function reencryptEndpointSecrets(tx: Queryable): Promise<number> {
  const rows = await tx.select().from(webhookEndpoints);
  for (const row of rows) {
    await tx.update(webhookEndpoints).set({ secretEncrypted: encryptSecret(endpointSecret(row), secretPurpose(row.id)) }).where(eq(webhookEndpoints.id, row.id));
  }
  return rows.length;
}
