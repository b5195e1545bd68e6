/**
 * What the emulated Stripe account holds and how it changes: Checkout Sessions paid on the hosted page with
 * Stripe's test cards, the Payment Intents and Charges a session produces, Refunds (from the API or "from the
 * dashboard"), Disputes — each change announced as an event.
 *
 * Sessions follow Stripe's state machine: open/unpaid → complete/paid (a card that succeeds), open with a failed
 * Payment Intent (a declined card; the buyer may try again), complete/unpaid → async_payment_succeeded | failed
 * (a delayed bank payment), or expired.
 */
import { invalid, missing, missingParameter, StripeError, unknownParameters } from "./errors";
import type { FormValue } from "./form";
import { newId, sessionId } from "./ids";
import {
  renderCharge,
  renderDispute,
  renderLineItem,
  renderList,
  renderPaymentIntent,
  renderRefund,
  renderSession,
  type Charge,
  type Dispute,
  type PaymentIntent,
  type Refund,
  type Session,
} from "./objects";
import type { Events } from "./webhooks";

/** Stripe's documented test cards and what they do (card numbers without spaces). */
export const TEST_CARDS: Record<string, { outcome: "succeeds" } | { outcome: "declined"; decline: string; message: string }> = {
  "4242424242424242": { outcome: "succeeds" },
  "5555555555554444": { outcome: "succeeds" },
  "4000056655665556": { outcome: "succeeds" },
  "4000000000000077": { outcome: "succeeds" },
  "4000000000000002": { outcome: "declined", decline: "generic_decline", message: "Your card was declined." },
  "4000000000009995": { outcome: "declined", decline: "insufficient_funds", message: "Your card has insufficient funds." },
  "4000000000009987": { outcome: "declined", decline: "lost_card", message: "Your card was declined." },
  "4000000000009979": { outcome: "declined", decline: "stolen_card", message: "Your card was declined." },
};

/** The delayed-notification method: a US bank account (ACH), which settles later (succeeds or fails). */
export const TEST_BANK_ACCOUNTS: Record<string, "succeeds" | "fails"> = { "000123456789": "succeeds", "000111111113": "fails" };

/** Currencies without minor units at Stripe (amounts are whole units). */
export const ZERO_DECIMAL = new Set(["bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"]);

type Params = Record<string, FormValue>;
const str = (v: FormValue | undefined): string | undefined => (typeof v === "string" ? v : undefined);
const obj = (v: FormValue | undefined): Record<string, FormValue> => (v && typeof v === "object" && !Array.isArray(v) ? v : {});
const arr = (v: FormValue | undefined): FormValue[] => (Array.isArray(v) ? v : v && typeof v === "object" ? Object.values(v) : []);

function only(params: Params, allowed: string[]) {
  const unknown = Object.keys(params).filter((k) => !allowed.includes(k));
  if (unknown.length) throw unknownParameters(unknown);
}

function metadataOf(v: FormValue | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(obj(v))) {
    if (typeof value !== "string") throw invalid(`metadata[${key}]`, "Metadata values must be strings.");
    if (value !== "") out[key] = value;
  }
  return out;
}

function amountOf(v: FormValue | undefined, param: string): number {
  const s = str(v);
  if (s === undefined || !/^\d+$/.test(s)) throw invalid(param, `Invalid integer: ${s ?? ""}`, "parameter_invalid_integer");
  return Number(s);
}

const format = (amount: number, currency: string) =>
  ZERO_DECIMAL.has(currency) ? `${amount} ${currency.toUpperCase()}` : `${(amount / 100).toFixed(2)} ${currency.toUpperCase()}`;

export class StripeState {
  readonly sessions = new Map<string, Session>();
  readonly intents = new Map<string, PaymentIntent>();
  readonly charges = new Map<string, Charge>();
  readonly refunds = new Map<string, Refund>();
  readonly disputes = new Map<string, Dispute>();
  /** How each delayed (bank) payment will settle, by session. */
  private readonly asyncOutcome = new Map<string, "succeeds" | "fails">();

  constructor(
    private readonly events: Events,
    private readonly publicUrl: () => string,
    private readonly now: () => number,
  ) {}

  reset(): void {
    for (const map of [this.sessions, this.intents, this.charges, this.refunds, this.disputes, this.asyncOutcome]) map.clear();
  }

  // -- Checkout Sessions -------------------------------------------------------------------------

