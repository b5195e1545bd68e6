CREATE TYPE "public"."billing_interval" AS ENUM('day', 'week', 'month', 'year');--> statement-breakpoint
CREATE TYPE "public"."subscription_kind" AS ENUM('membership', 'plan');--> statement-breakpoint
CREATE TYPE "public"."subscription_payment_status" AS ENUM('completed', 'partially_refunded', 'refunded', 'reversed', 'declined');--> statement-breakpoint
CREATE TYPE "public"."subscription_status" AS ENUM('pending', 'active', 'suspended', 'cancelled', 'expired', 'completed', 'abandoned');--> statement-breakpoint
ALTER TYPE "public"."enrollment_source" ADD VALUE 'subscription';--> statement-breakpoint
CREATE TABLE "provider_plans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"provider" "payment_provider" NOT NULL,
	"product_id" uuid NOT NULL,
	"price_id" uuid,
	"provider_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subscription_payments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subscription_id" uuid NOT NULL,
	"provider" "payment_provider" NOT NULL,
	"provider_payment_id" text NOT NULL,
	"status" "subscription_payment_status" NOT NULL,
	"gross_minor" bigint NOT NULL,
	"fee_minor" bigint,
	"refunded_minor" bigint DEFAULT 0 NOT NULL,
	"currency" char(3) NOT NULL,
	"paid_at" timestamp with time zone NOT NULL,
	"raw" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subscription_payments_gross_positive" CHECK ("subscription_payments"."gross_minor" > 0),
	CONSTRAINT "subscription_payments_refunded" CHECK ("subscription_payments"."refunded_minor" between 0 and "subscription_payments"."gross_minor")
);
--> statement-breakpoint
CREATE TABLE "subscription_prices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"product_id" uuid NOT NULL,
	"currency" char(3) NOT NULL,
	"version" integer NOT NULL,
	"amount_minor" bigint NOT NULL,
	"setup_fee_minor" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subscription_prices_amount_positive" CHECK ("subscription_prices"."amount_minor" > 0),
	CONSTRAINT "subscription_prices_setup_fee" CHECK ("subscription_prices"."setup_fee_minor" >= 0)
);
--> statement-breakpoint
CREATE TABLE "subscription_product_courses" (
	"product_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	CONSTRAINT "subscription_product_courses_product_id_course_id_pk" PRIMARY KEY("product_id","course_id")
);
--> statement-breakpoint
CREATE TABLE "subscription_products" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"kind" "subscription_kind" NOT NULL,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"interval" "billing_interval" NOT NULL,
	"interval_count" integer DEFAULT 1 NOT NULL,
	"trial_days" integer DEFAULT 0 NOT NULL,
	"instalments" integer,
	"course_id" uuid,
	"all_courses" boolean DEFAULT false NOT NULL,
	"published" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subscription_products_slug_unique" UNIQUE("slug"),
	CONSTRAINT "subscription_products_plan_shape" CHECK (("subscription_products"."kind" = 'plan') = ("subscription_products"."course_id" is not null and "subscription_products"."instalments" is not null)),
	CONSTRAINT "subscription_products_plan_no_trial" CHECK ("subscription_products"."kind" = 'membership' or ("subscription_products"."trial_days" = 0 and not "subscription_products"."all_courses")),
	CONSTRAINT "subscription_products_instalments" CHECK ("subscription_products"."instalments" is null or "subscription_products"."instalments" between 2 and 36),
	CONSTRAINT "subscription_products_interval_count" CHECK ("subscription_products"."interval_count" between 1 and 12),
	CONSTRAINT "subscription_products_trial_days" CHECK ("subscription_products"."trial_days" between 0 and 90),
	CONSTRAINT "subscription_products_slug_format" CHECK ("subscription_products"."slug" ~ '^[a-z0-9]+(-[a-z0-9]+)*$')
);
--> statement-breakpoint
CREATE TABLE "subscriptions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"price_id" uuid NOT NULL,
	"provider" "payment_provider" NOT NULL,
	"provider_subscription_id" text,
	"status" "subscription_status" DEFAULT 'pending' NOT NULL,
	"paid_through" timestamp with time zone,
	"next_billing_at" timestamp with time zone,
	"failed_payments" integer DEFAULT 0 NOT NULL,
	"outstanding_minor" bigint DEFAULT 0 NOT NULL,
	"instalments_paid" integer DEFAULT 0 NOT NULL,
	"cancelled_at" timestamp with time zone,
	"attention_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subscriptions_outstanding" CHECK ("subscriptions"."outstanding_minor" >= 0)
);
--> statement-breakpoint
ALTER TABLE "enrollments" ADD COLUMN "subscription_id" uuid;--> statement-breakpoint
ALTER TABLE "enrollments" ADD COLUMN "access_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "payment_events" ADD COLUMN "subscription_id" uuid;--> statement-breakpoint
ALTER TABLE "provider_plans" ADD CONSTRAINT "provider_plans_product_id_subscription_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."subscription_products"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provider_plans" ADD CONSTRAINT "provider_plans_price_id_subscription_prices_id_fk" FOREIGN KEY ("price_id") REFERENCES "public"."subscription_prices"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_payments" ADD CONSTRAINT "subscription_payments_subscription_id_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."subscriptions"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_prices" ADD CONSTRAINT "subscription_prices_product_id_subscription_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."subscription_products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_product_courses" ADD CONSTRAINT "subscription_product_courses_product_id_subscription_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."subscription_products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_product_courses" ADD CONSTRAINT "subscription_product_courses_course_id_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_products" ADD CONSTRAINT "subscription_products_course_id_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_product_id_subscription_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."subscription_products"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_price_id_subscription_prices_id_fk" FOREIGN KEY ("price_id") REFERENCES "public"."subscription_prices"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "provider_plans_product_unique" ON "provider_plans" USING btree ("provider","product_id") WHERE "provider_plans"."price_id" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "provider_plans_price_unique" ON "provider_plans" USING btree ("provider","price_id") WHERE "provider_plans"."price_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "provider_plans_provider_id_unique" ON "provider_plans" USING btree ("provider","provider_id");--> statement-breakpoint
CREATE UNIQUE INDEX "subscription_payments_provider_unique" ON "subscription_payments" USING btree ("provider","provider_payment_id");--> statement-breakpoint
CREATE INDEX "subscription_payments_subscription_idx" ON "subscription_payments" USING btree ("subscription_id","paid_at");--> statement-breakpoint
CREATE UNIQUE INDEX "subscription_prices_version_unique" ON "subscription_prices" USING btree ("product_id","currency","version");--> statement-breakpoint
CREATE UNIQUE INDEX "subscriptions_provider_id_unique" ON "subscriptions" USING btree ("provider","provider_subscription_id");--> statement-breakpoint
CREATE UNIQUE INDEX "subscriptions_one_running" ON "subscriptions" USING btree ("user_id","product_id") WHERE "subscriptions"."status" in ('active', 'suspended');--> statement-breakpoint
CREATE INDEX "subscriptions_user_idx" ON "subscriptions" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "subscriptions_status_idx" ON "subscriptions" USING btree ("status","updated_at");--> statement-breakpoint
ALTER TABLE "enrollments" ADD CONSTRAINT "enrollments_subscription_id_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."subscriptions"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_events" ADD CONSTRAINT "payment_events_subscription_id_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."subscriptions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "enrollments_subscription_idx" ON "enrollments" USING btree ("subscription_id");--> statement-breakpoint
CREATE INDEX "payment_events_subscription_idx" ON "payment_events" USING btree ("subscription_id","received_at");--> statement-breakpoint
ALTER TABLE "enrollments" ADD CONSTRAINT "enrollments_subscription" CHECK (("enrollments"."source"::text = 'subscription') = ("enrollments"."subscription_id" IS NOT NULL));--> statement-breakpoint
ALTER TABLE "enrollments" ADD CONSTRAINT "enrollments_access_until" CHECK ("enrollments"."access_until" IS NULL OR "enrollments"."source"::text = 'subscription');