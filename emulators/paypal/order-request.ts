/**
 * Validation of the Orders v2 create body (`order_request`, reference §3.2-§3.3): schema limits answer 400,
 * arithmetic and currency rules answer 422, each with PayPal's issue code and a JSON-pointer `field`.
 */
import { badRequest, unprocessable } from "./errors";
import { formatMinor, money, type Money } from "./money";
import {
  arrayField,
  bodyObject,
  isJsonObject,
  moneyField,
  objectField,
  stringField,
  URL_PATTERN,
  type JsonObject,
  type ParsedMoney,
} from "./validation";

export interface OrderItem {
  name: string;
  quantity: string;
  unitAmountMinor: bigint;
  sku: string | undefined;
  /** The item as PayPal echoes it, with money normalised to the currency's precision. */
  view: JsonObject;
}

export interface PurchaseUnit {
  referenceId: string;
  currency: string;
  totalMinor: bigint;
  amount: JsonObject;
  description: string | undefined;
  customId: string | undefined;
  invoiceId: string | undefined;
  softDescriptor: string | undefined;
  items: OrderItem[];
}

export interface Experience {
  brandName: string | undefined;
  returnUrl: string | undefined;
  cancelUrl: string | undefined;
}

export interface OrderRequest {
  intent: "CAPTURE" | "AUTHORIZE";
  purchaseUnits: PurchaseUnit[];
  /** `payment_source.paypal` was sent: the order starts as PAYER_ACTION_REQUIRED with a `payer-action` link. */
  paymentSourceSent: boolean;
  experience: Experience;
}

const BREAKDOWN_ADDITIONS = ["item_total", "tax_total", "shipping", "handling", "insurance"] as const;
const BREAKDOWN_SUBTRACTIONS = ["shipping_discount", "discount"] as const;
const QUANTITY = /^[1-9][0-9]{0,9}$/;
const CATEGORIES = ["DIGITAL_GOODS", "PHYSICAL_GOODS", "DONATION"] as const;
const MERCHANT_ID = /^[2-9A-HJ-NP-Z]{13}$/;

/** The pointer PayPal uses for business-rule errors inside a purchase unit. */
const unitPointer = (referenceId: string) => `/purchase_units/@reference_id=='${referenceId}'`;

export function parseOrderRequest(body: unknown): OrderRequest {
  const request = bodyObject(body);
  const intent = stringField(request, "intent", "", { required: true, oneOf: ["CAPTURE", "AUTHORIZE"] }) as OrderRequest["intent"];
  const units = arrayField(request, "purchase_units", "", { required: true, min: 1, max: 10 }) as unknown[];
  const references = new Set<string>();
  const purchaseUnits = units.map((unit, index) => {
    if (!isJsonObject(unit)) throw badRequest("INVALID_PARAMETER_SYNTAX", { field: `/purchase_units/${index}` });
    const parsed = parsePurchaseUnit(unit, index, units.length);
    if (references.has(parsed.referenceId)) throw unprocessable("DUPLICATE_REFERENCE_ID", { field: `/purchase_units/${index}/reference_id`, value: parsed.referenceId });
    references.add(parsed.referenceId);
    return parsed;
  });
  const currency = purchaseUnits[0]?.currency;
  const foreign = purchaseUnits.findIndex((unit) => unit.currency !== currency);
  if (foreign >= 0) throw unprocessable("MULTI_CURRENCY_ORDER", { field: `/purchase_units/${foreign}/amount/currency_code` });

  const paypal = objectField(objectField(request, "payment_source", "") ?? {}, "paypal", "/payment_source");
  const experienceContext = paypal ? objectField(paypal, "experience_context", "/payment_source/paypal") : undefined;
  const applicationContext = objectField(request, "application_context", "");
  const experience = parseExperience(
    experienceContext ?? applicationContext ?? {},
    experienceContext ? "/payment_source/paypal/experience_context" : "/application_context",
  );
  return { intent, purchaseUnits, paymentSourceSent: paypal !== undefined, experience };
}

function parseExperience(context: JsonObject, pointer: string): Experience {
  stringField(context, "user_action", pointer, { oneOf: ["CONTINUE", "PAY_NOW"] });
  stringField(context, "shipping_preference", pointer, { oneOf: ["GET_FROM_FILE", "NO_SHIPPING", "SET_PROVIDED_ADDRESS"] });
  stringField(context, "landing_page", pointer, { oneOf: ["LOGIN", "GUEST_CHECKOUT", "BILLING", "NO_PREFERENCE"] });
  stringField(context, "payment_method_preference", pointer, { oneOf: ["UNRESTRICTED", "IMMEDIATE_PAYMENT_REQUIRED"] });
  stringField(context, "locale", pointer, { min: 2, max: 10 });
  return {
    brandName: stringField(context, "brand_name", pointer, { min: 1, max: 127 }),
    returnUrl: stringField(context, "return_url", pointer, { max: 4000, pattern: URL_PATTERN }),
    cancelUrl: stringField(context, "cancel_url", pointer, { max: 4000, pattern: URL_PATTERN }),
  };
}

