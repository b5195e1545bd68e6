import "server-only";
import { and, desc, eq, lt } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { adminAuditLog, users, type AdminAuditEntry } from "@/db/schema";

export type AdminAction =
  | "settings.payments.updated"
  | "settings.payments.tested"
  | "settings.stripe.updated"
  | "settings.stripe.tested"
  | "course.created"
  | "course.updated"
  | "course.outline_changed"
  | "refund.requested"
  | "order.reconciled"
  | "subscription.cancel"
  | "subscription.suspend"
  | "subscription.refund_last"
  | "subscription_product.saved"
  | "outbox.retried"
  | "gateway_connection.created"
  | "gateway_connection.updated"
  | "webhook_endpoint.created"
  | "webhook_endpoint.updated"
  | "webhook_endpoint.tested";

export type AuditTarget = { type: "order" | "course" | "settings" | "subscription" | "subscription_product" | "outbox_job" | "gateway_connection" | "webhook_endpoint"; id: string };

/**
 * Writes one line of the admin audit log. Call it with the transaction that makes the change, so the log and
 * the change are committed together or not at all. `details` must never hold a secret.
 */
export async function recordAdminAction(
  tx: Queryable,
  actorId: string,
  action: AdminAction,
  target: AuditTarget,
  details: Record<string, unknown> = {},
): Promise<void> {
  await tx.insert(adminAuditLog).values({ actorId, action, targetType: target.type, targetId: target.id, details });
}

export type AuditLine = AdminAuditEntry & { actorEmail: string | null };
/** Ids grow with time; paging on the id alone is exact (a timestamp cursor would lose microseconds in JS). */
export type AuditCursor = { id: number };

/** Newest first, keyset-paginated; optionally the lines about one target (an order's refunds and checks). */
export async function listAuditLog(
  db: Queryable,
  options: { limit?: number; before?: AuditCursor; target?: AuditTarget } = {},
): Promise<{ lines: AuditLine[]; next: AuditCursor | null }> {
  const limit = options.limit ?? 50;
  const before = options.before;
  const rows = await db
    .select({ line: adminAuditLog, actorEmail: users.email })
    .from(adminAuditLog)
    .leftJoin(users, eq(users.id, adminAuditLog.actorId))
    .where(
      and(
        options.target ? and(eq(adminAuditLog.targetType, options.target.type), eq(adminAuditLog.targetId, options.target.id)) : undefined,
        before ? lt(adminAuditLog.id, before.id) : undefined,
      ),
    )
    .orderBy(desc(adminAuditLog.id))
    .limit(limit + 1);
  const lines = rows.slice(0, limit).map((r) => ({ ...r.line, actorEmail: r.actorEmail }));
  const last = lines.at(-1);
  return { lines, next: rows.length > limit && last ? { id: last.id } : null };
}
