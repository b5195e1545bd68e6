/**
 * The data model: the single source of truth for every table, enum and constraint.
 *
 * Conventions
 * - Money is always an integer count of minor units (`*_minor`, bigint) next to an ISO-4217 `currency`.
 *   How many decimals a currency has lives in lib/money, never here.
 * - Status columns are PostgreSQL enums; which moves between them are legal lives in lib/payments/state.ts.
 * - Every provider-side identifier is unique per provider, so a retried notification or a replayed API
 *   response can never create a second row ("exactly once" is enforced by the database, not by code paths).
 */
import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  char,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

const money = (name: string) => bigint(name, { mode: "number" });
/** Raw bytes (images). */
const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => "bytea",
  fromDriver: (value) => Buffer.from(value),
});
/** PostgreSQL's full-text document type (read only: generated columns are never written). */
const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });
const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();
const currencyCode = () => char("currency", { length: 3 }).notNull();

// ---------------------------------------------------------------------------------------------
// Enums
// ---------------------------------------------------------------------------------------------

export const userRole = pgEnum("user_role", ["student", "admin"]);

/** Payment providers behind one interface; adding one is `ALTER TYPE … ADD VALUE`. */
export const paymentProvider = pgEnum("payment_provider", ["paypal", "stripe"]);

/** One checkout attempt. Transitions: lib/payments/state.ts. */
export const orderStatus = pgEnum("order_status", [
  "created", // our row exists, PayPal order may or may not exist yet
  "approved", // the buyer approved at PayPal, nothing captured yet
  "pending", // captured, but PayPal holds the money (eCheck, review…)
  "completed", // money received, enrollments granted
  "partially_refunded",
  "refunded",
  "reversed", // chargeback / dispute lost
  "cancelled", // the buyer or the store abandoned it before payment
  "failed", // declined / denied, no money moved
  "expired", // never approved or captured within PayPal's window
]);

/** A capture (one movement of money into the merchant account). */
export const paymentStatus = pgEnum("payment_status", [
  "pending",
  "completed",
  "partially_refunded",
  "refunded",
  "reversed",
  "declined",
  "failed",
]);

export const refundStatus = pgEnum("refund_status", ["pending", "completed", "failed", "cancelled"]);

export const enrollmentMode = pgEnum("enrollment_mode", ["full", "audit"]);
export const courseLevel = pgEnum("course_level", ["beginner", "intermediate", "advanced"]);
export const enrollmentStatus = pgEnum("enrollment_status", ["active", "revoked"]);
/** Why an enrollment exists: a free course, an audit, a paid order item, an admin's grant, or a subscription. */
export const enrollmentSource = pgEnum("enrollment_source", ["free", "audit", "purchase", "admin", "subscription"]);

/** What a subscription product sells: every course (or a chosen set) while paid, or one course in instalments. */
export const subscriptionKind = pgEnum("subscription_kind", ["membership", "plan"]);
export const billingInterval = pgEnum("billing_interval", ["day", "week", "month", "year"]);

/** One buyer's subscription. Transitions: lib/subscriptions/state.ts. */
export const subscriptionStatus = pgEnum("subscription_status", [
  "pending", // our row exists; the provider's subscription may exist, not approved yet
  "active", // billing runs; access up to the paid-through date
  "suspended", // billing paused (failed payments or an admin): access paused
  "cancelled", // no more billing; access until the paid-through date
  "expired", // a membership's finite cycles ran out
  "completed", // a payment plan paid in full: the course is owned for good
  "abandoned", // never approved (the buyer went back, or it timed out)
]);

/** One charge of a subscription (setup fee with the first cycle, each renewal, a collected balance). */
export const subscriptionPaymentStatus = pgEnum("subscription_payment_status", ["completed", "partially_refunded", "refunded", "reversed", "declined"]);

/** Where a raw provider payload came from. */
export const paymentEventSource = pgEnum("payment_event_source", [
  "api", // a response (or transport failure) of a call we made to the provider
  "webhook", // a push notification from the provider
  "ipn", // a legacy IPN message
]);

// ---------------------------------------------------------------------------------------------
// Accounts
// ---------------------------------------------------------------------------------------------

/** Columns follow Auth.js's user shape (id, name, email, emailVerified, image) so an adapter can be added later. */
export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash"),
    role: userRole("role").notNull().default("student"),
    emailVerified: timestamp("email_verified", { withTimezone: true }),
    image: text("image"),
    /** Set when the account was deleted: its personal data is gone, its orders and payments stay (anonymised). */
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // Emails are stored normalised (trimmed, lower-case); the index makes "unique" hold regardless.
    uniqueIndex("users_email_unique").on(sql`lower(${t.email})`),
  ],
);

/** Every sign-in attempt, so rate limits hold across several app instances. */
export const signInAttempts = pgTable(
  "sign_in_attempts",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    email: text("email").notNull(),
    ip: text("ip").notNull(),
    succeeded: boolean("succeeded").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index("sign_in_attempts_email_idx").on(t.email, t.createdAt),
    index("sign_in_attempts_ip_idx").on(t.ip, t.createdAt),
    // The (account, IP) back-off of lib/auth/throttle.ts.
    index("sign_in_attempts_email_ip_idx").on(t.email, t.ip, t.createdAt),
  ],
);

