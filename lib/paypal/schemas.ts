/**
 * The parts of PayPal's responses we read, validated at the boundary (everything else passes through
 * untouched and is kept raw in the payment events log).
 */
import { z } from "zod";

export const paypalMoney = z.object({ currency_code: z.string().length(3), value: z.string().max(32) });
const link = z.looseObject({ href: z.string(), rel: z.string() });

export const captureSchema = z.looseObject({
  id: z.string().min(1),
  status: z.enum(["COMPLETED", "DECLINED", "PARTIALLY_REFUNDED", "PENDING", "REFUNDED", "FAILED"]),
  status_details: z.looseObject({ reason: z.string() }).optional(),
  amount: paypalMoney,
  custom_id: z.string().optional(),
  invoice_id: z.string().optional(),
  seller_receivable_breakdown: z
    .looseObject({ gross_amount: paypalMoney, paypal_fee: paypalMoney.optional(), net_amount: paypalMoney.optional() })
    .optional(),
  supplementary_data: z.looseObject({ related_ids: z.looseObject({ order_id: z.string().optional() }).optional() }).optional(),
  links: z.array(link).optional(),
});
export type PayPalCapture = z.infer<typeof captureSchema>;

export const refundSchema = z.looseObject({
  id: z.string().min(1),
  status: z.enum(["CANCELLED", "FAILED", "PENDING", "COMPLETED"]),
  amount: paypalMoney,
  custom_id: z.string().optional(),
  links: z.array(link).optional(),
});
export type PayPalRefund = z.infer<typeof refundSchema>;

export const orderSchema = z.looseObject({
  id: z.string().min(1),
  status: z.enum(["CREATED", "SAVED", "APPROVED", "VOIDED", "COMPLETED", "PAYER_ACTION_REQUIRED"]),
  purchase_units: z
    .array(
      z.looseObject({
        custom_id: z.string().optional(),
        payments: z.looseObject({ captures: z.array(captureSchema).optional(), refunds: z.array(refundSchema).optional() }).optional(),
      }),
    )
    .optional(),
  links: z.array(z.looseObject({ href: z.string(), rel: z.string() })).optional(),
});
export type PayPalOrder = z.infer<typeof orderSchema>;

export const tokenSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number().int().positive(),
});
