import Link from "next/link";
import { getDb } from "@/db/client";
import { currentUser } from "@/lib/auth/session";
import { cartCount } from "@/lib/cart";
import { signOutAction } from "@/app/(auth)/actions";

export async function SiteHeader() {
  const user = await currentUser();
  const itemsInCart = user ? await cartCount(getDb(), user.id) : 0;

  return (
    <header className="border-b border-slate-200 bg-white print:hidden">
      <div className="mx-auto flex max-w-6xl items-center justify-between gap-4 px-4 py-3 sm:px-6">
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

        <div className="flex items-center gap-2">
          <Link
            href="/cart"
            className="relative whitespace-nowrap rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100"
            aria-label={`Cart, ${itemsInCart} ${itemsInCart === 1 ? "item" : "items"}`}
          >
            <span aria-hidden="true">Cart</span>
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
            <details className="group relative">
              <summary className="flex cursor-pointer list-none items-center gap-2 whitespace-nowrap rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100">
                <span className="grid size-7 place-items-center rounded-full bg-brand-100 text-xs font-bold text-brand-800" aria-hidden="true">
                  {user.name.slice(0, 1).toUpperCase()}
                </span>
                <span className="max-w-32 truncate">{user.name}</span>
                <span className="sr-only">account menu</span>
              </summary>
              <div className="absolute right-0 z-10 mt-2 w-56 rounded-lg border border-slate-200 bg-white p-1 shadow-lg">
                <p className="truncate px-3 py-2 text-xs text-slate-600">{user.email}</p>
                <Link href="/my/courses" className="block rounded-md px-3 py-2 text-sm hover:bg-slate-100">
                  My courses
                </Link>
                {user.role === "admin" && (
                  <Link href="/admin" className="block rounded-md px-3 py-2 text-sm hover:bg-slate-100">
                    Admin
                  </Link>
                )}
                <form action={signOutAction}>
                  <button type="submit" className="block w-full rounded-md px-3 py-2 text-left text-sm hover:bg-slate-100">
                    Sign out
                  </button>
                </form>
              </div>
            </details>
          ) : (
            <>
              <Link href="/sign-in" className="whitespace-nowrap rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100">
                Sign in
              </Link>
              <Link href="/sign-up" className="whitespace-nowrap rounded-md bg-brand-700 px-3 py-2 text-sm font-semibold text-white hover:bg-brand-800">
                Sign up
              </Link>
            </>
          )}
        </div>
      </div>
    </header>
  );
}
