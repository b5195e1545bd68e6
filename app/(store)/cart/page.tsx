import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/db/client";
import { removeFromCartAction } from "@/app/(store)/actions";
import { ActionButton } from "@/components/forms/action-button";
import { Alert } from "@/components/ui/alert";
import { ButtonLink } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Badge } from "@/components/ui/badge";
import { Price } from "@/components/ui/price";
import { currentUser } from "@/lib/auth/session";
import { getCart } from "@/lib/cart";
import { courseTitlesOf, currentGuestCart, guestCart } from "@/lib/cart/guest";
import { RETURN_NOTICES } from "@/lib/payments/messages";
import { payWith } from "@/lib/payments/providers";
import { pendingPurchases } from "@/lib/payments/receipts";
import { offeredProviders } from "@/lib/payments/runtime";
import { PaymentOptions } from "@/components/checkout/payment-options";

export const metadata: Metadata = { title: "Your cart" };

/**
 * The cart. A visitor's lives in a signed cookie (lib/cart/guest.ts) and is paid after signing in, when it becomes the
 * account's; `left_out` names courses the merge dropped because the account already owns them.
 */
export default async function CartPage({ searchParams }: { searchParams: Promise<{ pay?: string; payment?: string; left_out?: string }> }) {
  const user = await currentUser();
  const db = getDb();
  const pending = user ? await pendingPurchases(db, user.id) : [];
  const cart = user ? await getCart(db, user.id, new Set(pending.map((p) => p.courseId))) : await guestCart(db, await currentGuestCart());
  const pendingOrder = new Map(pending.map((p) => [p.courseId, p.orderId]));
  const { pay: requested, payment, left_out } = await searchParams;
  const notice = payment && Object.hasOwn(RETURN_NOTICES, payment) ? RETURN_NOTICES[payment as keyof typeof RETURN_NOTICES] : null;
  const leftOut = user && left_out ? await courseTitlesOf(db, left_out.split(",")) : [];
  const returned = (notice || leftOut.length > 0) && (
    <div className="mt-6 space-y-3">
      {notice && <Alert tone={notice.tone}>{notice.text}</Alert>}
      {leftOut.length > 0 && (
        <Alert tone="info">
          Left out of your cart because you already own {leftOut.length === 1 ? "it" : "them"} (or {leftOut.length === 1 ? "it is" : "they are"} no longer sold): {leftOut.join(", ")}.
        </Alert>
      )}
    </div>
  );
  const signInToPay = `/sign-in?callbackUrl=${encodeURIComponent("/cart")}`;
  // One PayPal payment per currency: the buyer pays one currency group at a time.
  const paying = cart.totals.find((t) => t.currency === requested) ?? cart.totals[0];
  const offered = user && paying ? await offeredProviders(paying.currency) : [];

  if (cart.lines.length === 0) {
    return (
      <div>
        <h1 className="text-3xl font-bold tracking-tight text-slate-900">Your cart</h1>
        {returned}
        <div className="mt-8">
          <EmptyState title="Your cart is empty" action={<ButtonLink href="/">Browse courses</ButtonLink>}>
            Paid courses you add to your cart appear here, ready to pay for.
          </EmptyState>
        </div>
      </div>
    );
  }

  return (
    <div>
      <h1 className="text-3xl font-bold tracking-tight text-slate-900">Your cart</h1>
      {returned}
      <div className="mt-8 grid gap-8 lg:grid-cols-[1fr_22rem]">
        <section aria-labelledby="cart-items">
          <h2 id="cart-items" className="sr-only">
            Items
          </h2>
          <ul className="divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white">
            {cart.lines.map((line) => (
              <li key={line.courseId}>
                <div role="group" aria-labelledby={`cart-line-${line.courseId}`} className="flex items-center justify-between gap-4 p-4">
                  <div className="min-w-0">
                    <Link
                      id={`cart-line-${line.courseId}`}
                      href={`/courses/${line.slug}`}
                      className="font-semibold text-slate-900 hover:underline"
                    >
                      {line.title}
                    </Link>
                    <p className="text-sm text-slate-600">
                      <Price amount={line.price} />
                    </p>
                    {line.pending && (
                      <p className="mt-1 flex flex-wrap items-center gap-2 text-sm text-amber-900">
                        <Badge tone="amber">Payment pending</Badge>
                        <Link href={`/orders/${pendingOrder.get(line.courseId)}`} className="font-medium underline">
                          View receipt
                        </Link>
                      </p>
                    )}
                  </div>
                  <ActionButton
                    action={removeFromCartAction}
                    fields={{ courseId: line.courseId, returnTo: "/cart" }}
                    label="Remove"
                    detail={line.title}
                    pendingLabel="Removing…"
                    variant="ghost"
                  />
                </div>
              </li>
            ))}
          </ul>
        </section>
        <aside aria-labelledby="cart-summary" className="h-fit rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
          <h2 id="cart-summary" className="text-lg font-semibold text-slate-900">
            Summary
          </h2>
          <dl className="mt-4 space-y-2">
            {cart.totals.map((total) => (
              <div key={total.currency} className="flex justify-between text-sm">
                <dt className="text-slate-600">Total in {total.currency}</dt>
                <dd className="font-bold text-slate-900">
                  <Price amount={total} />
                </dd>
              </div>
            ))}
          </dl>
          {!user && (
            <section aria-labelledby="pay-heading" className="mt-6 space-y-3 border-t border-slate-200 pt-6">
              <h3 id="pay-heading" className="text-base font-semibold text-slate-900">
                Ready to pay?
              </h3>
              <p className="text-sm text-slate-600">Sign in or create an account: your cart comes with you, and your courses are kept in your account.</p>
              <ButtonLink href={signInToPay} className="w-full">
                Sign in to pay
              </ButtonLink>
              <ButtonLink href={`/sign-up?callbackUrl=${encodeURIComponent("/cart")}`} variant="secondary" className="w-full">
                Create an account
              </ButtonLink>
            </section>
          )}
          {user && !paying && (
            <p className="mt-4 text-sm text-slate-600">
              Nothing to pay now: PayPal is still clearing your earlier payment for these courses. You will be enrolled as soon as it completes.
            </p>
          )}
          {user && paying && (
            <section aria-labelledby="pay-heading" className="mt-6 border-t border-slate-200 pt-6">
              <h3 id="pay-heading" className="text-base font-semibold text-slate-900">
                Pay <Price amount={paying} />
                {payWith(offered)}
              </h3>
              {cart.totals.length > 1 && (
                <div className="mt-2 space-y-2 text-sm text-slate-600">
                  <p>
                    Your cart holds courses priced in {cart.totals.length} currencies. PayPal takes one currency per payment, so
                    you pay each group separately; the others stay in your cart.
                  </p>
                  <nav aria-label="Currency to pay now" className="flex flex-wrap gap-2">
                    {cart.totals.map((total) => (
                      <Link
                        key={total.currency}
                        href={`/cart?pay=${total.currency}`}
                        aria-current={total.currency === paying.currency ? "true" : undefined}
                        className="rounded-full border border-slate-300 px-3 py-1 font-medium text-slate-700 hover:bg-slate-100 aria-[current=true]:border-brand-700 aria-[current=true]:bg-brand-50 aria-[current=true]:text-brand-800"
                      >
                        {total.currency} courses
                      </Link>
                    ))}
                  </nav>
                </div>
              )}
              <div className="mt-4">
                <PaymentOptions key={paying.currency} selection={{ kind: "cart", currency: paying.currency }} currency={paying.currency} offered={offered} />
              </div>
            </section>
          )}
        </aside>
      </div>
    </div>
  );
}
