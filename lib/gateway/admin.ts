import "server-only";
import { eq } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { gatewayConnections, gatewayHandoffs, type GatewayCall, type GatewayConnection, type GatewayHandoff } from "@/db/schema";
import { flattenJson, type FlatField } from "@/lib/admin/flatten";
import { callsOf, enrolmentState, type EnrolmentState } from "./enrolment";

export type GatewayOrderDetail = {
  handoff: GatewayHandoff;
  connection: Pick<GatewayConnection, "id" | "name" | "slug">;
  claims: FlatField[];
  enrolment: { state: EnrolmentState; lastError: string | null };
  calls: (GatewayCall & { fields: FlatField[] })[];
};

/** What the admin's transaction page shows of an LMS learner's order: the token's claims and every enrolment call. */
export async function gatewayOrderDetail(db: Queryable, handoffId: string): Promise<GatewayOrderDetail | null> {
  const [row] = await db
    .select({ handoff: gatewayHandoffs, connection: { id: gatewayConnections.id, name: gatewayConnections.name, slug: gatewayConnections.slug } })
    .from(gatewayHandoffs)
    .innerJoin(gatewayConnections, eq(gatewayConnections.id, gatewayHandoffs.connectionId))
    .where(eq(gatewayHandoffs.id, handoffId));
  if (!row) return null;
  const [enrolment, calls] = await Promise.all([enrolmentState(db, row.handoff), callsOf(db, [handoffId])]);
  return {
    ...row,
    claims: flattenJson(row.handoff.claims),
    enrolment,
    calls: calls.map((call) => ({ ...call, fields: flattenJson({ request: call.request, status: call.httpStatus, response: call.response, error: call.error }) })),
  };
}
