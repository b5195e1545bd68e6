/**
 * Stripe Checkout's hosted page, emulated: the buyer sees what they pay for, types one of Stripe's test cards (or
 * the test bank account for a delayed payment), and is sent to the store's success_url — or stays on the page
 * with Stripe's decline message. "Back" goes to the cancel_url. Plain HTML, labelled fields, no script.
 */
import type { Session } from "./objects";
import { ZERO_DECIMAL } from "./state";

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function money(amount: number, currency: string): string {
  const major = ZERO_DECIMAL.has(currency) ? amount : amount / 100;
  return new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() }).format(major);
}

export function checkoutPage(session: Session, error: string | null = null, values: { email?: string; card?: string } = {}): string {
  const total = session.lineItems.reduce((sum, item) => sum + item.unitAmount * item.quantity, 0);
  const items = session.lineItems
    .map((item) => `<li><span>${escape(item.description)}${item.quantity > 1 ? ` × ${item.quantity}` : ""}</span><span>${money(item.unitAmount * item.quantity, item.currency)}</span></li>`)
    .join("");
  const closed = session.status !== "open";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pay ${money(total, session.currency)} · Stripe test mode (emulator)</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f9fc;color:#1a1f36}
main{max-width:28rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:12px;box-shadow:0 2px 8px #0001}
h1{font-size:1.25rem;margin:0 0 .25rem} ul{list-style:none;padding:0;margin:1rem 0;border-top:1px solid #e3e8ee}
li{display:flex;justify-content:space-between;gap:1rem;padding:.5rem 0;border-bottom:1px solid #e3e8ee}
label{display:block;font-weight:600;margin-top:1rem} input{width:100%;box-sizing:border-box;font:inherit;padding:.6rem;border:1px solid #8792a2;border-radius:6px}
button{margin-top:1.5rem;width:100%;padding:.75rem;font:inherit;font-weight:600;color:#fff;background:#4f46e5;border:0;border-radius:6px;cursor:pointer}
:focus-visible{outline:3px solid #4f46e5;outline-offset:2px} .error{background:#fdecea;color:#8a1c12;padding:.75rem;border-radius:6px}
.hint{font-size:.875rem;color:#4f566b} .total{font-weight:700} a{color:#3730a3}
</style></head>
<body><main>
<p class="hint">Stripe test mode — Coursepay's local emulator</p>
<h1>Pay ${money(total, session.currency)}</h1>
<ul aria-label="Order summary">${items}<li class="total"><span>Total</span><span>${money(total, session.currency)}</span></li></ul>
${error ? `<p class="error" role="alert">${escape(error)}</p>` : ""}
${
  closed
    ? `<p role="status">This checkout is ${session.status === "expired" ? "expired" : "complete"}.</p>`
    : `<form method="post" action="/c/pay/${escape(session.id)}">
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="email" required value="${escape(values.email ?? session.customerEmail ?? "")}">
<label for="name">Name on card</label><input id="name" name="name" autocomplete="cc-name" value="">
<label for="card">Card number</label><input id="card" name="card" inputmode="numeric" autocomplete="cc-number" aria-describedby="card-hint" value="${escape(values.card ?? "")}">
<p id="card-hint" class="hint">Test cards: 4242 4242 4242 4242 succeeds; 4000 0000 0000 0002 is declined; 4000 0000 0000 9995 has insufficient funds. Or leave it empty and give a test bank account below.</p>
<label for="expiry">Expiry (MM / YY)</label><input id="expiry" name="expiry" autocomplete="cc-exp" value="12 / 34">
<label for="cvc">CVC</label><input id="cvc" name="cvc" inputmode="numeric" autocomplete="cc-csc" value="123">
<label for="bank">US bank account number (delayed payment)</label><input id="bank" name="bank" inputmode="numeric" aria-describedby="bank-hint" value="">
<p id="bank-hint" class="hint">000123456789 settles later and succeeds; 000111111113 settles later and fails.</p>
<button type="submit">Pay ${money(total, session.currency)}</button>
</form>
${session.cancelUrl ? `<p><a href="${escape(session.cancelUrl)}">← Back to the store</a></p>` : ""}`
}
</main></body></html>`;
}
