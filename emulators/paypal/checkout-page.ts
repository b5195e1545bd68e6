/**
 * The buyer's side of PayPal: sign in with a seeded sandbox account, review the merchant, items and total, then
 * approve (choosing how the funding will behave at capture) or cancel. Works as the SDK's popup (answers the
 * opener with postMessage and closes itself) and as a full-page redirect flow (back to return_url/cancel_url).
 */
import { randomUUID } from "node:crypto";
import { BUYERS, findBuyer, type BuyerAccount } from "./buyers";
import type { EmulatorConfig } from "./config";
import { PayPalError } from "./errors";
import { formatMinor } from "./money";
import type { Tokens } from "./oauth";
import type { OrderRecord, Orders } from "./orders";
import type { FundingOutcome } from "./payments";
import type { RequestContext, Reply, Router } from "./router";
import type { SubscriptionRecord, Subscriptions } from "./subscriptions";

const OUTCOMES: ReadonlyArray<readonly [FundingOutcome, string, string]> = [
  ["success", "Pay successfully", "The capture completes."],
  ["declined", "Declined at capture", "Capture answers 422 INSTRUMENT_DECLINED; approve again after actions.restart()."],
  ["pending", "Pending eCheck", "Capture answers 201 with the capture PENDING (ECHECK) until settled."],
  ["failure", "Capture fails", "Capture answers 201, order COMPLETED, but the capture is DECLINED."],
];

const SESSION_COOKIE = "paypal_emulator_session";

type Target =
  | { kind: "order"; token: string; order: OrderRecord }
  | { kind: "subscription"; token: string; subscription: SubscriptionRecord };

const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

const html = (status: number, title: string, body: string, headers: Record<string, string> = {}): Reply => ({
  status,
  contentType: "text/html; charset=utf-8",
  headers: { "cache-control": "no-store", ...headers },
  text: `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} – PayPal (sandbox emulator)</title>
<style>
  :root { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #001435; background: #f5f7fa; }
  body { margin: 0; }
  main { max-width: 27rem; margin: 2rem auto; background: #fff; border-radius: 12px; padding: 1.5rem 1.75rem; box-shadow: 0 1px 4px rgb(0 0 0 / 0.12); }
  .brand { font-weight: 800; font-style: italic; font-size: 1.6rem; color: #003087; }
  .brand span { color: #0070e0; }
  .sandbox { display: inline-block; margin-left: .5rem; padding: .1rem .45rem; border-radius: 4px; background: #fff4ce; color: #5c4400; font-size: .75rem; vertical-align: middle; }
  h1 { font-size: 1.25rem; margin: 1rem 0 .75rem; }
  label { display: block; font-weight: 600; margin: .75rem 0 .25rem; }
  input[type=email], input[type=password] { width: 100%; box-sizing: border-box; padding: .6rem; border: 1px solid #6c7378; border-radius: 6px; font-size: 1rem; }
  fieldset { border: 1px solid #c6c6c6; border-radius: 8px; margin: 1rem 0; padding: .5rem 1rem 1rem; }
  legend { font-weight: 600; padding: 0 .25rem; }
  fieldset label { font-weight: 400; display: flex; gap: .5rem; align-items: flex-start; margin: .5rem 0 0; }
  fieldset small { display: block; color: #515354; }
  table { width: 100%; border-collapse: collapse; margin: .5rem 0; }
  th, td { text-align: left; padding: .35rem 0; border-bottom: 1px solid #e6e6e6; }
  td.amount, th.amount { text-align: right; }
  .total { font-size: 1.1rem; }
  .actions { display: flex; gap: .75rem; margin-top: 1rem; }
  button { flex: 1; font-size: 1rem; font-weight: 600; padding: .75rem; border-radius: 999px; border: 2px solid #0070e0; cursor: pointer; }
  button.primary { background: #0070e0; color: #fff; }
  button.secondary { background: #fff; color: #0070e0; }
  button:focus-visible, input:focus-visible { outline: 3px solid #ffc439; outline-offset: 2px; }
  [role=alert] { color: #b00020; font-weight: 600; }
  .muted { color: #515354; font-size: .875rem; }
</style>
</head>
<body>
<main>
<p class="brand" aria-label="PayPal">Pay<span>Pal</span><span class="sandbox">Sandbox emulator</span></p>
${body}
</main>
</body>
</html>`,
});

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return rest.join("=");
  }
  return undefined;
}

