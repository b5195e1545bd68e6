/**
 * The demo catalog and the two demo accounts. Idempotent: the catalog is inserted only into an empty catalog
 * (so a course an admin deleted never comes back), accounts only when missing, so restarting the store never
 * duplicates or resets anything.
 */
import { seedDemoConnection, seedDemoWebhook } from "@/lib/gateway/demo";
import { demoImage } from "@/lib/images/demo";
import { randomBytes } from "node:crypto";
import { count, eq, sql } from "drizzle-orm";
import { hash } from "@node-rs/argon2";
import type { Queryable } from "./client";
import { courseSections, courses, lessons, subscriptionPrices, subscriptionProducts, users } from "./schema";

type DemoCourse = Omit<typeof courses.$inferInsert, "id" | "createdAt" | "updatedAt">;

const paragraphs = (...lines: string[]) => lines.join("\n\n");

export const DEMO_COURSES: DemoCourse[] = [
  {
    slug: "intro-to-web-payments",
    title: "Introduction to Web Payments",
    subtitle: "From the first click to the money in the bank",
    level: "beginner",
    topic: "Payments",
    instructorName: "Amara Okafor",
    instructorBio: "Amara built payment systems for marketplaces in Lagos and Berlin, and now teaches teams to treat money as data that must add up.",
    outcomes: ["Follow one payment from click to bank account", "Tell authorising from capturing", "Explain refunds and chargebacks"].join("\n"),
    summary: "How money moves when someone clicks “Pay”: buyers, merchants, processors and the web in between.",
    body: paragraphs(
      "Every online payment is a conversation between at least four parties: the buyer, the merchant, the payment provider and the banks behind them. This course follows one purchase from the first click to the money arriving in the merchant's account.",
      "You will learn the difference between authorising and capturing a payment, why a payment can be 'completed' without the money having arrived, and what refunds and chargebacks do to a transaction that looked finished.",
      "No prior knowledge is needed. Each lesson ends with a short exercise you can do in a notebook.",
    ),
    priceMinor: 0,
    currency: "USD",
    auditable: false,
    published: true,
  },
  {
    slug: "idempotent-apis",
    title: "Designing Idempotent APIs",
    subtitle: "Exactly-once effects over at-least-once networks",
    level: "intermediate",
    topic: "Backend engineering",
    instructorName: "Jonas Weber",
    instructorBio: "Jonas designs backend services that survive retries and outages; he has spent ten years on APIs people can call twice safely.",
    outcomes: ["Use idempotency keys correctly", "Turn duplicate requests into no-ops", "Test concurrency for real"].join("\n"),
    summary: "Retries, double clicks and duplicate webhooks: build endpoints that do the right thing exactly once.",
    body: paragraphs(
      "Networks fail in the middle of requests. Clients retry. Users double-click. Providers deliver the same notification twice. An idempotent API makes all of this harmless.",
      "We cover idempotency keys, natural keys and unique constraints, the difference between 'at least once' delivery and 'exactly once' effects, and how to test concurrency for real instead of hoping.",
      "The final project is a small payment service that survives a chaos test.",
    ),
    priceMinor: 4900,
    currency: "USD",
    auditable: true,
    published: true,
  },
  {
    slug: "postgresql-for-app-developers",
    title: "PostgreSQL for Application Developers",
    subtitle: "Transactions, locks and indexes for people who ship",
    level: "intermediate",
    topic: "Databases",
    instructorName: "Mei Tanaka",
    instructorBio: "Mei is a database engineer who likes turning slow queries into fast ones and mysterious locks into understood ones.",
    outcomes: ["Choose the right transaction isolation", "Read a query plan", "Design indexes that match your queries"].join("\n"),
    summary: "Transactions, constraints, locks and indexes — the database features that keep your data honest.",
    body: paragraphs(
      "Most data bugs are concurrency bugs. This course shows how PostgreSQL's transactions, row locks, advisory locks and constraints let you make illegal states unrepresentable.",
      "You will read query plans, design indexes for real queries and learn when SELECT … FOR UPDATE is the right tool and when it is not.",
    ),
    priceMinor: 7900,
    currency: "USD",
    auditable: false,
    published: true,
  },
  {
    slug: "accessible-checkout-design",
    title: "Accessible Checkout Design",
    subtitle: "Checkout forms everyone can finish",
    level: "beginner",
    topic: "Design",
    instructorName: "Lucía Fernández",
    instructorBio: "Lucía is an accessibility specialist who tests checkouts with screen readers, keyboards and phones every week.",
    outcomes: ["Build forms everyone can finish", "Announce errors to screen readers", "Make payment buttons keyboard-friendly"].join("\n"),
    summary: "Forms, errors and payment buttons that everyone can use, with a keyboard, a screen reader or a phone.",
    body: paragraphs(
      "A checkout that some customers cannot complete is a checkout that loses money. We build an accessible payment flow step by step: labels, error messages that point at the field, focus management and clear loading states.",
      "Each lesson includes an audit with axe and a screen reader walkthrough.",
    ),
    priceMinor: 3900,
    currency: "EUR",
    auditable: true,
    published: true,
  },
  {
    slug: "typed-money",
    title: "Typed Money in TypeScript",
    subtitle: "Minor units, currencies and rounding without surprises",
    level: "intermediate",
    topic: "Backend engineering",
    instructorName: "Jonas Weber",
    instructorBio: "Jonas designs backend services that survive retries and outages; he has spent ten years on APIs people can call twice safely.",
    outcomes: ["Store money as integer minor units", "Handle currencies without decimals", "Round exactly once, in one place"].join("\n"),
    summary: "Minor units, currency exponents and rounding rules — why 0.1 + 0.2 must never reach a payment.",
    body: paragraphs(
      "Floating point numbers cannot represent most decimal amounts exactly. This course shows how to model money as integer minor units with an explicit currency, and how to format and parse amounts for currencies with zero, two or three decimals.",
      "Priced in yen, a currency without decimals, so you can see the rules at work in your own receipt.",
    ),
    priceMinor: 4800,
    currency: "JPY",
    auditable: false,
    published: true,
  },
  {
    slug: "webhooks-that-never-lose-an-event",
    title: "Webhooks That Never Lose an Event",
    subtitle: "Signatures, retries, ordering and reconciliation",
    level: "advanced",
    topic: "Payments",
    instructorName: "Amara Okafor",
    instructorBio: "Amara built payment systems for marketplaces in Lagos and Berlin, and now teaches teams to treat money as data that must add up.",
    outcomes: ["Verify every webhook signature", "Store first, process later", "Reconcile what never arrived"].join("\n"),
    summary: "Verify signatures, store first, process later, and reconcile what never arrived.",
    body: paragraphs(
      "Webhooks arrive late, twice, out of order or not at all. This course builds a webhook receiver that verifies every signature, records every payload before acting on it and reconciles with the provider when something is missing.",
      "You will also learn how to test all of this offline against an emulator.",
    ),
    priceMinor: 2900,
    currency: "USD",
    auditable: true,
    published: true,
  },
  {
    slug: "git-basics",
    title: "Git Basics",
    subtitle: "Commits, branches and merges, one step at a time",
    level: "beginner",
    topic: "Developer tools",
    instructorName: "Sam Rivera",
    instructorBio: "Sam has taught version control to hundreds of newcomers and still remembers their own first merge conflict.",
    outcomes: ["Commit, branch and merge with confidence", "Undo mistakes safely", "Read a history to find a change"].join("\n"),
    summary: "Commit, branch, merge and undo — version control for people who want to stop being afraid of it.",
    body: paragraphs(
      "Git keeps every version of your work. This short course teaches the handful of commands you need every day and the mental model that makes the rest make sense.",
      "Free for everyone.",
    ),
    priceMinor: 0,
    currency: "USD",
    auditable: false,
    published: true,
  },
  {
    slug: "advanced-reconciliation",
    title: "Advanced Reconciliation (draft)",
    subtitle: "Matching every cent between ledgers and providers",
    level: "advanced",
    topic: "Payments",
    instructorName: "Amara Okafor",
    instructorBio: "Amara built payment systems for marketplaces in Lagos and Berlin, and now teaches teams to treat money as data that must add up.",
    outcomes: ["Match ledgers to provider reports", "Find the missing cent", "Automate the daily reconciliation"].join("\n"),
    summary: "Matching ledgers, settlement reports and provider events. Not yet published.",
    body: "Coming soon.",
    priceMinor: 9900,
    currency: "USD",
    auditable: false,
    published: false,
  },
];

