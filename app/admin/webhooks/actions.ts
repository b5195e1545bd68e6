"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { recordAdminAction } from "@/lib/audit";
import { requireAdmin } from "@/lib/auth/session";
import { formFields, invalid, malformed, type FormState } from "@/lib/forms";
import { sendTestEvent } from "@/lib/webhooks/deliver";
import { createEndpoint, endpointById, endpointFormSchema, updateEndpoint } from "@/lib/webhooks/endpoints";

const parseForm = (formData: FormData) => endpointFormSchema.safeParse({ ...formFields(formData), eventTypes: formData.getAll("eventTypes") });

/** A new endpoint: its signing secret is in this answer and nowhere else the admin can see it again. */
export async function createEndpointAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const admin = await requireAdmin();
  const parsed = parseForm(formData);
  if (!parsed.success) return invalid(parsed.error, formFields(formData));
  const { endpoint, secret } = await createEndpoint(getDb(), admin.id, parsed.data);
  revalidatePath("/admin/webhooks");
  return { ok: true, message: "Endpoint created. Copy its signing secret now: it is not shown again.", reveal: { label: "Signing secret", value: secret }, values: { id: endpoint.id } };
}

export async function updateEndpointAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const admin = await requireAdmin();
  const id = z.uuid().safeParse(formData.get("id"));
  if (!id.success) return malformed;
  const parsed = parseForm(formData);
  if (!parsed.success) return invalid(parsed.error, formFields(formData));
  const saved = await updateEndpoint(getDb(), admin.id, id.data, parsed.data);
  if (!saved) return { ok: false, message: "This endpoint no longer exists." };
  revalidatePath(`/admin/webhooks/${id.data}`);
  return { ok: true, message: "Endpoint saved." };
}

/** "Send test event": one signed `webhook.test` delivery now; its result is logged and shown. */
export async function testEndpointAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const admin = await requireAdmin();
  const id = z.uuid().safeParse(formData.get("id"));
  if (!id.success) return malformed;
  const db = getDb();
  const endpoint = await endpointById(db, id.data);
  if (!endpoint) return { ok: false, message: "This endpoint no longer exists." };
  const result = await sendTestEvent(db, endpoint);
  await recordAdminAction(db, admin.id, "webhook_endpoint.tested", { type: "webhook_endpoint", id: endpoint.id }, { status: result.status, durationMs: result.durationMs });
  revalidatePath(`/admin/webhooks/${endpoint.id}`);
  return result.ok
    ? { ok: true, message: `Delivered: the endpoint answered ${result.status} in ${result.durationMs} ms.` }
    : { ok: false, message: result.status ? `The endpoint answered ${result.status} (${result.durationMs} ms).` : `No answer: ${result.error}` };
}