  createSession(params: Params): Session {
    only(params, ["mode", "line_items", "success_url", "cancel_url", "client_reference_id", "customer_email", "metadata", "payment_intent_data", "expires_at", "locale", "expand", "ui_mode", "allowed_payment_method_types", "submit_type"]);
    if (str(params.mode) !== "payment") throw invalid("mode", "This emulator supports mode=payment only.", "parameter_invalid_string");
    if (!str(params.success_url)) throw missingParameter("success_url");
    const items = arr(params.line_items);
    if (!items.length) throw missingParameter("line_items");
    let currency: string | undefined;
    const lineItems = items.map((raw, index) => {
      const item = obj(raw);
      const param = `line_items[${index}]`;
      only(item, ["price_data", "quantity"]);
      const priceData = obj(item.price_data);
      if (!item.price_data) throw missingParameter(`${param}[price_data]`);
      const itemCurrency = str(priceData.currency)?.toLowerCase();
      if (!itemCurrency || !/^[a-z]{3}$/.test(itemCurrency)) throw invalid(`${param}[price_data][currency]`, "Invalid currency.");
      if (currency && currency !== itemCurrency) throw invalid(`${param}[price_data][currency]`, "All line items must share one currency.");
      currency = itemCurrency;
      const name = str(obj(priceData.product_data).name);
      if (!name) throw missingParameter(`${param}[price_data][product_data][name]`);
      return {
        id: newId("li_1"),
        description: name,
        currency: itemCurrency,
        unitAmount: amountOf(priceData.unit_amount, `${param}[price_data][unit_amount]`),
        quantity: item.quantity === undefined ? 1 : amountOf(item.quantity, `${param}[quantity]`),
      };
    });
    const created = this.now();
    const session: Session = {
      id: sessionId(),
      created,
      expiresAt: str(params.expires_at) ? amountOf(params.expires_at, "expires_at") : created + 24 * 3600,
      status: "open",
      paymentStatus: "unpaid",
      currency: currency!,
      lineItems,
      successUrl: str(params.success_url) ?? null,
      cancelUrl: str(params.cancel_url) ?? null,
      clientReferenceId: str(params.client_reference_id) ?? null,
      customerEmail: str(params.customer_email) ?? null,
      metadata: metadataOf(params.metadata),
      paymentIntentMetadata: metadataOf(obj(params.payment_intent_data).metadata),
      paymentIntent: null,
      customerDetails: null,
      url: "",
    };
    this.sessions.set(session.id, session);
    return session;
  }

  session(id: string): Session {
    const session = this.sessions.get(id);
    if (!session) throw missing("checkout.session", id, "session");
    return session;
  }

  renderSession(session: Session, expand: string[] = []): Record<string, unknown> {
    return renderSession(session, this.publicUrl(), {
      lineItems: expand.includes("line_items") ? this.lineItems(session) : undefined,
      // A dotted path (payment_intent.latest_charge) expands every step of it.
      paymentIntent: expand.some((e) => e === "payment_intent" || e.startsWith("payment_intent.")) && session.paymentIntent ? this.renderIntent(session.paymentIntent, expand.includes("payment_intent.latest_charge")) : undefined,
    });
  }

  lineItems(session: Session) {
    return renderList(`/v1/checkout/sessions/${session.id}/line_items`, session.lineItems.map(renderLineItem));
  }

  renderIntent(id: string, expandCharge = false) {
    const pi = this.intents.get(id);
    if (!pi) throw missing("payment_intent", id);
    return renderPaymentIntent(pi, { latestCharge: expandCharge && pi.latestCharge ? renderCharge(this.charges.get(pi.latestCharge)!) : undefined });
  }

  renderCharge(id: string, expandRefunds = false) {
    const charge = this.charges.get(id);
    if (!charge) throw missing("charge", id);
    return renderCharge(charge, expandRefunds ? renderList(`/v1/charges/${id}/refunds`, this.refundsOf(id).map(renderRefund)) : undefined);
  }

  expire(id: string): Session {
    const session = this.session(id);
    if (session.status !== "open") throw invalid("session", `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${session.status}".`, "checkout_session_not_open");
    session.status = "expired";
    this.events.emit("checkout.session.expired", this.renderSession(session));
    return session;
  }

