import "server-only";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Queryable } from "@/db/client";
import { settings } from "@/db/schema";
import { CURRENCIES, type CurrencyCode } from "@/lib/money";

/**
 * The store's PayPal settings as an admin saved them (settings row `payments.paypal`), over environment defaults.
 * (Skeleton: the settings page and credential handling build on this.)
 */
export const PAYMENT_SETTINGS_KEY = "payments.paypal";

const stored = z.object({
  allowedCurrencies: z.array(z.enum(CURRENCIES as [CurrencyCode, ...CurrencyCode[]])).min(1).optional(),
});

export type PaymentSettings = { allowedCurrencies: CurrencyCode[] };

export async function readPaymentSettings(db: Queryable): Promise<PaymentSettings> {
  const [row] = await db.select().from(settings).where(eq(settings.key, PAYMENT_SETTINGS_KEY));
  const value = row ? stored.parse(row.value) : {};
  return { allowedCurrencies: value.allowedCurrencies ?? [...CURRENCIES] };
}
