import "server-only";
import { asc, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { isUniqueViolation, type Db, type Queryable } from "@/db/client";
import { billingInterval, courses, subscriptionPrices, subscriptionProductCourses, subscriptionProducts, subscriptions, type SubscriptionProduct } from "@/db/schema";
import { recordAdminAction } from "@/lib/audit";
import { SLUG_PATTERN, slugify } from "@/lib/catalog/course-fields";
import type { FieldErrors } from "@/lib/forms";
import { CURRENCIES, MoneyError, parseDecimal, toDecimalString, type CurrencyCode } from "@/lib/money";
import { currentPrices } from "./catalog";

const text = (what: string, max: number) => z.string({ error: `Enter ${what}.` }).trim().min(1, { error: `Enter ${what}.` }).max(max, { error: `Use at most ${max} characters.` });
const checkbox = z.literal("on").optional().transform((v) => v === "on");
const whole = (what: string, min: number, max: number) =>
  z.coerce.number({ error: `Enter ${what} as a whole number.` }).int({ error: `Enter ${what} as a whole number.` }).min(min, { error: `${what[0]!.toUpperCase()}${what.slice(1)} is at least ${min}.` }).max(max, { error: `${what[0]!.toUpperCase()}${what.slice(1)} is at most ${max}.` });

/** An amount typed as a plain decimal, read exactly in `currency` ("19" USD → 1900, "2000" JPY → 2000). */
function amountIn(value: string, currency: CurrencyCode, what: string, ctx: z.RefinementCtx, path: string, allowZero: boolean): number | null {
  if (!/^\d+(\.\d+)?$/.test(value)) {
    ctx.addIssue({ code: "custom", path: [path], message: `Enter the ${what} as a plain number such as 19.00.` });
    return null;
  }
  try {
    const minor = parseDecimal(value, currency).minor;
    if (minor === 0 && !allowZero) ctx.addIssue({ code: "custom", path: [path], message: `The ${what} must be more than zero.` });
    return minor;
  } catch (error) {
    if (!(error instanceof MoneyError)) throw error;
    ctx.addIssue({ code: "custom", path: [path], message: `${error.message}.` });
    return null;
  }
}

/**
 * The admin's membership / payment-plan form. A membership bills until cancelled (with an optional free trial) and
 * opens every published course or the ticked ones; a payment plan splits one course into 2–36 payments. The price
 * is for one currency per save; a changed price or setup fee becomes a new price version for new buyers.
 */
export const productFormSchema = z
  .object({
    kind: z.enum(["membership", "plan"], { error: "Choose a membership or a payment plan." }),
    name: text("a name", 120),
    slug: z.string().trim().toLowerCase().max(80).refine((s) => s === "" || SLUG_PATTERN.test(s), { error: "Use lower-case letters and digits in words joined by single hyphens." }).default(""),
    description: text("a description", 500),
    interval: z.enum(billingInterval.enumValues, { error: "Choose how often it bills." }),
    intervalCount: whole("the number of periods between payments", 1, 12),
    trialDays: whole("the free trial", 0, 90).default(0),
    instalments: z.string().optional(),
    courseId: z.string().optional(),
    allCourses: checkbox,
    courseIds: z.array(z.uuid({ error: "That course does not exist." })).default([]),
    currency: z.enum(CURRENCIES as [CurrencyCode, ...CurrencyCode[]], { error: "Choose a currency." }),
    amount: z.string().trim().max(24),
    setupFee: z.string().trim().max(24).default(""),
    published: checkbox,
  })
  .transform((input, ctx) => {
    const amountMinor = amountIn(input.amount, input.currency, "price", ctx, "amount", false);
    const setupFeeMinor = input.setupFee ? amountIn(input.setupFee, input.currency, "setup fee", ctx, "setupFee", true) : 0;
    let instalments: number | null = null;
    let courseId: string | null = null;
    if (input.kind === "plan") {
      const n = Number(input.instalments);
      if (!Number.isInteger(n) || n < 2 || n > 36) ctx.addIssue({ code: "custom", path: ["instalments"], message: "A payment plan has 2 to 36 payments." });
      else instalments = n;
      if (!input.courseId || !z.uuid().safeParse(input.courseId).success) ctx.addIssue({ code: "custom", path: ["courseId"], message: "Choose the course this plan pays for." });
      else courseId = input.courseId;
      if (input.trialDays > 0) ctx.addIssue({ code: "custom", path: ["trialDays"], message: "A payment plan has no free trial." });
    } else if (!input.allCourses && input.courseIds.length === 0) {
      ctx.addIssue({ code: "custom", path: ["courseIds"], message: "Tick “Every published course” or choose at least one course." });
    }
    const slug = input.slug || slugify(input.name);
    if (!slug) ctx.addIssue({ code: "custom", path: ["slug"], message: "Enter a slug: the name has no letters or digits to make one from." });
    if (amountMinor === null || setupFeeMinor === null) return z.NEVER;
    return {
      product: {
        kind: input.kind,
        name: input.name,
        slug,
        description: input.description,
        interval: input.interval,
        intervalCount: input.intervalCount,
        trialDays: input.kind === "plan" ? 0 : input.trialDays,
        instalments,
        courseId,
        allCourses: input.kind === "membership" && input.allCourses,
        published: input.published,
      },
      courseIds: input.kind === "membership" && !input.allCourses ? [...new Set(input.courseIds)] : [],
      price: { currency: input.currency, amountMinor, setupFeeMinor },
    };
  });
export type ProductInput = z.output<typeof productFormSchema>;

export type SaveProductResult = { ok: true; id: string; newPriceVersion: number | null } | { ok: false; fieldErrors: FieldErrors };

/**
 * Creates or updates a product and its price in one transaction, audited. What buyers already subscribed to
 * never changes: a new price is a new version (and a new PayPal plan on first use), the kind and, once someone
 * subscribed, the billing rhythm are fixed.
 */
export async function saveProduct(db: Db, actorId: string, id: string | null, input: ProductInput): Promise<SaveProductResult> {
  try {
    return await db.transaction(async (tx) => {
      let productId = id;
      if (id) {
        const [before] = await tx.select().from(subscriptionProducts).where(eq(subscriptionProducts.id, id)).for("update");
        if (!before) return { ok: false, fieldErrors: { name: ["This membership or plan no longer exists."] } };
        const [{ n }] = (await tx.select({ n: sql<number>`count(*)::int` }).from(subscriptions).where(eq(subscriptions.productId, id))) as [{ n: number }];
        const rhythm = ["kind", "interval", "intervalCount", "trialDays", "instalments", "courseId"] as const;
        const changed = rhythm.filter((k) => before[k] !== input.product[k]);
        if (n > 0 && changed.length) {
          return { ok: false, fieldErrors: Object.fromEntries(changed.map((k) => [k, ["Buyers have subscribed: this can no longer change. Create a new membership or plan instead."]])) };
        }
        await tx.update(subscriptionProducts).set({ ...input.product, updatedAt: new Date() }).where(eq(subscriptionProducts.id, id));
      } else {
        [{ id: productId }] = (await tx.insert(subscriptionProducts).values(input.product).returning({ id: subscriptionProducts.id })) as [{ id: string }];
      }
      await tx.delete(subscriptionProductCourses).where(eq(subscriptionProductCourses.productId, productId!));
      if (input.courseIds.length) await tx.insert(subscriptionProductCourses).values(input.courseIds.map((courseId) => ({ productId: productId!, courseId })));

      const current = (await currentPrices(tx, productId!)).find((p) => p.currency === input.price.currency);
      let newPriceVersion: number | null = null;
      if (!current || current.amountMinor !== input.price.amountMinor || current.setupFeeMinor !== input.price.setupFeeMinor) {
        newPriceVersion = (current?.version ?? 0) + 1;
        await tx.insert(subscriptionPrices).values({ productId: productId!, version: newPriceVersion, ...input.price });
      }
      await recordAdminAction(tx, actorId, "subscription_product.saved", { type: "subscription_product", id: productId! }, { created: !id, newPriceVersion, currency: input.price.currency });
      return { ok: true, id: productId!, newPriceVersion };
    });
  } catch (error) {
    if (isUniqueViolation(error, "subscription_products_slug_unique")) return { ok: false, fieldErrors: { slug: ["This slug is already used by another membership or plan."] } };
    throw error;
  }
}

/** A product as the form's fields, with its current price in `currency` (the first one when not given). */
export async function productFormValues(db: Queryable, product: SubscriptionProduct, currency?: string): Promise<Record<string, string>> {
  const prices = await currentPrices(db, product.id);
  const price = prices.find((p) => p.currency === currency) ?? prices[0];
  const chosen = await db.select({ courseId: subscriptionProductCourses.courseId }).from(subscriptionProductCourses).where(eq(subscriptionProductCourses.productId, product.id));
  return {
    kind: product.kind,
    name: product.name,
    slug: product.slug,
    description: product.description,
    interval: product.interval,
    intervalCount: String(product.intervalCount),
    trialDays: String(product.trialDays),
    instalments: product.instalments ? String(product.instalments) : "",
    courseId: product.courseId ?? "",
    courseIds: chosen.map((c) => c.courseId).join(","),
    ...(product.allCourses && { allCourses: "on" }),
    ...(product.published && { published: "on" }),
    currency: price?.currency ?? "USD",
    amount: price ? toDecimalString({ minor: price.amountMinor, currency: price.currency as CurrencyCode }) : "",
    setupFee: price && price.setupFeeMinor > 0 ? toDecimalString({ minor: price.setupFeeMinor, currency: price.currency as CurrencyCode }) : "",
  };
}

export type AdminProductRow = SubscriptionProduct & { prices: { currency: string; amountMinor: number; setupFeeMinor: number; version: number }[]; subscribers: number };

export async function listProductsForAdmin(db: Queryable): Promise<AdminProductRow[]> {
  const products = await db.select().from(subscriptionProducts).orderBy(asc(subscriptionProducts.name));
  const counts = await db.select({ productId: subscriptions.productId, n: sql<number>`count(*) filter (where ${subscriptions.status} in ('active', 'suspended'))::int` }).from(subscriptions).groupBy(subscriptions.productId);
  const rows: AdminProductRow[] = [];
  for (const product of products) rows.push({ ...product, prices: await currentPrices(db, product.id), subscribers: counts.find((c) => c.productId === product.id)?.n ?? 0 });
  return rows;
}

export async function priceVersions(db: Queryable, productId: string) {
  return db.select().from(subscriptionPrices).where(eq(subscriptionPrices.productId, productId)).orderBy(asc(subscriptionPrices.currency), desc(subscriptionPrices.version));
}

export async function courseChoices(db: Queryable) {
  return db.select({ id: courses.id, title: courses.title, published: courses.published }).from(courses).orderBy(asc(courses.title));
}
