CREATE TYPE "public"."ipn_message_state" AS ENUM('received', 'validating', 'verified', 'invalid', 'duplicate');--> statement-breakpoint
CREATE TABLE "ipn_messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ip" text NOT NULL,
	"form" text NOT NULL,
	"dedupe_key" text,
	"state" "ipn_message_state" DEFAULT 'received' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"event_id" bigint,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ipn_messages" ADD CONSTRAINT "ipn_messages_event_id_payment_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."payment_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "ipn_messages_validated_once" ON "ipn_messages" USING btree ("dedupe_key") WHERE "ipn_messages"."state" in ('validating', 'verified');--> statement-breakpoint
CREATE INDEX "ipn_messages_ip_idx" ON "ipn_messages" USING btree ("ip","received_at");--> statement-breakpoint
CREATE INDEX "ipn_messages_state_idx" ON "ipn_messages" USING btree ("state","received_at");--> statement-breakpoint
CREATE INDEX "sign_in_attempts_email_ip_idx" ON "sign_in_attempts" USING btree ("email","ip","created_at");