// ---------------------------------------------------------------------------------------------
// Images (course covers, instructor photos): in PostgreSQL, so every app instance serves them
// ---------------------------------------------------------------------------------------------

/**
 * An image as the pages use it: resized and re-encoded (WebP) from an upload whose type was read from its bytes.
 * `sha256` of the stored bytes makes an upload of the same picture the same row; the id never changes what it
 * names, so /images/<id> is cached for a year.
 */
export const images = pgTable("images", {
  id: uuid("id").primaryKey().defaultRandom(),
  sha256: text("sha256").notNull().unique(),
  contentType: text("content_type").notNull(),
  width: integer("width").notNull(),
  height: integer("height").notNull(),
  data: bytea("data").notNull(),
  createdAt: createdAt(),
});

// ---------------------------------------------------------------------------------------------
// Catalog
// ---------------------------------------------------------------------------------------------

export const courses = pgTable(
  "courses",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    slug: text("slug").notNull().unique(),
    title: text("title").notNull(),
    subtitle: text("subtitle").notNull().default(""),
    summary: text("summary").notNull(),
    body: text("body").notNull(),
    level: courseLevel("level").notNull().default("beginner"),
    language: text("language").notNull().default("English"),
    topic: text("topic").notNull().default("General"),
    instructorName: text("instructor_name").notNull().default(""),
    instructorBio: text("instructor_bio").notNull().default(""),
    /** "What you will learn": one outcome per line. */
    outcomes: text("outcomes").notNull().default(""),
    coverImageId: uuid("cover_image_id").references(() => images.id, { onDelete: "set null" }),
    instructorImageId: uuid("instructor_image_id").references(() => images.id, { onDelete: "set null" }),
    /**
     * What the catalog's search matches (English stemming: "payments" finds "payment"), kept by PostgreSQL itself. The
     * title weighs most, then subtitle and instructor, then summary and topic: ranking puts title matches first.
     */
    search: tsvector("search").generatedAlwaysAs(
      sql`setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', subtitle || ' ' || instructor_name), 'B') || setweight(to_tsvector('english', summary || ' ' || topic), 'C')`,
    ),
    /** 0 means free. */
    priceMinor: money("price_minor").notNull(),
    currency: currencyCode(),
    auditable: boolean("auditable").notNull().default(false),
    published: boolean("published").notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check("courses_price_non_negative", sql`${t.priceMinor} >= 0`),
    check("courses_currency_iso", sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check("courses_slug_format", sql`${t.slug} ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`),
    index("courses_search_idx").using("gin", t.search),
    // The catalog's default order and its filters walk published courses only.
    index("courses_published_title_idx").on(t.title).where(sql`${t.published}`),
  ],
);

// ---------------------------------------------------------------------------------------------
// Lessons, progress and certificates
// ---------------------------------------------------------------------------------------------

/** A course's parts, in order. */
export const courseSections = pgTable(
  "course_sections",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    courseId: uuid("course_id")
      .notNull()
      .references(() => courses.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    position: integer("position").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("course_sections_course_idx").on(t.courseId, t.position)],
);

/** One lesson: Markdown (rendered sanitised), an optional video from an allowed host, a duration, a preview flag. */
export const lessons = pgTable(
  "lessons",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    courseId: uuid("course_id")
      .notNull()
      .references(() => courses.id, { onDelete: "cascade" }),
    sectionId: uuid("section_id")
      .notNull()
      .references(() => courseSections.id, { onDelete: "cascade" }),
    slug: text("slug").notNull(),
    title: text("title").notNull(),
    bodyMarkdown: text("body_markdown").notNull(),
    videoUrl: text("video_url"),
    durationMinutes: integer("duration_minutes").notNull().default(5),
    /** Open to anyone, enrolled or not (the course page marks it). */
    preview: boolean("preview").notNull().default(false),
    position: integer("position").notNull(),
    published: boolean("published").notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("lessons_course_slug_unique").on(t.courseId, t.slug),
    index("lessons_section_idx").on(t.sectionId, t.position),
    check("lessons_slug_format", sql`${t.slug} ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`),
    check("lessons_duration", sql`${t.durationMinutes} between 1 and 600`),
  ],
);

/** A learner's progress through one lesson: last opened (to resume), completed (once). */
export const lessonProgress = pgTable(
  "lesson_progress",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    lessonId: uuid("lesson_id")
      .notNull()
      .references(() => lessons.id, { onDelete: "cascade" }),
    courseId: uuid("course_id")
      .notNull()
      .references(() => courses.id, { onDelete: "cascade" }),
    lastViewedAt: timestamp("last_viewed_at", { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp("completed_at", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.userId, t.lessonId] }), index("lesson_progress_course_idx").on(t.userId, t.courseId, t.lastViewedAt)],
);

/**
 * A certificate of completion: earned by completing every lesson with a full enrollment; public at
 * /certificates/<id>, which says it is revoked once the enrollment was refunded or reversed. One valid certificate per
 * enrollment (a new one may follow a revoked one).
 */