/** JSON for an inline script: `<` escaped so no value can close the script element. */
const scriptJson = (value: unknown): string => JSON.stringify(value).replaceAll("<", "\\u003c");

const withQuery = (url: string, params: Record<string, string>): string => {
  const target = new URL(url);
  for (const [key, value] of Object.entries(params)) target.searchParams.set(key, value);
  return target.toString();
};

export class CheckoutPage {
  private readonly sessions = new Map<string, BuyerAccount>();

  constructor(
    private readonly config: EmulatorConfig,
    private readonly orders: Orders,
    private readonly subscriptions: Subscriptions,
    private readonly tokens: Tokens,
  ) {}

  reset(): void {
    this.sessions.clear();
  }

  register(router: Router): void {
    const page = { kind: "public" } as const;
    router.add("GET", "/checkoutnow", page, (context) => this.show(context, context.query));
    router.add("GET", "/webapps/billing/subscriptions", page, (context) => this.show(context, context.query));
    router.add("POST", "/checkoutnow/login", page, (context) => this.login(context));
    router.add("POST", "/checkoutnow/decision", page, (context) => this.decide(context));
    router.add("GET", "/myaccount/autopay", page, () => this.autopay());
    router.add("POST", "/myaccount/autopay/pay", page, (context) => this.payOwed(context));
  }

  /**
   * PayPal's "Automatic payments" page, where a buyer whose subscription payment failed updates the payment method.
   * The emulator asks for no sign-in: it lists every subscription that owes money, each with a button that collects it.
   */
  private autopay(message?: string): Reply {
    const owing = this.subscriptions.owing();
    const rows = owing
      .map((subscription) => {
        const owed = `${formatMinor(subscription.outstandingMinor, subscription.plan.currency)} ${subscription.plan.currency}`;
        return `<li><form method="post" action="/myaccount/autopay/pay"><input type="hidden" name="id" value="${escapeHtml(subscription.id)}">
<p><strong>${escapeHtml(subscription.plan.name)}</strong> <code>${escapeHtml(subscription.id)}</code><br><span class="muted">${subscription.status === "SUSPENDED" ? "Suspended" : "Active"}, owes ${escapeHtml(owed)}</span></p>
<div class="actions"><button class="primary" type="submit">Update payment method and pay ${escapeHtml(owed)}</button></div></form></li>`;
      })
      .join("");
    return html(
      200,
      "Automatic payments",
      `<h1>Automatic payments</h1>${message ? `<p role="status">${escapeHtml(message)}</p>` : ""}${owing.length ? `<ul>${rows}</ul>` : `<p class="muted">No subscription owes anything.</p>`}`,
    );
  }

  private payOwed(context: RequestContext): Reply {
    const id = new URLSearchParams(context.rawBody.toString("utf8")).get("id") ?? "";
    let subscription: SubscriptionRecord;
    try {
      subscription = this.subscriptions.find(id);
    } catch {
      return this.autopay("That subscription does not exist.");
    }
    return this.autopay(this.subscriptions.settleOutstanding(subscription) ? "Paid. Your automatic payments are up to date." : "The payment was declined again. Try another payment method.");
  }

  private target(query: URLSearchParams): Target | undefined {
    const baToken = query.get("ba_token");
    const token = query.get("token") ?? baToken ?? "";
    try {
      if (baToken !== null || token.startsWith("I-")) {
        const subscription = token.startsWith("I-") ? this.subscriptions.find(token) : this.subscriptions.findByToken(token);
        return subscription ? { kind: "subscription", token, subscription } : undefined;
      }
      return { kind: "order", token, order: this.orders.find(token) };
    } catch (error) {
      if (error instanceof PayPalError) return undefined;
      throw error;
    }
  }

  private buyer(context: RequestContext): BuyerAccount | undefined {
    const session = readCookie(context.headers.cookie, SESSION_COOKIE);
    return session === undefined ? undefined : this.sessions.get(session);
  }

  private pagePath(target: Target): string {
    return target.kind === "subscription" && !target.token.startsWith("I-")
      ? `/webapps/billing/subscriptions?ba_token=${encodeURIComponent(target.token)}`
      : `/checkoutnow?token=${encodeURIComponent(target.token)}`;
  }

