"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { recordAdminAction } from "@/lib/audit";
import { requireAdmin } from "@/lib/auth/session";
import { formFields, malformed, type FormState } from "@/lib/forms";
import { retryNow } from "@/lib/outbox";

const input = z.object({ jobId: z.coerce.number().int().positive() });

/** "Retry now" on a job the outbox gave up on (or one waiting for its next try): due at once, audited. */
export async function retryJobAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const admin = await requireAdmin();
  const parsed = input.safeParse(formFields(formData));
  if (!parsed.success) return malformed;
  const db = getDb();
  const retried = await db.transaction(async (tx) => {
    const ok = await retryNow(tx, parsed.data.jobId);
    if (ok) await recordAdminAction(tx, admin.id, "outbox.retried", { type: "outbox_job", id: String(parsed.data.jobId) });
    return ok;
  });
  revalidatePath("/admin/outbox");
  return retried ? { ok: true, message: "Queued: a worker runs it within a few seconds." } : { ok: false, message: "This job is done or already running: nothing to retry." };
}