export const certificates = pgTable(
  "certificates",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    courseId: uuid("course_id")
      .notNull()
      .references(() => courses.id, { onDelete: "restrict" }),
    enrollmentId: uuid("enrollment_id")
      .notNull()
      .references(() => enrollments.id, { onDelete: "cascade" }),
    /** The learner's name and the course's title as they were when it was earned. */
    learnerName: text("learner_name").notNull(),
    courseTitle: text("course_title").notNull(),
    issuedAt: timestamp("issued_at", { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    revokeReason: text("revoke_reason"),
  },
  (t) => [uniqueIndex("certificates_one_valid").on(t.enrollmentId).where(sql`${t.revokedAt} is null`)],
);

// ---------------------------------------------------------------------------------------------
// Cart
// ---------------------------------------------------------------------------------------------

/** One cart per user. */
export const carts = pgTable("carts", {
  id: uuid("id").primaryKey().defaultRandom(),
  userId: uuid("user_id")
    .notNull()
    .unique()
    .references(() => users.id, { onDelete: "cascade" }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** A course at most once per cart (the primary key). */
export const cartItems = pgTable(
  "cart_items",
  {
    cartId: uuid("cart_id")
      .notNull()
      .references(() => carts.id, { onDelete: "cascade" }),
    courseId: uuid("course_id")
      .notNull()
      .references(() => courses.id, { onDelete: "cascade" }),
    addedAt: timestamp("added_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.cartId, t.courseId] })],
);

// ---------------------------------------------------------------------------------------------
// External-enrolment gateway (an LMS delegates a class's payment to the store)
// ---------------------------------------------------------------------------------------------

/** An LMS that sends its learners here to pay (Admin → LMS connections). */
export const gatewayConnections = pgTable(
  "gateway_connections",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** The endpoint's name: /gateway/<slug>/enrol. */
    slug: text("slug").notNull().unique(),
    name: text("name").notNull(),
    /** The LMS's RS256 public key (SPKI PEM), checked on save. */
    publicKeyPem: text("public_key_pem").notNull(),
    /** The `aud` its tokens must carry (the institution's portal identifier). */
    audience: text("audience").notNull(),
    /** The LMS's enrolment API (POST …?api_key=…, form body class=…&user=…). */
    enrolmentUrl: text("enrolment_url").notNull(),
    /** AES-256-GCM (lib/secrets), never shown again after saving. */
    apiKeyEncrypted: text("api_key_encrypted").notNull(),
    /** Origins (scheme://host[:port]) a token's redirect_url may point to. */
    redirectOrigins: text("redirect_origins").array().notNull(),
    enabled: boolean("enabled").notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [check("gateway_connections_slug_format", sql`${t.slug} ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`)],
);

/**
 * One accepted handoff token: who the learner is at the LMS, what they join, at what price, where they go back.
 * `jti` is unique per connection, so a token is accepted once, ever. Its orders (orders.gateway_handoff_id) are the
 * learner's payment attempts; at most one of them is ever paid (lib/payments/checkout.ts claims).
 */
export const gatewayHandoffs = pgTable(
  "gateway_handoffs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    connectionId: uuid("connection_id")
      .notNull()
      .references(() => gatewayConnections.id, { onDelete: "restrict" }),
    jti: text("jti").notNull(),
    /** The LMS's user id of the learner. */
    sub: text("sub").notNull(),
    lmsCourse: text("lms_course").notNull(),
    lmsClass: text("lms_class").notNull(),
    title: text("title").notNull(),
    priceMinor: money("price_minor").notNull(),
    currency: currencyCode(),
    redirectUrl: text("redirect_url").notNull(),
    /** Every claim of the token, as verified. */
    claims: jsonb("claims").notNull(),
    /** SHA-256 of the browser's gateway cookie: only that browser may pay for (and follow) this handoff. */
    browserHash: text("browser_hash").notNull(),
    /** When the LMS confirmed the enrolment (or said the learner was already enrolled). */
    enrolledAt: timestamp("enrolled_at", { withTimezone: true }),
    /** When a refund or reversal meant the learner should leave the class: the LMS has no un-enrol call. */
    removalNeededAt: timestamp("removal_needed_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("gateway_handoffs_jti_unique").on(t.connectionId, t.jti),
    // Another handoff for the same learner and class (a second "Join now"): found to refuse paying twice.
    index("gateway_handoffs_learner_idx").on(t.connectionId, t.sub, t.lmsClass),
    check("gateway_handoffs_price_positive", sql`${t.priceMinor} > 0`),
  ],
);

/** Every call to an LMS's enrolment API, as sent (without the API key) and as answered: the admin's raw record. */
export const gatewayCalls = pgTable(
  "gateway_calls",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    handoffId: uuid("handoff_id")
      .notNull()
      .references(() => gatewayHandoffs.id, { onDelete: "restrict" }),
    request: jsonb("request").notNull(),
    /** Null when no answer came (network error, timeout). */
    httpStatus: integer("http_status"),
    response: jsonb("response"),
    error: text("error"),
    durationMs: integer("duration_ms").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("gateway_calls_handoff_idx").on(t.handoffId, t.id)],
);

// ---------------------------------------------------------------------------------------------
// Orders and money movements
// ---------------------------------------------------------------------------------------------

/** One checkout attempt, in one currency, with one provider. */
export const orders = pgTable(
  "orders",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** The store's buyer; null for an LMS learner's order (gateway_connection_id says whose it is). */
    userId: uuid("user_id").references(() => users.id, { onDelete: "restrict" }),
    /** Set for an external-enrolment order: the LMS handoff (learner, class, price) it pays for. */
    gatewayHandoffId: uuid("gateway_handoff_id").references(() => gatewayHandoffs.id, { onDelete: "restrict" }),
    status: orderStatus("status").notNull().default("created"),
    currency: currencyCode(),
    totalMinor: money("total_minor").notNull(),
    provider: paymentProvider("provider").notNull(),
    /** The provider's id for this order (PayPal order id); unique when set. */
    providerOrderId: text("provider_order_id"),
    /**
     * Bumped when the provider declines the funding source (INSTRUMENT_DECLINED): the buyer picks another one and
     * the next capture is a new request. Retries of one attempt share its idempotency key.
     */
    captureAttempt: integer("capture_attempt").notNull().default(0),
    /** Set while a capture is in flight: another order for the same course waits instead of charging twice. */
    captureStartedAt: timestamp("capture_started_at", { withTimezone: true }),
    /** Set when something needs a person: a reversal, a refund that matches no course, an amount mismatch. */
    attentionReason: text("attention_reason"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    /** When the order reached a final state (completed, failed, cancelled, expired…). */
    closedAt: timestamp("closed_at", { withTimezone: true }),
    /**
     * The store courses among its items, written with them in one statement (insertOrder) and never changed —
     * items are a snapshot. Kept on the order so the admin's course filter is read from orders_currency_created_idx
     * alone instead of joining a course's order items (invariants.ts checks that the two agree).
     */
    courseIds: uuid("course_ids").array().notNull().default(sql`'{}'::uuid[]`),
  },
  (t) => [
    uniqueIndex("orders_provider_order_unique").on(t.provider, t.providerOrderId),
    index("orders_user_idx").on(t.userId, t.createdAt),
    // The admin's transaction list: newest first (a backward scan), keyset-paginated on (created_at, id).
    // Ascending on purpose: "DESC NULLS LAST" would not match ORDER BY … DESC (which is NULLS FIRST).
    index("orders_created_idx").on(t.createdAt, t.id),
    // The tab counts under a date range: only the tab's statuses in the range are visited.
    index("orders_status_created_idx").on(t.status, t.createdAt),
    // The tab counts and list under a currency (and date, and course) filter, read from the index alone. Joining the
    // course's order items instead cost 33–58 ms at a million orders (a hash of its 50,000 items; a nested loop over
    // the items index was slower still), against a few ms here (EXPLAIN (ANALYZE, BUFFERS); bench/admin.ts).
    index("orders_currency_created_idx").on(t.currency, t.createdAt, t.status, t.id, t.courseIds),
    index("orders_status_idx").on(t.status, t.updatedAt),
    check("orders_total_positive", sql`${t.totalMinor} > 0`),
    // Every order is a store buyer's or an LMS learner's, never both and never nobody's.
    check("orders_one_buyer", sql`(${t.userId} is null) <> (${t.gatewayHandoffId} is null)`),
    index("orders_gateway_handoff_idx").on(t.gatewayHandoffId),
  ],
);

/** What an order bought, with the price snapshot taken when the order was created. */
/**
 * Every status an order has been in, written by a trigger on orders (migration 0004), so no code path can
 * change a status without leaving a trace: the admin's timeline of an order.
 */
export const orderStatusChanges = pgTable(
  "order_status_changes",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    orderId: uuid("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    /** Null for the order's first status. */
    fromStatus: orderStatus("from_status"),
    toStatus: orderStatus("to_status").notNull(),
    changedAt: timestamp("changed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("order_status_changes_order_idx").on(t.orderId, t.id)],
);

export const orderItems = pgTable(
  "order_items",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orderId: uuid("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    /** The store's course; null for an LMS class sold through the gateway (`external_ref` names it). */
    courseId: uuid("course_id").references(() => courses.id, { onDelete: "restrict" }),
    /** An LMS class: "<connection slug>:<course>:<class>". */
    externalRef: text("external_ref"),
    title: text("title").notNull(),
    unitPriceMinor: money("unit_price_minor").notNull(),
    currency: currencyCode(),
  },
  (t) => [
    uniqueIndex("order_items_order_course_unique").on(t.orderId, t.courseId),
    // The admin's "course" filter.
    index("order_items_course_idx").on(t.courseId, t.orderId),
    check("order_items_price_positive", sql`${t.unitPriceMinor} > 0`),
    check("order_items_one_product", sql`(${t.courseId} is null) <> (${t.externalRef} is null)`),
  ],
);

/** A capture: money that moved (or is pending) into the merchant account for an order. */
export const payments = pgTable(
  "payments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orderId: uuid("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "restrict" }),
    provider: paymentProvider("provider").notNull(),
    providerCaptureId: text("provider_capture_id").notNull(),
    status: paymentStatus("status").notNull(),
    /** The provider's reason for a pending/declined status, e.g. ECHECK, PENDING_REVIEW. */
    statusReason: text("status_reason"),
    grossMinor: money("gross_minor").notNull(),
    feeMinor: money("fee_minor"),
    netMinor: money("net_minor"),
    currency: currencyCode(),
    raw: jsonb("raw").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("payments_provider_capture_unique").on(t.provider, t.providerCaptureId),
    // An order is paid by one capture (PayPal intent=CAPTURE allows exactly one).
    uniqueIndex("payments_order_unique").on(t.orderId),
    check("payments_gross_positive", sql`${t.grossMinor} > 0`),
  ],
);

export const refunds = pgTable(
  "refunds",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    paymentId: uuid("payment_id")
      .notNull()
      .references(() => payments.id, { onDelete: "restrict" }),
    provider: paymentProvider("provider").notNull(),
    /** Null until the provider answered (a refund we requested) — then unique. */
    providerRefundId: text("provider_refund_id"),
    status: refundStatus("status").notNull(),
    amountMinor: money("amount_minor").notNull(),
    currency: currencyCode(),
    reason: text("reason"),
    /** The admin who asked for it; null when it was initiated on the provider's side. */
    requestedBy: uuid("requested_by").references(() => users.id, { onDelete: "set null" }),
    raw: jsonb("raw"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("refunds_provider_refund_unique").on(t.provider, t.providerRefundId),
    check("refunds_amount_positive", sql`${t.amountMinor} > 0`),
  ],
);

/** Which order items a refund paid back (and so which enrollments it revoked). */
export const refundItems = pgTable(
  "refund_items",
  {
    refundId: uuid("refund_id")
      .notNull()
      .references(() => refunds.id, { onDelete: "cascade" }),
    orderItemId: uuid("order_item_id")
      .notNull()
      .references(() => orderItems.id, { onDelete: "restrict" }),
    amountMinor: money("amount_minor").notNull(),
  },
  (t) => [primaryKey({ columns: [t.refundId, t.orderItemId] })],
);

// ---------------------------------------------------------------------------------------------
// Subscriptions and payment plans
// ---------------------------------------------------------------------------------------------

/**
 * What a seller sells by recurring payments. A membership opens every published course (`allCourses`) or the
 * courses in subscription_product_courses while paid; a payment plan (`kind = plan`) splits one course's price
 * into `instalments` payments and owns the course for good after the last one.
 */
export const subscriptionProducts = pgTable(
  "subscription_products",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    slug: text("slug").notNull().unique(),
    kind: subscriptionKind("kind").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull(),
    interval: billingInterval("interval").notNull(),
    intervalCount: integer("interval_count").notNull().default(1),
    /** Free days before the first regular payment (memberships only). */
    trialDays: integer("trial_days").notNull().default(0),
    /** Payment plans: how many payments; memberships: null (until cancelled). */
    instalments: integer("instalments"),
    /** Payment plans: the course they pay for. */
    courseId: uuid("course_id").references(() => courses.id, { onDelete: "restrict" }),
    allCourses: boolean("all_courses").notNull().default(false),
    published: boolean("published").notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check("subscription_products_plan_shape", sql`(${t.kind} = 'plan') = (${t.courseId} is not null and ${t.instalments} is not null)`),
    check("subscription_products_plan_no_trial", sql`${t.kind} = 'membership' or (${t.trialDays} = 0 and not ${t.allCourses})`),
    check("subscription_products_instalments", sql`${t.instalments} is null or ${t.instalments} between 2 and 36`),
    check("subscription_products_interval_count", sql`${t.intervalCount} between 1 and 12`),
    check("subscription_products_trial_days", sql`${t.trialDays} between 0 and 90`),
    check("subscription_products_slug_format", sql`${t.slug} ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`),
  ],
);

/** The chosen courses of a membership that does not open every course. */
export const subscriptionProductCourses = pgTable(
  "subscription_product_courses",
  {
    productId: uuid("product_id")
      .notNull()
      .references(() => subscriptionProducts.id, { onDelete: "cascade" }),
    courseId: uuid("course_id")
      .notNull()
      .references(() => courses.id, { onDelete: "restrict" }),
  },
  (t) => [primaryKey({ columns: [t.productId, t.courseId] })],
);

/**
 * A price of a subscription product in one currency, versioned: changing a price adds a version for new buyers,
 * and every subscriber stays on the version they bought (each version is its own provider plan).
 */
export const subscriptionPrices = pgTable(
  "subscription_prices",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    productId: uuid("product_id")
      .notNull()
      .references(() => subscriptionProducts.id, { onDelete: "cascade" }),
    currency: currencyCode(),
    version: integer("version").notNull(),
    /** Each regular payment (a plan's instalment). */
    amountMinor: money("amount_minor").notNull(),
    setupFeeMinor: money("setup_fee_minor").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("subscription_prices_version_unique").on(t.productId, t.currency, t.version),
    check("subscription_prices_amount_positive", sql`${t.amountMinor} > 0`),
    check("subscription_prices_setup_fee", sql`${t.setupFeeMinor} >= 0`),
  ],
);

/**
 * The provider's catalog entries for a product and its prices (PayPal: one catalog product per subscription
 * product, one plan per price version), created once, lazily, and shared by every buyer and app instance.
 */
export const providerPlans = pgTable(
  "provider_plans",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    provider: paymentProvider("provider").notNull(),
    productId: uuid("product_id")
      .notNull()
      .references(() => subscriptionProducts.id, { onDelete: "restrict" }),
    /** Null for the row that holds the provider's catalog product. */
    priceId: uuid("price_id").references(() => subscriptionPrices.id, { onDelete: "restrict" }),
    providerId: text("provider_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("provider_plans_product_unique").on(t.provider, t.productId).where(sql`${t.priceId} is null`),
    uniqueIndex("provider_plans_price_unique").on(t.provider, t.priceId).where(sql`${t.priceId} is not null`),
    uniqueIndex("provider_plans_provider_id_unique").on(t.provider, t.providerId),
  ],
);

export const subscriptions = pgTable(
  "subscriptions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    productId: uuid("product_id")
      .notNull()
      .references(() => subscriptionProducts.id, { onDelete: "restrict" }),
    priceId: uuid("price_id")
      .notNull()
      .references(() => subscriptionPrices.id, { onDelete: "restrict" }),
    provider: paymentProvider("provider").notNull(),
    providerSubscriptionId: text("provider_subscription_id"),
    status: subscriptionStatus("status").notNull().default("pending"),
    /** Access runs to here (plus a short grace); moved only by payments the provider confirmed. */
    paidThrough: timestamp("paid_through", { withTimezone: true }),
    nextBillingAt: timestamp("next_billing_at", { withTimezone: true }),
    /** Consecutive failed payments, and what they leave owed (the buyer is asked to update their payment method). */
    failedPayments: integer("failed_payments").notNull().default(0),
    outstandingMinor: money("outstanding_minor").notNull().default(0),
    /** Payment plans: regular payments received. */
    instalmentsPaid: integer("instalments_paid").notNull().default(0),
    cancelledAt: timestamp("cancelled_at", { withTimezone: true }),
    attentionReason: text("attention_reason"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("subscriptions_provider_id_unique").on(t.provider, t.providerSubscriptionId),
    // One running subscription per buyer and product: a second approval (two tabs) cannot bill twice.
    uniqueIndex("subscriptions_one_running").on(t.userId, t.productId).where(sql`${t.status} in ('active', 'suspended')`),
    index("subscriptions_user_idx").on(t.userId, t.createdAt),
    index("subscriptions_status_idx").on(t.status, t.updatedAt),
    check("subscriptions_outstanding", sql`${t.outstandingMinor} >= 0`),
  ],
);

/** Every charge of a subscription the provider reported, with its raw variables; one row per provider payment. */
export const subscriptionPayments = pgTable(
  "subscription_payments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    subscriptionId: uuid("subscription_id")
      .notNull()
      .references(() => subscriptions.id, { onDelete: "restrict" }),
    provider: paymentProvider("provider").notNull(),
    /** PayPal: the sale (transaction) id. */
    providerPaymentId: text("provider_payment_id").notNull(),
    status: subscriptionPaymentStatus("status").notNull(),
    grossMinor: money("gross_minor").notNull(),
    feeMinor: money("fee_minor"),
    refundedMinor: money("refunded_minor").notNull().default(0),
    currency: currencyCode(),
    paidAt: timestamp("paid_at", { withTimezone: true }).notNull(),
    raw: jsonb("raw").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("subscription_payments_provider_unique").on(t.provider, t.providerPaymentId),
    index("subscription_payments_subscription_idx").on(t.subscriptionId, t.paidAt),
    check("subscription_payments_gross_positive", sql`${t.grossMinor} > 0`),
    check("subscription_payments_refunded", sql`${t.refundedMinor} between 0 and ${t.grossMinor}`),
  ],
);

// ---------------------------------------------------------------------------------------------
// Enrollments
// ---------------------------------------------------------------------------------------------

/**
 * At most one per user and course. An audit can later become full (a purchase), a revoked enrollment can
 * become active again (a new purchase) — always the same row, so "enrolled twice" cannot be represented.
 */
export const enrollments = pgTable(
  "enrollments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    courseId: uuid("course_id")
      .notNull()
      .references(() => courses.id, { onDelete: "restrict" }),
    mode: enrollmentMode("mode").notNull(),
    status: enrollmentStatus("status").notNull().default("active"),
    source: enrollmentSource("source").notNull(),
    /** The order item that paid for a purchase. */
    orderItemId: uuid("order_item_id").references(() => orderItems.id, { onDelete: "restrict" }),
    /** The subscription that opens this course (source = subscription). */
    subscriptionId: uuid("subscription_id").references(() => subscriptions.id, { onDelete: "restrict" }),
    /** Access ends here (a subscription's paid-through date plus grace); null: for good. */
    accessUntil: timestamp("access_until", { withTimezone: true }),
    grantedAt: timestamp("granted_at", { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    revokeReason: text("revoke_reason"),
  },
  (t) => [
    uniqueIndex("enrollments_user_course_unique").on(t.userId, t.courseId),
    index("enrollments_order_item_idx").on(t.orderItemId),
    check(
      "enrollments_purchase_has_order_item",
      sql`(${t.source} = 'purchase') = (${t.orderItemId} IS NOT NULL)`,
    ),
    check("enrollments_audit_mode", sql`(${t.source} = 'audit') = (${t.mode} = 'audit')`),
    // Compared as text: an enum value added in a migration cannot be used as a literal in the same transaction.
    check("enrollments_subscription", sql`(${t.source}::text = 'subscription') = (${t.subscriptionId} IS NOT NULL)`),
    // Only a subscription's access runs out by date; everything else is for good until revoked.
    check("enrollments_access_until", sql`${t.accessUntil} IS NULL OR ${t.source}::text = 'subscription'`),
    index("enrollments_subscription_idx").on(t.subscriptionId),
  ],
);

// ---------------------------------------------------------------------------------------------
// Provider payloads, settings, audit
// ---------------------------------------------------------------------------------------------

/**
 * Append-only log of every raw provider payload: API responses, webhooks, IPN messages.
 * Written before anything acts on the payload. A trigger (migration 0001) refuses DELETE and any UPDATE
 * that touches the payload; only the processing columns may be filled in afterwards.
 */
/** Where a payload names the PayPal payer; queries must repeat this expression exactly to use its index. */
export const PAYER_ID_SQL = sql.raw(`coalesce(raw->'payer'->>'payer_id', raw->'resource'->'payer'->>'payer_id', raw->'fields'->>'payer_id')`);

export const paymentEvents = pgTable(
  "payment_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    provider: paymentProvider("provider").notNull(),
    source: paymentEventSource("source").notNull(),
    /** API: "POST /v2/checkout/orders"; webhook: event_type; IPN: txn_type or payment_status. */
    type: text("type").notNull(),
    /** What deduplicates a notification: the webhook event id, or IPN "txn_id:payment_status". */
    dedupeKey: text("dedupe_key"),
    orderId: uuid("order_id").references(() => orders.id, { onDelete: "set null" }),
    subscriptionId: uuid("subscription_id").references(() => subscriptions.id, { onDelete: "set null" }),
    httpStatus: integer("http_status"),
    raw: jsonb("raw").notNull(),
    /** Request headers worth keeping (webhook transmission headers); never credentials. */
    headers: jsonb("headers"),
    /** Signature / postback verified. Null for our own API responses (nothing to verify). */
    verified: boolean("verified"),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp("processed_at", { withTimezone: true }),
    /** What processing concluded, e.g. "completed", "ignored:unknown-type", "invalid-data". */
    outcome: text("outcome"),
  },
  (t) => [
    uniqueIndex("payment_events_dedupe_unique").on(t.provider, t.source, t.dedupeKey),
    index("payment_events_order_idx").on(t.orderId, t.receivedAt),
    index("payment_events_subscription_idx").on(t.subscriptionId, t.receivedAt),
    // The admin's search by PayPal payer id: in an order response, a webhook's resource, or an IPN post's fields.
    index("payment_events_payer_idx")
      .on(sql`(${PAYER_ID_SQL})`)
      .where(sql`(${PAYER_ID_SQL}) is not null`),
  ],
);

/** Where an IPN message is on its way from the wire to the permanent log. */
export const ipnMessageState = pgEnum("ipn_message_state", ["received", "validating", "verified", "invalid", "duplicate"]);

/**
 * Every IPN post as it arrived, before anyone knows whether PayPal sent it. Anyone can post here, so this is a
 * bounded, prunable inbox (IPN_RETENTION_DAYS): only messages PayPal answers VERIFIED are appended to the
 * permanent payment_events log. A (txn_id, payment_status) is validated with PayPal once: the partial unique
 * index lets one message per key be validating or verified.
 */
export const ipnMessages = pgTable(
  "ipn_messages",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    ip: text("ip").notNull(),
    /** The body exactly as received (bytes kept as latin1 text: PayPal validates these exact bytes). */
    form: text("form").notNull(),
    /** `txn_id:payment_status`, null when the message has no txn_id. */
    dedupeKey: text("dedupe_key"),
    state: ipnMessageState("state").notNull().default("received"),
    /** Post-backs tried (PayPal unavailable → received again, retried by reconciliation). */
    attempts: integer("attempts").notNull().default(0),
    eventId: bigint("event_id", { mode: "number" }).references(() => paymentEvents.id),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("ipn_messages_validated_once")
      .on(t.dedupeKey)
      .where(sql`${t.state} in ('validating', 'verified')`),
    index("ipn_messages_ip_idx").on(t.ip, t.receivedAt),
    index("ipn_messages_state_idx").on(t.state, t.receivedAt),
  ],
);

