import "server-only";
import { and, asc, desc, eq, inArray } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { courses, subscriptionPayments, subscriptionPrices, subscriptionProducts, subscriptions, type SubscriptionPayment, type SubscriptionStatus } from "@/db/schema";
import { currentPrices, includedCourseIds } from "./catalog";
import type { PriceTerms } from "./describe";

export type Offer = {
  productId: string;
  slug: string;
  name: string;
  description: string;
  kind: "membership" | "plan";
  course: { slug: string; title: string } | null;
  prices: (PriceTerms & { priceId: string })[];
};

/** Published subscription products with the price new buyers pay in each currency (the catalog and product pages). */
export async function listOffers(db: Queryable, filter: { slug?: string; courseId?: string } = {}): Promise<Offer[]> {
  const rows = await db
    .select({ product: subscriptionProducts, course: { slug: courses.slug, title: courses.title } })
    .from(subscriptionProducts)
    .leftJoin(courses, eq(courses.id, subscriptionProducts.courseId))
    .where(
      and(
        eq(subscriptionProducts.published, true),
        filter.slug ? eq(subscriptionProducts.slug, filter.slug) : undefined,
        filter.courseId ? eq(subscriptionProducts.courseId, filter.courseId) : undefined,
      ),
    )
    .orderBy(asc(subscriptionProducts.kind), asc(subscriptionProducts.name));
  const offers: Offer[] = [];
  for (const { product, course } of rows) {
    const prices = await currentPrices(db, product.id);
    if (prices.length === 0) continue;
    offers.push({
      productId: product.id,
      slug: product.slug,
      name: product.name,
      description: product.description,
      kind: product.kind,
      course: course?.slug ? course : null,
      prices: prices.map((p) => ({
        priceId: p.id,
        kind: product.kind,
        interval: product.interval,
        intervalCount: product.intervalCount,
        trialDays: product.trialDays,
        instalments: product.instalments,
        amountMinor: p.amountMinor,
        setupFeeMinor: p.setupFeeMinor,
        currency: p.currency,
      })),
    });
  }
  return offers;
}

/** The courses an offer opens, for its page. */
export async function offerCourses(db: Queryable, productId: string): Promise<{ slug: string; title: string; summary: string }[]> {
  const [product] = await db.select().from(subscriptionProducts).where(eq(subscriptionProducts.id, productId));
  if (!product) return [];
  const ids = await includedCourseIds(db, product);
  if (ids.length === 0) return [];
  return db.select({ slug: courses.slug, title: courses.title, summary: courses.summary }).from(courses).where(inArray(courses.id, ids)).orderBy(asc(courses.title));
}

export type MySubscription = {
  id: string;
  /** The buyer sees it at PayPal too (Automatic payments), and support asks for it. */
  providerSubscriptionId: string | null;
  productName: string;
  productSlug: string;
  kind: "membership" | "plan";
  status: SubscriptionStatus;
  terms: PriceTerms;
  paidThrough: Date | null;
  nextBillingAt: Date | null;
  failedPayments: number;
  outstandingMinor: number;
  instalmentsPaid: number;
  createdAt: Date;
  payments: Pick<SubscriptionPayment, "id" | "grossMinor" | "refundedMinor" | "currency" | "status" | "paidAt" | "providerPaymentId">[];
};

/** A buyer's subscriptions, newest first, each with its payments (never those abandoned before approval). */
export async function listMySubscriptions(db: Queryable, userId: string): Promise<MySubscription[]> {
  const rows = await db
    .select({ subscription: subscriptions, product: subscriptionProducts, price: subscriptionPrices })
    .from(subscriptions)
    .innerJoin(subscriptionProducts, eq(subscriptionProducts.id, subscriptions.productId))
    .innerJoin(subscriptionPrices, eq(subscriptionPrices.id, subscriptions.priceId))
    .where(and(eq(subscriptions.userId, userId), inArray(subscriptions.status, ["active", "suspended", "cancelled", "expired", "completed"])))
    .orderBy(desc(subscriptions.createdAt));
  const payments = rows.length
    ? await db
        .select()
        .from(subscriptionPayments)
        .where(inArray(subscriptionPayments.subscriptionId, rows.map((r) => r.subscription.id)))
        .orderBy(desc(subscriptionPayments.paidAt))
    : [];
  return rows.map(({ subscription: s, product, price }) => ({
    id: s.id,
    providerSubscriptionId: s.providerSubscriptionId,
    productName: product.name,
    productSlug: product.slug,
    kind: product.kind,
    status: s.status,
    terms: { kind: product.kind, interval: product.interval, intervalCount: product.intervalCount, trialDays: product.trialDays, instalments: product.instalments, amountMinor: price.amountMinor, setupFeeMinor: price.setupFeeMinor, currency: price.currency },
    paidThrough: s.paidThrough,
    nextBillingAt: s.nextBillingAt,
    failedPayments: s.failedPayments,
    outstandingMinor: s.outstandingMinor,
    instalmentsPaid: s.instalmentsPaid,
    createdAt: s.createdAt,
    payments: payments.filter((p) => p.subscriptionId === s.id),
  }));
}
