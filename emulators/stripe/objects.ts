/**
 * Stripe's objects as the API renders them in version 2026-10-28.endive, with every field of Stripe's own sample
 * objects (reference/fixtures3.json): what a store does not use is present and null, as Stripe sends it.
 */
type Json = Record<string, unknown>;

export const API_VERSION = "2026-10-28.endive";

export type LineItem = { id: string; description: string; currency: string; unitAmount: number; quantity: number };

export type Session = {
  id: string;
  created: number;
  expiresAt: number;
  status: "open" | "complete" | "expired";
  paymentStatus: "unpaid" | "paid" | "no_payment_required";
  currency: string;
  lineItems: LineItem[];
  successUrl: string | null;
  cancelUrl: string | null;
  clientReferenceId: string | null;
  customerEmail: string | null;
  metadata: Record<string, string>;
  paymentIntentMetadata: Record<string, string>;
  paymentIntent: string | null;
  customerDetails: { email: string | null; name: string | null } | null;
  url: string;
};

export type PaymentIntent = {
  id: string;
  created: number;
  amount: number;
  amountReceived: number;
  currency: string;
  status: "requires_payment_method" | "processing" | "succeeded" | "canceled";
  latestCharge: string | null;
  lastPaymentError: Json | null;
  metadata: Record<string, string>;
  paymentMethodType: "card" | "us_bank_account";
};

export type Charge = {
  id: string;
  created: number;
  amount: number;
  amountRefunded: number;
  currency: string;
  paymentIntent: string;
  status: "succeeded" | "pending" | "failed";
  disputed: boolean;
  failureCode: string | null;
  failureMessage: string | null;
  last4: string | null;
  metadata: Record<string, string>;
  paymentMethodType: "card" | "us_bank_account";
};

export type Refund = {
  id: string;
  created: number;
  amount: number;
  currency: string;
  charge: string;
  paymentIntent: string;
  status: "succeeded" | "pending" | "failed" | "canceled";
  reason: string | null;
  metadata: Record<string, string>;
  paymentMethodType: Charge["paymentMethodType"];
};

export type Dispute = {
  id: string;
  created: number;
  amount: number;
  currency: string;
  charge: string;
  paymentIntent: string;
  reason: string;
  status: "needs_response" | "under_review" | "won" | "lost" | "warning_closed";
};

const total = (s: Session) => s.lineItems.reduce((sum, item) => sum + item.unitAmount * item.quantity, 0);

export function renderLineItem(item: LineItem): Json {
  const amount = item.unitAmount * item.quantity;
  return {
    id: item.id,
    object: "item",
    amount_discount: 0,
    amount_subtotal: amount,
    amount_tax: 0,
    amount_total: amount,
    currency: item.currency,
    description: item.description,
    price: null,
    quantity: item.quantity,
  };
}

export function renderSession(s: Session, publicUrl: string, expand: { lineItems?: Json; paymentIntent?: Json } = {}): Json {
  const amount = total(s);
  return {
    id: s.id,
    object: "checkout.session",
    adaptive_pricing: { enabled: false },
    after_expiration: null,
    allow_promotion_codes: null,
    amount_subtotal: amount,
    amount_total: amount,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    cancel_url: s.cancelUrl,
    client_reference_id: s.clientReferenceId,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created: s.created,
    currency: s.currency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: null,
    customer_account: null,
    customer_creation: "if_required",
    customer_details: s.customerDetails
      ? { address: null, business_name: null, email: s.customerDetails.email, individual_name: null, name: s.customerDetails.name, phone: null, tax_exempt: "none", tax_ids: [] }
      : null,
    customer_email: s.customerEmail,
    discounts: [],
    expires_at: s.expiresAt,
    integration_identifier: null,
    invoice: null,
    invoice_creation: { enabled: false, invoice_data: { account_tax_ids: null, custom_fields: null, description: null, footer: null, issuer: null, metadata: {}, rendering_options: null } },
    livemode: false,
    locale: null,
    managed_payments: null,
    metadata: s.metadata,
    mode: "payment",
    origin_context: null,
    payment_intent: expand.paymentIntent ?? s.paymentIntent,
    payment_link: null,
    payment_method_collection: "if_required",
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: ["card"],
    payment_status: s.paymentStatus,
    permissions: null,
    phone_number_collection: { enabled: false },
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: s.status,
    submit_type: null,
    subscription: null,
    success_url: s.successUrl,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: "hosted_page",
    url: s.status === "open" ? `${publicUrl}/c/pay/${s.id}` : null,
    wallet_options: null,
    ...(expand.lineItems ? { line_items: expand.lineItems } : {}),
  };
}

