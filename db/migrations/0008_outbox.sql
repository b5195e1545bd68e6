CREATE TYPE "public"."outbox_status" AS ENUM('pending', 'running', 'done', 'dead');--> statement-breakpoint
CREATE TABLE "outbox_jobs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"payload" jsonb NOT NULL,
	"status" "outbox_status" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"run_after" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"done_at" timestamp with time zone,
	CONSTRAINT "outbox_jobs_attempts" CHECK ("outbox_jobs"."attempts" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_jobs_dedupe_unique" ON "outbox_jobs" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "outbox_jobs_due_idx" ON "outbox_jobs" USING btree ("run_after") WHERE "outbox_jobs"."status" in ('pending', 'running');--> statement-breakpoint
CREATE INDEX "outbox_jobs_status_idx" ON "outbox_jobs" USING btree ("status","updated_at");