  /**
   * The buyer submits the hosted page. A card: succeeds or is declined (the session stays open for another try);
   * a bank account: the session completes unpaid and settles later.
   */
  pay(id: string, method: { card: string } | { bankAccount: string }, buyer: { email: string; name: string }): { ok: true } | { ok: false; message: string } {
    const session = this.session(id);
    if (session.status !== "open") return { ok: false, message: "This checkout is no longer open." };
    if (session.expiresAt <= this.now()) {
      session.status = "expired";
      this.events.emit("checkout.session.expired", this.renderSession(session));
      return { ok: false, message: "This checkout has expired." };
    }
    const amount = session.lineItems.reduce((sum, item) => sum + item.unitAmount * item.quantity, 0);
    const pi = this.intentFor(session, amount, "card" in method ? "card" : "us_bank_account");
    const last4 = ("card" in method ? method.card : method.bankAccount).slice(-4);

    if ("card" in method) {
      const card = TEST_CARDS[method.card];
      if (!card) return { ok: false, message: "Your card number is incorrect. Use one of Stripe's test cards." };
      if (card.outcome === "declined") {
        const charge = this.newCharge(pi, "failed", last4, { code: "card_declined", message: card.message });
        pi.status = "requires_payment_method";
        pi.lastPaymentError = { type: "card_error", code: "card_declined", decline_code: card.decline, message: card.message, charge: charge.id };
        this.events.emit("charge.failed", renderCharge(charge));
        this.events.emit("payment_intent.payment_failed", renderPaymentIntent(pi));
        return { ok: false, message: card.message };
      }
      const charge = this.newCharge(pi, "succeeded", last4);
      pi.status = "succeeded";
      pi.amountReceived = amount;
      pi.lastPaymentError = null;
      session.status = "complete";
      session.paymentStatus = "paid";
      session.customerDetails = { email: buyer.email || null, name: buyer.name || null };
      this.events.emit("charge.succeeded", renderCharge(charge));
      this.events.emit("payment_intent.succeeded", renderPaymentIntent(pi));
      this.events.emit("checkout.session.completed", this.renderSession(session));
      return { ok: true };
    }

    if (!TEST_BANK_ACCOUNTS[method.bankAccount]) return { ok: false, message: "Use Stripe's test bank account 000123456789 (succeeds) or 000111111113 (fails)." };
    const charge = this.newCharge(pi, "pending", last4);
    this.asyncOutcome.set(session.id, TEST_BANK_ACCOUNTS[method.bankAccount]!);
    pi.status = "processing";
    session.status = "complete";
    session.customerDetails = { email: buyer.email || null, name: buyer.name || null };
    this.events.emit("charge.pending", renderCharge(charge));
    this.events.emit("payment_intent.processing", renderPaymentIntent(pi));
    this.events.emit("checkout.session.completed", this.renderSession(session));
    return { ok: true };
  }

  /** A delayed payment settles (control API; the test account decides unless `succeed` is given). */
  settleAsync(id: string, succeed?: boolean): Session {
    const session = this.session(id);
    const pi = session.paymentIntent ? this.intents.get(session.paymentIntent) : undefined;
    if (!pi || pi.status !== "processing") throw invalid("session", "This session has no payment waiting to settle.");
    const charge = this.charges.get(pi.latestCharge!)!;
    const outcome = succeed ?? this.asyncOutcome.get(id) !== "fails";
    if (outcome) {
      charge.status = "succeeded";
      pi.status = "succeeded";
      pi.amountReceived = pi.amount;
      session.paymentStatus = "paid";
      this.events.emit("charge.succeeded", renderCharge(charge));
      this.events.emit("payment_intent.succeeded", renderPaymentIntent(pi));
      this.events.emit("checkout.session.async_payment_succeeded", this.renderSession(session));
    } else {
      charge.status = "failed";
      charge.failureCode = "account_closed";
      charge.failureMessage = "The customer's bank account has been closed.";
      pi.status = "requires_payment_method";
      pi.lastPaymentError = { type: "invalid_request_error", code: "payment_method_microdeposit_verification_attempts_exceeded", message: charge.failureMessage };
      this.events.emit("charge.failed", renderCharge(charge));
      this.events.emit("payment_intent.payment_failed", renderPaymentIntent(pi));
      this.events.emit("checkout.session.async_payment_failed", this.renderSession(session));
    }
    return session;
  }

  private intentFor(session: Session, amount: number, type: PaymentIntent["paymentMethodType"]): PaymentIntent {
    if (session.paymentIntent) {
      const existing = this.intents.get(session.paymentIntent)!;
      existing.paymentMethodType = type;
      return existing;
    }
    const pi: PaymentIntent = {
      id: newId("pi_3"),
      created: this.now(),
      amount,
      amountReceived: 0,
      currency: session.currency,
      status: "requires_payment_method",
      latestCharge: null,
      lastPaymentError: null,
      metadata: session.paymentIntentMetadata,
      paymentMethodType: type,
    };
    this.intents.set(pi.id, pi);
    session.paymentIntent = pi.id;
    this.events.emit("payment_intent.created", renderPaymentIntent(pi));
    return pi;
  }

  private newCharge(pi: PaymentIntent, status: Charge["status"], last4: string, failure?: { code: string; message: string }): Charge {
    const charge: Charge = {
      id: newId("ch_3"),
      created: this.now(),
      amount: pi.amount,
      amountRefunded: 0,
      currency: pi.currency,
      paymentIntent: pi.id,
      status,
      disputed: false,
      failureCode: failure?.code ?? null,
      failureMessage: failure?.message ?? null,
      last4,
      metadata: pi.metadata,
      paymentMethodType: pi.paymentMethodType,
    };
    this.charges.set(charge.id, charge);
    pi.latestCharge = charge.id;
    return charge;
  }