  private show(context: RequestContext, query: URLSearchParams, loginError?: string): Reply {
    const target = this.target(query);
    if (!target) return html(404, "Checkout unavailable", `<h1>This checkout is not available</h1><p>The order or subscription does not exist or has expired. Return to the merchant and start again.</p>`);
    const finished = target.kind === "order" ? target.order.status === "COMPLETED" : target.subscription.status !== "APPROVAL_PENDING";
    if (finished) return html(409, "Already completed", `<h1>This payment is already complete</h1><p>Nothing more to do here. You can close this window.</p>`);
    const buyer = this.buyer(context);
    return buyer ? this.review(target, buyer) : this.loginForm(target, loginError);
  }

  private loginForm(target: Target, error: string | undefined): Reply {
    const accounts = BUYERS.map((buyer) => `<li><code>${escapeHtml(buyer.email)}</code> / <code>${escapeHtml(buyer.password)}</code></li>`).join("");
    return html(
      200,
      "Log in",
      `<h1>Log in to pay ${escapeHtml(this.merchantName(target))}</h1>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ""}
<form method="post" action="/checkoutnow/login">
  <input type="hidden" name="next" value="${escapeHtml(this.pagePath(target))}">
  <label for="email">Email</label>
  <input id="email" name="email" type="email" autocomplete="username" required>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <div class="actions"><button class="primary" type="submit">Log in</button></div>
</form>
<p class="muted">Sandbox accounts:</p><ul class="muted">${accounts}</ul>`,
    );
  }

  private merchantName(target: Target): string {
    const brand = target.kind === "order" ? target.order.experience.brandName : target.subscription.brandName;
    return brand ?? this.config.brandName;
  }

  private review(target: Target, buyer: BuyerAccount): Reply {
    const summary = target.kind === "order" ? this.orderSummary(target.order) : this.subscriptionSummary(target.subscription);
    const outcomes =
      target.kind === "order"
        ? `<fieldset>
  <legend>Funding outcome</legend>
  ${OUTCOMES.map(
    ([value, label, hint], index) =>
      `<label><input type="radio" name="outcome" value="${value}"${index === 0 ? " checked" : ""}><span>${escapeHtml(label)}<small>${escapeHtml(hint)}</small></span></label>`,
  ).join("\n  ")}
</fieldset>`
        : "";
    return html(
      200,
      "Review your payment",
      `<h1>Pay ${escapeHtml(this.merchantName(target))}</h1>
<p class="muted">Merchant: ${escapeHtml(this.merchantName(target))} (${escapeHtml(this.config.businessEmail)})</p>
${summary}
<p class="muted">Signed in as ${escapeHtml(buyer.givenName)} ${escapeHtml(buyer.surname)} (${escapeHtml(buyer.email)})</p>
<form method="post" action="/checkoutnow/decision">
  <input type="hidden" name="token" value="${escapeHtml(target.token)}">
  <input type="hidden" name="mode" value="redirect">
  ${outcomes}
  <div class="actions">
    <button class="primary" type="submit" name="action" value="approve">Approve</button>
    <button class="secondary" type="submit" name="action" value="cancel">Cancel</button>
  </div>
</form>
<script>document.querySelector('input[name="mode"]').value = window.opener ? "popup" : "redirect";</script>`,
    );
  }

  private orderSummary(order: OrderRecord): string {
    const rows = order.purchaseUnits.flatMap((unit) => {
      const amount = (minor: bigint) => `${formatMinor(minor, unit.currency)} ${unit.currency}`;
      const lines =
        unit.items.length > 0
          ? unit.items.map((item) => [item.name, item.quantity, amount(item.unitAmountMinor * BigInt(item.quantity))] as const)
          : [[unit.description ?? "Purchase", "1", amount(unit.totalMinor)] as const];
      return lines.map(([name, quantity, total]) => `<tr><td>${escapeHtml(name)}</td><td>${escapeHtml(quantity)}</td><td class="amount">${escapeHtml(total)}</td></tr>`);
    });
    const currency = order.purchaseUnits[0]?.currency ?? "USD";
    const total = order.purchaseUnits.reduce((sum, unit) => sum + unit.totalMinor, 0n);
    return `<table><caption class="muted">Items</caption><thead><tr><th scope="col">Item</th><th scope="col">Qty</th><th scope="col" class="amount">Amount</th></tr></thead><tbody>${rows.join("")}</tbody></table>
<p class="total">Total: <strong data-testid="order-total">${escapeHtml(formatMinor(total, currency))} ${escapeHtml(currency)}</strong></p>`;
  }