function parsePurchaseUnit(unit: JsonObject, index: number, unitCount: number): PurchaseUnit {
  const pointer = `/purchase_units/${index}`;
  const givenReference = stringField(unit, "reference_id", pointer, { min: 1, max: 256 });
  if (givenReference === undefined && unitCount > 1) throw unprocessable("REFERENCE_ID_REQUIRED", { field: `${pointer}/reference_id` });
  const referenceId = givenReference ?? "default";
  const business = unitPointer(referenceId);
  const description = stringField(unit, "description", pointer, { min: 1, max: 127 });
  const customId = stringField(unit, "custom_id", pointer, { min: 1, max: 127 });
  const invoiceId = stringField(unit, "invoice_id", pointer, { min: 1, max: 127 });
  const softDescriptor = stringField(unit, "soft_descriptor", pointer, { min: 1, max: 22 });
  const payee = objectField(unit, "payee", pointer);
  if (payee) {
    stringField(payee, "email_address", `${pointer}/payee`, { min: 3, max: 254 });
    stringField(payee, "merchant_id", `${pointer}/payee`, { pattern: MERCHANT_ID });
  }

  const total = moneyField(unit, "amount", pointer, { positive: true, businessField: `${business}/amount/value` });
  const amountObject = unit.amount as JsonObject;
  const breakdownObject = objectField(amountObject, "breakdown", `${pointer}/amount`);
  const breakdown = new Map<string, ParsedMoney>();
  for (const key of [...BREAKDOWN_ADDITIONS, ...BREAKDOWN_SUBTRACTIONS]) {
    if (!breakdownObject || breakdownObject[key] === undefined) continue;
    const part = moneyField(breakdownObject, key, `${pointer}/amount/breakdown`, {
      positive: false,
      businessField: `${business}/amount/breakdown/${key}/value`,
    });
    if (part.currency !== total.currency) throw unprocessable("MULTI_CURRENCY_ORDER", { field: `${business}/amount/breakdown/${key}/currency_code`, value: part.currency });
    breakdown.set(key, part);
  }

  const { items, itemSum, taxSum, anyTax } = parseItems(unit, pointer, business, total.currency);
  if (items.length > 0) {
    const itemTotal = breakdown.get("item_total");
    if (!itemTotal) throw unprocessable("ITEM_TOTAL_REQUIRED", { field: `${business}/amount/breakdown/item_total` });
    if (itemTotal.minor !== itemSum) throw unprocessable("ITEM_TOTAL_MISMATCH", { field: `${business}/amount/breakdown/item_total/value`, value: formatMinor(itemTotal.minor, total.currency) });
    if (anyTax) {
      const taxTotal = breakdown.get("tax_total");
      if (!taxTotal) throw unprocessable("TAX_TOTAL_REQUIRED", { field: `${business}/amount/breakdown/tax_total` });
      if (taxTotal.minor !== taxSum) throw unprocessable("TAX_TOTAL_MISMATCH", { field: `${business}/amount/breakdown/tax_total/value`, value: formatMinor(taxTotal.minor, total.currency) });
    }
  }
  if (breakdown.size > 0) {
    const added = BREAKDOWN_ADDITIONS.reduce((sum, key) => sum + (breakdown.get(key)?.minor ?? 0n), 0n);
    const expected = BREAKDOWN_SUBTRACTIONS.reduce((sum, key) => sum - (breakdown.get(key)?.minor ?? 0n), added);
    if (expected !== total.minor) throw unprocessable("AMOUNT_MISMATCH", { field: `${business}/amount/value`, value: formatMinor(total.minor, total.currency) });
  }

  const amount: JsonObject = { ...money(total.minor, total.currency) };
  if (breakdown.size > 0) {
    amount.breakdown = Object.fromEntries([...breakdown].map(([key, part]) => [key, money(part.minor, part.currency)]));
  }
  return { referenceId, currency: total.currency, totalMinor: total.minor, amount, description, customId, invoiceId, softDescriptor, items };
}

function parseItems(unit: JsonObject, pointer: string, business: string, currency: string) {
  const list = arrayField(unit, "items", pointer) ?? [];
  let itemSum = 0n;
  let taxSum = 0n;
  let anyTax = false;
  const categories = new Set<string>();
  const items = list.map((entry, index): OrderItem => {
    const here = `${pointer}/items/${index}`;
    if (!isJsonObject(entry)) throw badRequest("INVALID_PARAMETER_SYNTAX", { field: here });
    const name = stringField(entry, "name", here, { required: true, min: 1, max: 127 });
    const quantity = stringField(entry, "quantity", here, { required: true, max: 10, pattern: QUANTITY });
    const description = stringField(entry, "description", here, { max: 127 });
    const sku = stringField(entry, "sku", here, { max: 127 });
    const category = stringField(entry, "category", here, { min: 1, max: 20, oneOf: CATEGORIES });
    const unitAmount = moneyField(entry, "unit_amount", here, { positive: false, businessField: `${business}/items/@name=='${name}'/unit_amount/value` });
    if (unitAmount.currency !== currency) throw unprocessable("MULTI_CURRENCY_ORDER", { field: `${here}/unit_amount/currency_code`, value: unitAmount.currency });
    const tax = entry.tax === undefined ? undefined : moneyField(entry, "tax", here, { positive: false });
    if (tax && tax.currency !== currency) throw unprocessable("MULTI_CURRENCY_ORDER", { field: `${here}/tax/currency_code`, value: tax.currency });
    itemSum += unitAmount.minor * BigInt(quantity);
    if (tax) {
      anyTax = true;
      taxSum += tax.minor * BigInt(quantity);
    }
    if (category) categories.add(category);
    const view: JsonObject = { name, unit_amount: money(unitAmount.minor, currency) as Money, quantity };
    if (tax) view.tax = money(tax.minor, currency);
    if (description !== undefined) view.description = description;
    if (sku !== undefined) view.sku = sku;
    if (category !== undefined) view.category = category;
    return { name, quantity, unitAmountMinor: unitAmount.minor, sku, view };
  });
  if (categories.has("DONATION") && categories.size > 1) throw unprocessable("MULTIPLE_ITEM_CATEGORIES", { field: `${pointer}/items` });
  return { items, itemSum, taxSum, anyTax };
}
