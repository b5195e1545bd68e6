import "server-only";
import { and, desc, eq, lt } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { ipnMessageState, ipnMessages, type IpnMessage } from "@/db/schema";
import { ipnFields } from "@/lib/paypal/ipn";

export const IPN_STATES = ipnMessageState.enumValues;
export type IpnState = (typeof IPN_STATES)[number];

export type InboxLine = Pick<IpnMessage, "id" | "ip" | "state" | "attempts" | "receivedAt" | "eventId"> & { fields: Record<string, string> };

/** The IPN inbox for the admin, newest first, one keyset page at a time (`before` = the last id seen). */
export async function listIpnInbox(db: Queryable, options: { state?: IpnState; before?: number; limit: number }) {
  const rows = await db
    .select()
    .from(ipnMessages)
    .where(and(options.state ? eq(ipnMessages.state, options.state) : undefined, options.before ? lt(ipnMessages.id, options.before) : undefined))
    .orderBy(desc(ipnMessages.id))
    .limit(options.limit + 1);
  const lines: InboxLine[] = rows.slice(0, options.limit).map(({ form, ...row }) => ({ ...row, fields: ipnFields(Buffer.from(form, "latin1")) }));
  return { lines, next: rows.length > options.limit ? lines.at(-1)!.id : null };
}
