DROP INDEX "orders_currency_created_idx";--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "course_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL;--> statement-breakpoint
-- Existing orders get the store courses of their items (an LMS order's items name no store course).
UPDATE "orders" SET "course_ids" = "items"."course_ids" FROM (
  SELECT "order_id", array_agg("course_id" ORDER BY "course_id") AS "course_ids" FROM "order_items" WHERE "course_id" IS NOT NULL GROUP BY "order_id"
) AS "items" WHERE "items"."order_id" = "orders"."id";--> statement-breakpoint
CREATE INDEX "orders_currency_created_idx" ON "orders" USING btree ("currency","created_at","status","id","course_ids");