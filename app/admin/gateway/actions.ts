"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db/client";
import { requireAdmin } from "@/lib/auth/session";
import { connectionFormSchema, connectionFormValues, saveConnection } from "@/lib/gateway/connections";
import { formFields, invalid, malformed, type FormState } from "@/lib/forms";

/** Creates (no `id` field) or updates an LMS connection; the API key is never echoed back to the form. */
export async function saveConnectionAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const admin = await requireAdmin();
  const { apiKey: _secret, ...fields } = formFields(formData);
  const id = fields.id ? z.uuid().safeParse(fields.id) : null;
  if (id && !id.success) return malformed;
  const parsed = await connectionFormSchema.safeParseAsync({ ...fields, apiKey: formData.get("apiKey") ?? "" });
  if (!parsed.success) return invalid(parsed.error, fields);
  const result = await saveConnection(getDb(), admin.id, id?.data ?? null, parsed.data);
  if (!result.ok) return { ...result, values: fields };
  if (!id) redirect(`/admin/gateway/${result.connection.id}?created=1`);
  return { ok: true, message: "Connection saved.", values: connectionFormValues(result.connection) };
}
