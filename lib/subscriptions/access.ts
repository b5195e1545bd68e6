import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { subscriptionProducts, subscriptions } from "@/db/schema";
import { canViewContent, getAccess, type Access } from "@/lib/enrollment";
import { includedCourseIds } from "./catalog";
import { accessUntil } from "./state";
import { applyAccess } from "./sync";

/**
 * A course's access for a buyer, counting their subscriptions: a membership opens courses published after it
 * started too, so when the buyer's own enrollment does not open the course, their subscriptions that include it
 * and are paid up are asked, and the first that opens it writes the enrollment (as every renewal does).
 */
export async function accessWithSubscriptions(db: Db, userId: string, courseId: string, now = new Date()): Promise<Access> {
  const access = await getAccess(db, userId, courseId);
  if (canViewContent(access, now)) return access;
  const running = await db
    .select({ subscription: subscriptions, product: subscriptionProducts })
    .from(subscriptions)
    .innerJoin(subscriptionProducts, eq(subscriptionProducts.id, subscriptions.productId))
    .where(and(eq(subscriptions.userId, userId), inArray(subscriptions.status, ["active", "cancelled", "expired", "completed"])));
  for (const { subscription, product } of running) {
    const until = accessUntil(subscription.status, subscription.paidThrough, now);
    if (until !== null && until <= now) continue;
    if (!(await includedCourseIds(db, product)).includes(courseId)) continue;
    await db.transaction(async (tx) => {
      const [locked] = await tx.select().from(subscriptions).where(eq(subscriptions.id, subscription.id)).for("update");
      await applyAccess(tx, locked!, product, now);
    });
    return getAccess(db, userId, courseId);
  }
  return access;
}