  private subscriptionSummary(subscription: SubscriptionRecord): string {
    const rendered = this.subscriptions.renderSubscription(subscription);
    return `<p>Subscription <code>${escapeHtml(String(rendered.id))}</code> to plan <code>${escapeHtml(subscription.plan.name)}</code>.</p>`;
  }

  private login(context: RequestContext): Reply {
    const form = new URLSearchParams(context.rawBody.toString("utf8"));
    const next = form.get("next") ?? "/";
    const nextQuery = new URLSearchParams(next.includes("?") ? next.slice(next.indexOf("?") + 1) : "");
    const buyer = findBuyer(form.get("email") ?? "");
    if (!buyer || buyer.password !== form.get("password")) {
      return this.show(context, nextQuery, "Email or password is incorrect.");
    }
    const session = randomUUID();
    this.sessions.set(session, buyer);
    const safeNext = next.startsWith("/") && !next.startsWith("//") ? next : "/";
    return {
      status: 303,
      headers: { location: safeNext, "set-cookie": `${SESSION_COOKIE}=${session}; Path=/; HttpOnly; SameSite=Lax` },
      text: "",
    };
  }

  private decide(context: RequestContext): Reply {
    const form = new URLSearchParams(context.rawBody.toString("utf8"));
    const token = form.get("token") ?? "";
    const query = new URLSearchParams(token.startsWith("BA-") ? { ba_token: token } : { token });
    const target = this.target(query);
    const buyer = this.buyer(context);
    if (!target || !buyer) return this.show(context, query);
    const popup = form.get("mode") === "popup";
    if (form.get("action") !== "approve") {
      if (target.kind === "order") this.orders.cancel(target.order);
      const cancelUrl = target.kind === "order" ? target.order.experience.cancelUrl : target.subscription.cancelUrl;
      const back = cancelUrl && withQuery(cancelUrl, target.kind === "order" ? { token } : { subscription_id: target.subscription.id, ba_token: target.subscription.baToken, token });
      return this.finish(popup, { type: "cancel", token }, back, "Payment cancelled");
    }
    const facilitatorAccessToken = this.tokens.mint(this.config.clientId);
    if (target.kind === "order") {
      const chosen = form.get("outcome") as FundingOutcome | null;
      const outcome = OUTCOMES.some(([value]) => value === chosen) ? (chosen as FundingOutcome) : "success";
      this.orders.approve(target.order, buyer, outcome);
      const back = target.order.experience.returnUrl && withQuery(target.order.experience.returnUrl, { token, PayerID: buyer.payerId });
      return this.finish(popup, { type: "approve", token, payerID: buyer.payerId, facilitatorAccessToken }, back, "Payment approved");
    }
    const { subscription } = target;
    this.subscriptions.approve(subscription, buyer);
    const back = subscription.returnUrl && withQuery(subscription.returnUrl, { subscription_id: subscription.id, ba_token: subscription.baToken, token: subscription.baToken });
    return this.finish(
      popup,
      { type: "approve", token, payerID: buyer.payerId, subscriptionID: subscription.id, billingToken: subscription.baToken, facilitatorAccessToken },
      back,
      "Subscription approved",
    );
  }

  /** Popup: tell the opener and close. Redirect: back to the merchant's URL (or a plain page without one). */
  private finish(popup: boolean, message: Record<string, string>, redirectUrl: string | undefined, title: string): Reply {
    if (!popup && redirectUrl) return { status: 302, headers: { location: redirectUrl }, text: "" };
    const script = popup
      ? `<script>
  const message = ${scriptJson({ source: "paypal-emulator", ...message })};
  if (window.opener) window.opener.postMessage(message, "*");
  setTimeout(() => window.close(), 50);
</script>`
      : "";
    return html(200, title, `<h1>${escapeHtml(title)}</h1><p>You can close this window and return to the merchant.</p>${script}`);
  }
}
