import "server-only";
import { eq } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { gatewayConnections, WEBHOOK_EVENT_TYPES, webhookEndpoints } from "@/db/schema";
import { insertEndpoint } from "@/lib/webhooks/endpoints";
import { encryptApiKey } from "./connections";
import { DEMO_WEBHOOK_SECRET } from "./demo-secret";

/**
 * The demo connection to the local LMS emulator (emulators/lms), seeded with the demo data so the whole handoff runs
 * with zero configuration. Its public key is the emulator's demo key pair's (kept here as well as there: the two sides
 * share no code). LMS_EMULATOR_PORT moves the emulator, and the demo connection's URLs follow at the next start.
 */
export const DEMO_CONNECTION = {
  slug: "demo-lms",
  name: "Demo LMS",
  audience: "demo-lms-portal",
  apiKey: "demo-lms-api-key",
  publicKeyPem: `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtsdr3Fg6qkCZqvG1gT7/
UkvZlB2gCqmgNPhUOP3cbD578X7q+jHssuVTUWsj7mXIrOeSvYyH3p9QSU9qKxiv
/SSQq7uxm8TSUvIG5gDhEgTwrHsHhAH5xVFS1AR2KvrzJSFq4a7bpXqIPxm9J0Q7
U+QZdzPbdql29K8im19/alnNuufMSPNGZYf//MfhzJFr2TCbTkYq7exyU6MbM6xh
sXwwi6n1VpEcsNAnT+7fkRRb1hXuoIx6rdwdGaI+v0yqlRAdfMIHrShLpFdauSLA
nXYd4t+XrvkNOH69wa9w3k9nx26WD4sLpgWBo+qVwDGRuzhW0eqh6ZtXDER52f71
qQIDAQAB
-----END PUBLIC KEY-----
`,
};

export function demoLmsUrls(env: Record<string, string | undefined> = process.env) {
  const port = Number(env.LMS_EMULATOR_PORT ?? 4030);
  return { enrolmentUrl: `http://127.0.0.1:${port}/v2.2/enrolments/`, redirectOrigins: [`http://localhost:${port}`, `http://127.0.0.1:${port}`] };
}

/** Creates the demo connection, or points it at the emulator's port again; returns whether it was created. */
export async function seedDemoConnection(db: Queryable): Promise<boolean> {
  const urls = demoLmsUrls();
  const [existing] = await db.select({ id: gatewayConnections.id, publicKeyPem: gatewayConnections.publicKeyPem }).from(gatewayConnections).where(eq(gatewayConnections.slug, DEMO_CONNECTION.slug));
  if (existing) {
    // An admin who pointed demo-lms at a real LMS (another key) keeps their settings.
    if (existing.publicKeyPem === DEMO_CONNECTION.publicKeyPem) await db.update(gatewayConnections).set(urls).where(eq(gatewayConnections.id, existing.id));
    return false;
  }
  const id = crypto.randomUUID();
  await db
    .insert(gatewayConnections)
    .values({
      id,
      slug: DEMO_CONNECTION.slug,
      name: DEMO_CONNECTION.name,
      audience: DEMO_CONNECTION.audience,
      publicKeyPem: DEMO_CONNECTION.publicKeyPem,
      apiKeyEncrypted: encryptApiKey(id, DEMO_CONNECTION.apiKey),
      ...urls,
    })
    .onConflictDoNothing();
  return true;
}

/**
 * The demo's outgoing-webhook endpoint: the LMS emulator's listener (/hooks/coursepay), with the fixed demo secret that
 * `npm run dev` also gives the emulator, so events show on its /events page with zero configuration.
 */
export async function seedDemoWebhook(db: Queryable): Promise<boolean> {
  const url = `http://127.0.0.1:${Number(process.env.LMS_EMULATOR_PORT ?? 4030)}/hooks/coursepay`;
  const [existing] = await db.select({ id: webhookEndpoints.id }).from(webhookEndpoints).limit(1);
  if (existing) return false;
  await insertEndpoint(db, { url, description: "Demo: the LMS emulator's event listener (see its /events page)", eventTypes: [...WEBHOOK_EVENT_TYPES], enabled: true }, DEMO_WEBHOOK_SECRET);
  return true;
}
