import "server-only";
import type { Db } from "@/db/client";
import { providerTokens } from "@/db/schema";
import { reencryptConnectionKeys } from "@/lib/gateway/connections";
import { reencryptEndpointSecrets } from "@/lib/webhooks/endpoints";
import { reencryptPaymentSecrets } from "./payments";
import { reencryptStripeSecrets } from "./stripe";

/**
 * Finishes a change of COURSEPAY_ENCRYPTION_KEY (the old key still given as COURSEPAY_ENCRYPTION_KEY_PREVIOUS):
 * every stored settings secret is rewritten under the new key, and the cached provider tokens are dropped (the
 * next PayPal call fetches a fresh one). One transaction: all of it, or nothing when a secret cannot be opened.
 */
export async function rotateSecrets(db: Db): Promise<{ secretsReencrypted: number; tokensCleared: number }> {
  return db.transaction(async (tx) => {
    const secretsReencrypted = (await reencryptPaymentSecrets(tx)) + (await reencryptStripeSecrets(tx)) + (await reencryptConnectionKeys(tx)) + (await reencryptEndpointSecrets(tx));
    const cleared = await tx.delete(providerTokens).returning({ cacheKey: providerTokens.cacheKey });
    return { secretsReencrypted, tokensCleared: cleared.length };
  });
}
