import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Db, Queryable } from "@/db/client";
import { providerTokens } from "@/db/schema";
import { decryptSecret, encryptSecret } from "@/lib/secrets";

export type FreshToken = { accessToken: string; expiresInSeconds: number };

const PURPOSE = "provider-token";
/** Refresh this long before PayPal's expiry (capped at half the lifetime, for short-lived test tokens). */
const MARGIN_MS = 60_000;

/**
 * PayPal's OAuth token, shared by every app instance through the database: asking PayPal for a token per
 * call (or per instance) is what PayPal calls a rate-limit trigger. A memory copy spares the database read
 * on the hot path; refreshes take a transaction-scoped advisory lock, so across all instances one caller
 * fetches while the others wait and then reuse its token.
 */
export class TokenCache {
  private memory: { token: string; refreshAt: number } | null = null;
  private inflight: Promise<string> | null = null;

  constructor(
    private readonly db: Db,
    private readonly cacheKey: string,
    /** Fetches a new token; anything it records must go through `db` (the refresh transaction). */
    private readonly fetchToken: (db: Queryable) => Promise<FreshToken>,
  ) {}

  async get(): Promise<string> {
    if (this.memory && Date.now() < this.memory.refreshAt) return this.memory.token;
    // One refresh per instance at a time; the advisory lock extends that to the fleet.
    this.inflight ??= this.load().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  /** Drops a token PayPal refused (401), unless another caller already replaced it. */
  async invalidate(token: string): Promise<void> {
    if (this.memory?.token === token) this.memory = null;
    const [row] = await this.db.select().from(providerTokens).where(eq(providerTokens.cacheKey, this.cacheKey));
    if (row && this.decrypt(row.accessTokenEncrypted) === token) {
      await this.db
        .delete(providerTokens)
        .where(and(eq(providerTokens.cacheKey, this.cacheKey), eq(providerTokens.accessTokenEncrypted, row.accessTokenEncrypted)));
    }
  }

  private async load(): Promise<string> {
    const shared = await this.readShared(this.db);
    if (shared) return shared;
    return this.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`token:${this.cacheKey}`}))`);
      const refreshedMeanwhile = await this.readShared(tx as unknown as Db);
      if (refreshedMeanwhile) return refreshedMeanwhile;
      const fresh = await this.fetchToken(tx);
      const expiresAt = new Date(Date.now() + fresh.expiresInSeconds * 1000);
      const accessTokenEncrypted = encryptSecret(fresh.accessToken, PURPOSE);
      await tx
        .insert(providerTokens)
        .values({ cacheKey: this.cacheKey, provider: "paypal", accessTokenEncrypted, expiresAt })
        .onConflictDoUpdate({ target: providerTokens.cacheKey, set: { accessTokenEncrypted, expiresAt, updatedAt: new Date() } });
      this.remember(fresh.accessToken, expiresAt, fresh.expiresInSeconds * 1000);
      return fresh.accessToken;
    });
  }

  private async readShared(db: Db): Promise<string | null> {
    const [row] = await db.select().from(providerTokens).where(eq(providerTokens.cacheKey, this.cacheKey));
    if (!row) return null;
    const lifetime = row.expiresAt.getTime() - row.updatedAt.getTime();
    if (Date.now() >= row.expiresAt.getTime() - Math.min(MARGIN_MS, lifetime / 2)) return null;
    let token: string;
    try {
      token = this.decrypt(row.accessTokenEncrypted);
    } catch {
      return null; // encrypted under another key (rotated): fetch a new one
    }
    this.remember(token, row.expiresAt, lifetime);
    return token;
  }

  private remember(token: string, expiresAt: Date, lifetimeMs: number) {
    this.memory = { token, refreshAt: expiresAt.getTime() - Math.min(MARGIN_MS, lifetimeMs / 2) };
  }

  private decrypt(value: string) {
    return decryptSecret(value, PURPOSE);
  }
}
