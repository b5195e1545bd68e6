"use server";

import { revalidatePath } from "next/cache";
import type { z } from "zod";
import { getDb } from "@/db/client";
import type { Db } from "@/db/client";
import { requireAdmin } from "@/lib/auth/session";
import { formFields, invalid, type FormState } from "@/lib/forms";
import { paymentSettingsInput, savePaymentSettings, testPayPalConnection } from "@/lib/settings/payments";
import type { ConnectionResult, SaveResult } from "@/lib/settings/row";
import { saveStripeSettings, stripeSettingsInput, testStripeConnection } from "@/lib/settings/stripe";

type Provider<S extends z.ZodType> = {
  input: S;
  /** The form's repeated currency checkboxes. */
  currencyField: string;
  /** Fields never sent back to the browser, even after a refused save. */
  isSecret: (name: string) => boolean;
  save: (db: Db, actorId: string, input: z.output<S>) => Promise<SaveResult>;
  test: (db: Db, actorId: string, input: z.output<S>) => Promise<ConnectionResult>;
};

/**
 * A provider's settings form: `intent=test` asks the provider whether the keys work, anything else saves. Both read
 * the same fields, so the admin can test what they typed before saving it.
 */
async function settingsForm<S extends z.ZodType>(provider: Provider<S>, formData: FormData): Promise<FormState> {
  const admin = await requireAdmin();
  const fields = formFields(formData);
  const currencies = formData.getAll(provider.currencyField);
  // What the form shows again after an error; secrets are never sent back to the browser.
  const values = { ...Object.fromEntries(Object.entries(fields).filter(([name]) => !provider.isSecret(name))), [provider.currencyField]: currencies.join(",") };
  const parsed = provider.input.safeParse({ ...fields, [provider.currencyField]: currencies });
  if (!parsed.success) return invalid(parsed.error, values);

  if (fields.intent === "test") return provider.test(getDb(), admin.id, parsed.data);

  const saved = await provider.save(getDb(), admin.id, parsed.data);
  if (!saved.ok) return { ok: false, message: "Please correct the highlighted fields. Nothing was saved.", fieldErrors: saved.fieldErrors, values };
  revalidatePath("/admin/settings/payments");
  return { ok: true, message: saved.changed.length ? "Saved. Every app instance uses the new settings within a few seconds." : "Nothing to save: these are the settings in force." };
}

export async function paymentSettingsAction(_prev: FormState, formData: FormData): Promise<FormState> {
  return settingsForm(
    { input: paymentSettingsInput, currencyField: "allowedCurrencies", isSecret: (name) => name.endsWith("ClientSecret"), save: savePaymentSettings, test: testPayPalConnection },
    formData,
  );
}

export async function stripeSettingsAction(_prev: FormState, formData: FormData): Promise<FormState> {
  return settingsForm(
    { input: stripeSettingsInput, currencyField: "currencies", isSecret: (name) => name.endsWith("SecretKey") || name.endsWith("WebhookSecret"), save: saveStripeSettings, test: testStripeConnection },
    formData,
  );
}
