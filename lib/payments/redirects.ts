import { z } from "zod";
import type { ProviderName } from "./types";

/**
 * The redirect flow (the buyer leaves for the provider's own page and comes back): where each provider sends the
 * buyer back, and how it names its order in that URL. PayPal appends `?token=<order id>&PayerID=…` to the URLs it
 * was given; Stripe fills `{CHECKOUT_SESSION_ID}` in. The return route captures through the same captureCheckout()
 * as the in-page buttons, then redirects to the receipt (lib/payments/checkout.ts).
 */
export const RETURN_ID: Record<ProviderName, { param: string; schema: z.ZodString }> = {
  paypal: { param: "token", schema: z.string().regex(/^[A-Z0-9]{10,36}$/) },
  stripe: { param: "session_id", schema: z.string().regex(/^cs_(test|live)_\w{10,200}$/) },
};

export const providerName = z.enum(["paypal", "stripe"] satisfies ProviderName[]);

export function returnUrls(origin: string, provider: ProviderName): { success: string; cancel: string } {
  const template = provider === "stripe" ? "?session_id={CHECKOUT_SESSION_ID}" : "";
  return { success: `${origin}/api/payments/${provider}/return${template}`, cancel: `${origin}/api/payments/${provider}/cancel${template}` };
}

/** The provider's order named in a return or cancel URL, or null when it is missing or malformed. */
export function returnedId(provider: ProviderName, url: URL): string | null {
  const { param, schema } = RETURN_ID[provider];
  const parsed = schema.safeParse(url.searchParams.get(param));
  return parsed.success ? parsed.data : null;
}