export function renderPaymentIntent(pi: PaymentIntent, expand: { latestCharge?: Json } = {}): Json {
  return {
    id: pi.id,
    object: "payment_intent",
    amount: pi.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: pi.amountReceived,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: "automatic_async",
    client_secret: `${pi.id}_secret_emulated`,
    confirmation_method: "automatic",
    created: pi.created,
    currency: pi.currency,
    customer: null,
    customer_account: null,
    description: null,
    excluded_payment_method_types: null,
    last_payment_error: pi.lastPaymentError,
    latest_charge: expand.latestCharge ?? pi.latestCharge,
    livemode: false,
    managed_payments: null,
    metadata: pi.metadata,
    next_action: null,
    on_behalf_of: null,
    payment_method: pi.latestCharge ? `pm_${pi.id.slice(3)}` : null,
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: [pi.paymentMethodType],
    processing: null,
    receipt_email: null,
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: pi.status,
    transfer_data: null,
    transfer_group: null,
  };
}

export function renderCharge(c: Charge, refunds?: Json): Json {
  return {
    id: c.id,
    object: "charge",
    amount: c.amount,
    amount_captured: c.status === "succeeded" ? c.amount : 0,
    amount_refunded: c.amountRefunded,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: c.status === "succeeded" ? `txn_${c.id.slice(3)}` : null,
    billing_details: { address: null, email: null, name: null, phone: null, tax_id: null },
    calculated_statement_descriptor: "COURSEPAY",
    captured: c.status === "succeeded",
    created: c.created,
    currency: c.currency,
    customer: null,
    description: null,
    disputed: c.disputed,
    failure_balance_transaction: null,
    failure_code: c.failureCode,
    failure_message: c.failureMessage,
    fraud_details: {},
    livemode: false,
    metadata: c.metadata,
    on_behalf_of: null,
    outcome: c.status === "failed" ? { network_status: "declined_by_network", reason: c.failureCode, risk_level: "normal", seller_message: "The bank did not return any further details with this decline.", type: "issuer_declined" } : { network_status: "approved_by_network", reason: null, risk_level: "normal", seller_message: "Payment complete.", type: "authorized" },
    paid: c.status === "succeeded",
    payment_intent: c.paymentIntent,
    payment_method: `pm_${c.paymentIntent.slice(3)}`,
    payment_method_details: c.paymentMethodType === "card" ? { type: "card", card: { brand: "visa", last4: c.last4, exp_month: 12, exp_year: 2034, funding: "credit", country: "US" } } : { type: "us_bank_account", us_bank_account: { last4: c.last4, bank_name: "STRIPE TEST BANK" } },
    receipt_email: null,
    receipt_number: null,
    receipt_url: null,
    refunded: c.amountRefunded === c.amount && c.amount > 0,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: c.status,
    transfer_data: null,
    transfer_group: null,
    ...(refunds ? { refunds } : {}),
  };
}

export function renderRefund(r: Refund): Json {
  return {
    id: r.id,
    object: "refund",
    amount: r.amount,
    balance_transaction: r.status === "succeeded" ? `txn_${r.id.slice(3)}` : null,
    charge: r.charge,
    created: r.created,
    currency: r.currency,
    customer: null,
    customer_account: null,
    // Where the money went back: a card refund carries the acquirer's reference, a bank debit only its type.
    destination_details:
      r.paymentMethodType === "card"
        ? { type: "card", card: { reference: `${r.id.slice(3, 26)}`, reference_status: "available", reference_type: "acquirer_reference_number", type: "refund" } }
        : { type: "us_bank_account", us_bank_account: {} },
    metadata: r.metadata,
    payment_intent: r.paymentIntent,
    payment_method: `pm_${r.paymentIntent.slice(3)}`,
    reason: r.reason,
    receipt_number: null,
    source_transfer_reversal: null,
    status: r.status,
    transfer_reversal: null,
  };
}

export function renderDispute(d: Dispute): Json {
  return {
    id: d.id,
    object: "dispute",
    amount: d.amount,
    balance_transactions: [],
    charge: d.charge,
    created: d.created,
    currency: d.currency,
    enhanced_eligibility_types: [],
    evidence: {},
    evidence_details: { due_by: d.created + 7 * 86400, has_evidence: false, past_due: false, submission_count: 0 },
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: d.paymentIntent,
    payment_method_details: { type: "card", card: { brand: "visa", network_reason_code: "10.4" } },
    reason: d.reason,
    status: d.status,
  };
}

export function renderList(url: string, data: Json[], hasMore = false): Json {
  return { object: "list", data, has_more: hasMore, url };
}