  // -- Refunds -----------------------------------------------------------------------------------

  /** Newest first, as Stripe lists them (the map keeps creation order). */
  refundsOf(chargeId: string): Refund[] {
    return [...this.refunds.values()].filter((r) => r.charge === chargeId).reverse();
  }

  /** POST /v1/refunds, or a refund made in Stripe's dashboard (`idempotencyKey` undefined: no API request). */
  createRefund(params: Params, idempotencyKey?: string | null): Refund {
    only(params, ["payment_intent", "charge", "amount", "metadata", "reason", "expand", "instructions_email"]);
    let charge: Charge | undefined;
    if (str(params.charge)) {
      charge = this.charges.get(str(params.charge)!);
      if (!charge) throw missing("charge", str(params.charge)!, "charge");
    } else if (str(params.payment_intent)) {
      const pi = this.intents.get(str(params.payment_intent)!);
      if (!pi) throw missing("payment_intent", str(params.payment_intent)!, "payment_intent");
      charge = pi.latestCharge ? this.charges.get(pi.latestCharge) : undefined;
      if (!charge || charge.status !== "succeeded") throw invalid("payment_intent", `This PaymentIntent (${pi.id}) does not have a successful charge to refund.`, "charge_not_refundable");
    } else {
      throw new StripeError(400, "invalid_request_error", "One of the following params should be provided for this request: payment_intent or charge.", { code: "parameter_missing" });
    }
    if (charge.status !== "succeeded") throw invalid("charge", `Charge ${charge.id} has not succeeded and cannot be refunded.`, "charge_not_refundable");
    if (charge.disputed) throw invalid("charge", `Charge ${charge.id} has been charged back; cannot issue a refund.`, "charge_disputed");
    const remaining = charge.amount - charge.amountRefunded;
    if (remaining <= 0) throw invalid("charge", `Charge ${charge.id} has already been refunded.`, "charge_already_refunded");
    const amount = params.amount === undefined ? remaining : amountOf(params.amount, "amount");
    if (amount <= 0) throw invalid("amount", "Refund amount must be greater than zero.", "parameter_invalid_integer");
    if (amount > remaining) {
      throw invalid("amount", `Refund amount (${format(amount, charge.currency)}) is greater than unrefunded amount on charge (${format(remaining, charge.currency)})`, "amount_too_large");
    }
    const reason = str(params.reason) ?? null;
    if (reason && !["duplicate", "fraudulent", "requested_by_customer"].includes(reason)) throw invalid("reason", "Invalid reason.");
    const refund: Refund = { id: newId("re_3"), created: this.now(), amount, currency: charge.currency, charge: charge.id, paymentIntent: charge.paymentIntent, status: "succeeded", reason, metadata: metadataOf(params.metadata), paymentMethodType: charge.paymentMethodType };
    this.refunds.set(refund.id, refund);
    const previous = { amount_refunded: charge.amountRefunded, refunded: false };
    charge.amountRefunded += amount;
    this.events.emit("refund.created", renderRefund(refund), { idempotencyKey });
    this.events.emit("charge.refunded", renderCharge(charge), { idempotencyKey }, previous);
    return refund;
  }

  refund(id: string): Refund {
    const refund = this.refunds.get(id);
    if (!refund) throw missing("refund", id);
    return refund;
  }

  listRefunds(params: Params) {
    const pi = str(params.payment_intent);
    const charge = str(params.charge);
    const limit = params.limit === undefined ? 10 : Math.min(100, Math.max(1, amountOf(params.limit, "limit")));
    const all = [...this.refunds.values()].filter((r) => (!pi || r.paymentIntent === pi) && (!charge || r.charge === charge)).reverse();
    return renderList("/v1/refunds", all.slice(0, limit).map(renderRefund), all.length > limit);
  }

  // -- Disputes (control API: "from Stripe's side") ------------------------------------------------

  dispute(chargeId: string, reason = "fraudulent"): Dispute {
    const charge = this.charges.get(chargeId);
    if (!charge || charge.status !== "succeeded") throw missing("charge", chargeId, "charge");
    charge.disputed = true;
    const dispute: Dispute = { id: newId("dp_1"), created: this.now(), amount: charge.amount - charge.amountRefunded, currency: charge.currency, charge: charge.id, paymentIntent: charge.paymentIntent, reason, status: "needs_response" };
    this.disputes.set(dispute.id, dispute);
    this.events.emit("charge.dispute.created", renderDispute(dispute));
    return dispute;
  }

  closeDispute(id: string, status: "won" | "lost"): Dispute {
    const dispute = this.disputes.get(id);
    if (!dispute) throw missing("dispute", id);
    dispute.status = status;
    if (status === "won") this.charges.get(dispute.charge)!.disputed = false;
    this.events.emit("charge.dispute.closed", renderDispute(dispute));
    return dispute;
  }
}
