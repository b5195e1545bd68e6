"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db/client";
import { requireAdmin } from "@/lib/auth/session";
import { formFields, invalid, type FormState } from "@/lib/forms";
import { paymentSettingsInput, savePaymentSettings, testPayPalConnection } from "@/lib/settings/payments";
import { testStripeConnection } from "@/lib/settings/stripe";

/**
 * The payment settings form: `intent=test` asks PayPal whether the credentials work, anything else saves.
 * Both read the same fields, so the admin can test what they typed before saving it.
 */
export async function paymentSettingsAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const admin = await requireAdmin();
  const fields = formFields(formData);
  const currencies = formData.getAll("allowedCurrencies");
  // What the form shows again after an error; secrets are never sent back to the browser.
  const values = {
    ...Object.fromEntries(Object.entries(fields).filter(([name]) => !name.endsWith("ClientSecret"))),
    allowedCurrencies: currencies.join(","),
  };
  const parsed = paymentSettingsInput.safeParse({ ...fields, allowedCurrencies: currencies });
  if (!parsed.success) return invalid(parsed.error, values);

  if (fields.intent === "test") return testPayPalConnection(getDb(), admin.id, parsed.data);

  const saved = await savePaymentSettings(getDb(), admin.id, parsed.data);
  if (!saved.ok) return { ok: false, message: "Please correct the highlighted fields. Nothing was saved.", fieldErrors: saved.fieldErrors, values };
  revalidatePath("/admin/settings/payments");
  return { ok: true, message: saved.changed.length ? "Saved. Every app instance uses the new settings within a few seconds." : "Nothing to save: these are the settings in force." };
}

/** "Test Stripe connection": asks Stripe whether the configured secret key works. */
export async function testStripeConnectionAction(_prev: FormState, _formData: FormData): Promise<FormState> {
  const admin = await requireAdmin();
  return testStripeConnection(getDb(), admin.id);
}
