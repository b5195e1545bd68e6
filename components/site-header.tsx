import Link from "next/link";
import { getDb } from "@/db/client";
import { currentUser } from "@/lib/auth/session";
import { cartCount } from "@/lib/cart";
import { currentGuestCart } from "@/lib/cart/guest";
import { signOutAction } from "@/app/(auth)/actions";
import { AccountMenu } from "./account-menu";

export async function SiteHeader() {
  const user = await currentUser();
  const itemsInCart = user ? await cartCount(getDb(), user.id) : (await currentGuestCart()).length;

  return (
    <header className="border-b border-slate-200 bg-white print:hidden">
      <div className="mx-auto flex max-w-6xl items-center justify-between gap-2 px-4 py-3 sm:gap-4 sm:px-6">
        <div className="flex items-center gap-6">
          <Link href="/" className="flex items-center gap-2 text-lg font-bold tracking-tight text-brand-800">
            <span aria-hidden="true" className="grid size-8 place-items-center rounded-lg bg-brand-700 text-sm text-white">
              C
            </span>
            Coursepay
          </Link>
          <nav aria-label="Main" className="hidden items-center gap-1 text-sm font-medium sm:flex">
            <Link href="/" className="rounded-md px-3 py-2 text-slate-700 hover:bg-slate-100">
              Catalog
            </Link>
            {user && (
              <Link href="/my/courses" className="rounded-md px-3 py-2 text-slate-700 hover:bg-slate-100">
                My courses
              </Link>
            )}
          </nav>
        </div>

        {/* Tighter on phones: the logo, Cart, Sign in and Sign up fit in 390 px without scrolling sideways. */}
        <div className="flex items-center gap-1 sm:gap-2">
          <Link href="/cart" className="relative whitespace-nowrap rounded-md px-2 py-2 sm:px-3 text-sm font-medium text-slate-700 hover:bg-slate-100">
            <span aria-hidden="true">Cart</span>
            <span className="sr-only">{`Cart, ${itemsInCart} ${itemsInCart === 1 ? "item" : "items"}`}</span>
            {itemsInCart > 0 && (
              <span
                aria-hidden="true"
                className="ml-1.5 inline-grid min-w-5 place-items-center rounded-full bg-brand-700 px-1.5 text-xs font-bold text-white"
              >
                {itemsInCart}
              </span>
            )}
          </Link>

          {user ? (
            <AccountMenu name={user.name} email={user.email} isAdmin={user.role === "admin"} signOut={signOutAction} />
          ) : (
            <>
              <Link href="/sign-in" className="whitespace-nowrap rounded-md px-2 py-2 sm:px-3 text-sm font-medium text-slate-700 hover:bg-slate-100">
                Sign in
              </Link>
              <Link href="/sign-up" className="whitespace-nowrap rounded-md bg-brand-700 px-2.5 py-2 sm:px-3 text-sm font-semibold text-white hover:bg-brand-800">
                Sign up
              </Link>
            </>
          )}
        </div>
      </div>
    </header>
  );
}
