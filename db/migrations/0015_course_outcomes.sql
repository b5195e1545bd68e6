ALTER TABLE "courses" ADD COLUMN "instructor_bio" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "courses" ADD COLUMN "outcomes" text DEFAULT '' NOT NULL;