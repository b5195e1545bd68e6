import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { providerPlans, type SubscriptionPrice, type SubscriptionProduct } from "@/db/schema";
import { money } from "@/lib/money";
import type { ProviderResult } from "@/lib/payments/types";
import type { PlanSpec, SubscriptionProvider } from "./types";

/** PayPal suspends a subscription after this many failed payments in a row. */
export const FAILURE_THRESHOLD = 2;

/** A claim on creating a plan: a row whose provider id is this prefix and the time it was taken. */
const CLAIM = "creating:";
const CLAIM_STALE_MS = 30_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function planSpec(product: SubscriptionProduct, price: SubscriptionPrice): PlanSpec {
  return {
    priceId: price.id,
    productName: product.name,
    interval: product.interval,
    intervalCount: product.intervalCount,
    trialDays: product.trialDays,
    instalments: product.instalments,
    amount: money(price.amountMinor, price.currency),
    setupFee: price.setupFeeMinor > 0 ? money(price.setupFeeMinor, price.currency) : null,
    failureThreshold: FAILURE_THRESHOLD,
  };
}

/**
 * The provider's plan for one price version: created on first use and stored, once for every buyer and every app
 * instance. The lock is a row in PostgreSQL: the first caller inserts a claim (unique per provider and price),
 * creates the plan and writes its id into the row; concurrent callers wait for that id. A claim whose holder
 * crashed goes stale and is taken over; the provider calls carry idempotency keys derived from our ids, so the
 * taker-over gets the plan the crashed holder may already have made, never a second one. No transaction is held
 * while the provider is called.
 */
export async function ensureProviderPlan(db: Db, provider: SubscriptionProvider, product: SubscriptionProduct, price: SubscriptionPrice): Promise<ProviderResult<string>> {
  const where = and(eq(providerPlans.provider, provider.name), eq(providerPlans.priceId, price.id));
  for (let waited = 0; waited < 2 * CLAIM_STALE_MS; ) {
    const [row] = await db.select({ id: providerPlans.id, providerId: providerPlans.providerId }).from(providerPlans).where(where);
    if (row && !row.providerId.startsWith(CLAIM)) return { ok: true, value: row.providerId };

    // Unique like every provider id: the time it was taken, and whose.
    const claim = `${CLAIM}${Date.now()}:${price.id}`;
    let held: { id: string } | undefined;
    if (!row) {
      [held] = await db.insert(providerPlans).values({ provider: provider.name, productId: product.id, priceId: price.id, providerId: claim }).onConflictDoNothing().returning({ id: providerPlans.id });
    } else if (Date.now() - Number(row.providerId.split(":")[1]) > CLAIM_STALE_MS) {
      [held] = await db.update(providerPlans).set({ providerId: claim }).where(and(eq(providerPlans.id, row.id), eq(providerPlans.providerId, row.providerId))).returning({ id: providerPlans.id });
    }
    if (!held) {
      await sleep(100);
      waited += 100;
      continue;
    }

    const created = await createPlan(db, provider, product, price);
    if (!created.ok) {
      await db.delete(providerPlans).where(and(eq(providerPlans.id, held.id), eq(providerPlans.providerId, claim)));
      return created;
    }
    await db.update(providerPlans).set({ providerId: created.value }).where(eq(providerPlans.id, held.id));
    return created;
  }
  return { ok: false, failure: { kind: "unavailable", detail: "another app instance is still creating this plan" } };
}

/** The catalog product (once per product: its idempotency key makes a concurrent second call return the same one), then the plan. */
async function createPlan(db: Db, provider: SubscriptionProvider, product: SubscriptionProduct, price: SubscriptionPrice): Promise<ProviderResult<string>> {
  const catalogWhere = and(eq(providerPlans.provider, provider.name), eq(providerPlans.productId, product.id), isNull(providerPlans.priceId));
  let [catalog] = await db.select({ providerId: providerPlans.providerId }).from(providerPlans).where(catalogWhere);
  if (!catalog) {
    const created = await provider.createProduct({ key: product.id, name: product.name, description: product.description });
    if (!created.ok) return created;
    await db.insert(providerPlans).values({ provider: provider.name, productId: product.id, priceId: null, providerId: created.value.providerProductId }).onConflictDoNothing();
    [catalog] = await db.select({ providerId: providerPlans.providerId }).from(providerPlans).where(catalogWhere);
  }
  const plan = await provider.createPlan({ providerProductId: catalog!.providerId, plan: planSpec(product, price) });
  return plan.ok ? { ok: true, value: plan.value.providerPlanId } : plan;
}
