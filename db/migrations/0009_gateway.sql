CREATE TABLE "gateway_calls" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"handoff_id" uuid NOT NULL,
	"request" jsonb NOT NULL,
	"http_status" integer,
	"response" jsonb,
	"error" text,
	"duration_ms" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gateway_connections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"public_key_pem" text NOT NULL,
	"audience" text NOT NULL,
	"enrolment_url" text NOT NULL,
	"api_key_encrypted" text NOT NULL,
	"redirect_origins" text[] NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "gateway_connections_slug_unique" UNIQUE("slug"),
	CONSTRAINT "gateway_connections_slug_format" CHECK ("gateway_connections"."slug" ~ '^[a-z0-9]+(-[a-z0-9]+)*$')
);
--> statement-breakpoint
CREATE TABLE "gateway_handoffs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"connection_id" uuid NOT NULL,
	"jti" text NOT NULL,
	"sub" text NOT NULL,
	"lms_course" text NOT NULL,
	"lms_class" text NOT NULL,
	"title" text NOT NULL,
	"price_minor" bigint NOT NULL,
	"currency" char(3) NOT NULL,
	"redirect_url" text NOT NULL,
	"claims" jsonb NOT NULL,
	"browser_hash" text NOT NULL,
	"enrolled_at" timestamp with time zone,
	"removal_needed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "gateway_handoffs_price_positive" CHECK ("gateway_handoffs"."price_minor" > 0)
);
--> statement-breakpoint
ALTER TABLE "order_items" ALTER COLUMN "course_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ALTER COLUMN "user_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "order_items" ADD COLUMN "external_ref" text;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "gateway_handoff_id" uuid;--> statement-breakpoint
ALTER TABLE "gateway_calls" ADD CONSTRAINT "gateway_calls_handoff_id_gateway_handoffs_id_fk" FOREIGN KEY ("handoff_id") REFERENCES "public"."gateway_handoffs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gateway_handoffs" ADD CONSTRAINT "gateway_handoffs_connection_id_gateway_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."gateway_connections"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "gateway_calls_handoff_idx" ON "gateway_calls" USING btree ("handoff_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "gateway_handoffs_jti_unique" ON "gateway_handoffs" USING btree ("connection_id","jti");--> statement-breakpoint
CREATE INDEX "gateway_handoffs_learner_idx" ON "gateway_handoffs" USING btree ("connection_id","sub","lms_class");--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_gateway_handoff_id_gateway_handoffs_id_fk" FOREIGN KEY ("gateway_handoff_id") REFERENCES "public"."gateway_handoffs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "orders_gateway_handoff_idx" ON "orders" USING btree ("gateway_handoff_id");--> statement-breakpoint
ALTER TABLE "order_items" ADD CONSTRAINT "order_items_one_product" CHECK (("order_items"."course_id" is null) <> ("order_items"."external_ref" is null));--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_one_buyer" CHECK (("orders"."user_id" is null) <> ("orders"."gateway_handoff_id" is null));