/** A membership of every course, and a payment plan for one paid course (inserted only into an empty subscription catalog). */
export const DEMO_SUBSCRIPTIONS: { product: Omit<typeof subscriptionProducts.$inferInsert, "courseId">; courseSlug?: string; price: { currency: string; amountMinor: number; setupFeeMinor: number } }[] = [
  {
    product: {
      slug: "all-access",
      kind: "membership",
      name: "All-access membership",
      description: "Every course in the catalog, including the ones published later, for as long as you subscribe.",
      interval: "month",
      trialDays: 7,
      allCourses: true,
      published: true,
    },
    price: { currency: "USD", amountMinor: 1900, setupFeeMinor: 500 },
  },
  {
    product: {
      slug: "postgresql-in-3-payments",
      kind: "plan",
      name: "PostgreSQL for Application Developers, in 3 payments",
      description: "The whole course from the first payment; after the third, it is yours for good.",
      interval: "month",
      instalments: 3,
      published: true,
    },
    courseSlug: "postgresql-for-app-developers",
    price: { currency: "USD", amountMinor: 2700, setupFeeMinor: 0 },
  },
];

export const DEMO_ACCOUNTS = [
  { email: "admin@coursepay.test", name: "Ada Admin", role: "admin" as const, passwordEnv: "DEMO_ADMIN_PASSWORD" },
  { email: "student@coursepay.test", name: "Sam Student", role: "student" as const, passwordEnv: "DEMO_STUDENT_PASSWORD" },
];

export type SeedReport = {
  coursesCreated: number;
  subscriptionProductsCreated: number;
  /** Accounts created by this run, with their password (only ever shown once). */
  accountsCreated: { email: string; role: string; password: string }[];
  lmsConnectionCreated: boolean;
};