/** Where an outbox job is: waiting (or waiting to retry), being run by one worker, done, or given up on. */
export const outboxStatus = pgEnum("outbox_status", ["pending", "running", "done", "dead"]);

/**
 * The transactional outbox: work caused by a change (an LMS enrolment call, an email, an outbound event) is written
 * in the same transaction as the change and carried out after commit by the workers of every app instance. A job
 * is claimed with FOR UPDATE SKIP LOCKED under a lease, so one worker runs it at a time; `dedupe_key` makes
 * "enqueue the receipt of order X" happen once however often the cause is applied.
 */
export const outboxJobs = pgTable(
  "outbox_jobs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    kind: text("kind").notNull(),
    dedupeKey: text("dedupe_key").notNull(),
    payload: jsonb("payload").notNull(),
    status: outboxStatus("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    runAfter: timestamp("run_after", { withTimezone: true }).notNull().defaultNow(),
    /** While running: the lease; past it, the worker is presumed dead and another may take the job. */
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    lastError: text("last_error"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    doneAt: timestamp("done_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("outbox_jobs_dedupe_unique").on(t.dedupeKey),
    index("outbox_jobs_due_idx").on(t.runAfter).where(sql`${t.status} in ('pending', 'running')`),
    index("outbox_jobs_status_idx").on(t.status, t.updatedAt),
    check("outbox_jobs_attempts", sql`${t.attempts} >= 0`),
  ],
);

export { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "../lib/webhooks/event-types";

/** An outgoing webhook endpoint: where events go, signed (Standard Webhooks) with its own secret. */
export const webhookEndpoints = pgTable("webhook_endpoints", {
  id: uuid("id").primaryKey().defaultRandom(),
  url: text("url").notNull(),
  description: text("description").notNull().default(""),
  /** The whsec_… signing secret, AES-256-GCM encrypted (lib/secrets); shown once when created. */
  secretEncrypted: text("secret_encrypted").notNull(),
  eventTypes: text("event_types").array().notNull(),
  enabled: boolean("enabled").notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** Every delivery attempt of an outgoing event: the admin's log (status, response time, what the receiver said). */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    endpointId: uuid("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    /** The webhook-id header: the same for every attempt of one event, so receivers deduplicate on it. */
    messageId: text("message_id").notNull(),
    eventType: text("event_type").notNull(),
    httpStatus: integer("http_status"),
    durationMs: integer("duration_ms").notNull(),
    responseExcerpt: text("response_excerpt"),
    error: text("error"),
    createdAt: createdAt(),
  },
  (t) => [index("webhook_deliveries_endpoint_idx").on(t.endpointId, t.id)],
);

/**
 * Provider OAuth tokens, shared by every app instance (so a fleet asks PayPal for one token, not one each).
 * The token is stored encrypted; `cache_key` names the environment and client id.
 */
export const providerTokens = pgTable("provider_tokens", {
  cacheKey: text("cache_key").primaryKey(),
  provider: paymentProvider("provider").notNull(),
  accessTokenEncrypted: text("access_token_encrypted").notNull(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  updatedAt: updatedAt(),
});

/** Key/value settings; secret values are stored AES-256-GCM encrypted (lib/settings). */
export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
  updatedAt: updatedAt(),
  updatedBy: uuid("updated_by").references(() => users.id, { onDelete: "set null" }),
});

export const adminAuditLog = pgTable(
  "admin_audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    actorId: uuid("actor_id").references(() => users.id, { onDelete: "set null" }),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    details: jsonb("details"),
    createdAt: createdAt(),
  },
  (t) => [
    index("admin_audit_log_created_idx").on(t.createdAt),
    index("admin_audit_log_target_idx").on(t.targetType, t.targetId, t.createdAt),
  ],
);

export type User = typeof users.$inferSelect;
export type Course = typeof courses.$inferSelect;
export type Order = typeof orders.$inferSelect;
export type IpnMessage = typeof ipnMessages.$inferSelect;
export type OrderItem = typeof orderItems.$inferSelect;
export type Payment = typeof payments.$inferSelect;
export type Refund = typeof refunds.$inferSelect;
export type Enrollment = typeof enrollments.$inferSelect;
export type PaymentEvent = typeof paymentEvents.$inferSelect;
export type OrderStatusChange = typeof orderStatusChanges.$inferSelect;
export type AdminAuditEntry = typeof adminAuditLog.$inferSelect;

export type OrderStatus = (typeof orderStatus.enumValues)[number];
export type PaymentStatus = (typeof paymentStatus.enumValues)[number];
export type EnrollmentMode = (typeof enrollmentMode.enumValues)[number];
export type UserRole = (typeof userRole.enumValues)[number];
export type SubscriptionProduct = typeof subscriptionProducts.$inferSelect;
export type SubscriptionPrice = typeof subscriptionPrices.$inferSelect;
export type Subscription = typeof subscriptions.$inferSelect;
export type SubscriptionPayment = typeof subscriptionPayments.$inferSelect;
export type SubscriptionStatus = (typeof subscriptionStatus.enumValues)[number];
export type SubscriptionKind = (typeof subscriptionKind.enumValues)[number];
export type BillingInterval = (typeof billingInterval.enumValues)[number];
export type OutboxJob = typeof outboxJobs.$inferSelect;
export type GatewayConnection = typeof gatewayConnections.$inferSelect;
export type GatewayHandoff = typeof gatewayHandoffs.$inferSelect;
export type GatewayCall = typeof gatewayCalls.$inferSelect;
export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
export type CourseSection = typeof courseSections.$inferSelect;
export type Lesson = typeof lessons.$inferSelect;
export type Certificate = typeof certificates.$inferSelect;
