CREATE TABLE "provider_tokens" (
	"cache_key" text PRIMARY KEY NOT NULL,
	"provider" "payment_provider" NOT NULL,
	"access_token_encrypted" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "capture_attempt" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "capture_started_at" timestamp with time zone;