export async function seedDemo(db: Queryable): Promise<SeedReport> {
  const [{ n } = { n: 0 }] = await db.select({ n: count() }).from(courses);
  const inserted = n > 0 ? [] : await db.insert(courses).values(DEMO_COURSES).onConflictDoNothing().returning({ id: courses.id });

  let subscriptionProductsCreated = 0;
  const [{ products } = { products: 0 }] = await db.select({ products: count() }).from(subscriptionProducts);
  if (products === 0) {
    for (const { product, courseSlug, price } of DEMO_SUBSCRIPTIONS) {
      const course = courseSlug ? (await db.select({ id: courses.id }).from(courses).where(eq(courses.slug, courseSlug)))[0] : undefined;
      if (courseSlug && !course) continue; // its course was deleted: no plan for it
      const [row] = await db.insert(subscriptionProducts).values({ ...product, courseId: course?.id ?? null }).onConflictDoNothing().returning({ id: subscriptionProducts.id });
      if (!row) continue;
      await db.insert(subscriptionPrices).values({ productId: row.id, version: 1, ...price });
      subscriptionProductsCreated++;
    }
  }

  const accountsCreated: SeedReport["accountsCreated"] = [];
  for (const account of DEMO_ACCOUNTS) {
    const [existing] = await db.select({ id: users.id }).from(users).where(sql`lower(${users.email}) = ${account.email}`);
    if (existing) continue;
    const password = process.env[account.passwordEnv] || randomBytes(12).toString("base64url");
    const [created] = await db
      .insert(users)
      .values({ email: account.email, name: account.name, role: account.role, passwordHash: await hash(password) })
      .onConflictDoNothing()
      .returning({ id: users.id });
    if (created) accountsCreated.push({ email: account.email, role: account.role, password });
  }
  await seedDemoLessons(db);
  await seedDemoPictures(db);
  const lmsConnectionCreated = await seedDemoConnection(db);
  await seedDemoWebhook(db);
  return { coursesCreated: inserted.length, subscriptionProductsCreated, accountsCreated, lmsConnectionCreated };
}

/**
 * The demo courses' lessons, made from each course's own text: two sections of two lessons, the first lesson a free
 * preview. Added to a demo course that has no sections yet (so a restart, or an admin's own outline, is left alone).
 */
async function seedDemoLessons(db: Queryable): Promise<void> {
  for (const demo of DEMO_COURSES) {
    const [course] = await db.select({ id: courses.id }).from(courses).where(eq(courses.slug, demo.slug));
    if (!course) continue;
    const [{ n } = { n: 0 }] = await db.select({ n: count() }).from(courseSections).where(eq(courseSections.courseId, course.id));
    if (n > 0) continue;
    const [intro, core, practice] = demo.body.split("\n\n");
    const outline = [
      {
        title: "Getting started",
        lessons: [
          { slug: "welcome", title: "Welcome", preview: true, durationMinutes: 6, bodyMarkdown: `${intro}\n\n## In this course\n\n- ${demo.summary}\n- Short lessons you can finish in one sitting\n- An exercise at the end of each part` },
          { slug: "core-ideas", title: "The core ideas", preview: false, durationMinutes: 12, bodyMarkdown: `${core ?? intro}\n\n> Take a note of one question this raises for you: the next lessons answer most of them.` },
        ],
      },
      {
        title: "Putting it to work",
        lessons: [
          { slug: "practice", title: "Practice", preview: false, durationMinutes: 15, bodyMarkdown: `${practice ?? core ?? intro}\n\n## Exercise\n\n1. Write down the three ideas from this course you will use first.\n2. Try one of them on a real project this week.` },
          { slug: "wrap-up", title: "Wrap-up", preview: false, durationMinutes: 5, bodyMarkdown: `You made it to the end of **${demo.title}**.\n\nMark this lesson complete: with every lesson done, your certificate of completion is issued (for full enrollments).` },
        ],
      },
    ];
    for (const [position, section] of outline.entries()) {
      const [row] = await db.insert(courseSections).values({ courseId: course.id, title: section.title, position }).returning({ id: courseSections.id });
      await db.insert(lessons).values(section.lessons.map((lesson, i) => ({ ...lesson, courseId: course.id, sectionId: row!.id, position: i })));
    }
  }
}

/** Covers and instructor portraits for demo courses that have none yet (an admin's own pictures are kept). */
async function seedDemoPictures(db: Queryable): Promise<void> {
  for (const demo of DEMO_COURSES) {
    const [course] = await db.select().from(courses).where(eq(courses.slug, demo.slug));
    if (!course || (course.coverImageId && (course.instructorImageId || !course.instructorName))) continue;
    await db
      .update(courses)
      .set({
        coverImageId: course.coverImageId ?? (await demoImage(db, "cover", demo.slug)),
        instructorImageId: course.instructorImageId ?? (course.instructorName ? await demoImage(db, "portrait", course.instructorName) : null),
      })
      .where(eq(courses.id, course.id));
  }
}
