"use client";

import Link from "next/link";
import { useEffect, useId, useRef, useState } from "react";

/** A disclosure menu: a real button (aria-expanded) that opens a panel; Escape and outside clicks close it. */
export function AccountMenu({
  name,
  email,
  isAdmin,
  signOut,
}: {
  name: string;
  email: string;
  isAdmin: boolean;
  signOut: () => Promise<void>;
}) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener("pointerdown", onPointer);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  const item = "block w-full rounded-md px-3 py-2 text-left text-sm text-slate-800 hover:bg-slate-100";
  return (
    <div ref={root} className="relative">
      <button
        ref={button}
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
        className="flex items-center gap-2 rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100"
      >
        <span className="grid size-7 place-items-center rounded-full bg-brand-100 text-xs font-bold text-brand-800" aria-hidden="true">
          {name.slice(0, 1).toUpperCase()}
        </span>
        {/* On a phone only the initial shows; the name stays in the button's accessible name. */}
        <span className="sr-only max-w-32 truncate sm:not-sr-only">{name}</span>
        <span className="sr-only">account menu</span>
      </button>
      <div id={panelId} hidden={!open} className="absolute right-0 z-10 mt-2 w-56 rounded-lg border border-slate-200 bg-white p-1 shadow-lg">
        <p className="truncate px-3 py-2 text-xs text-slate-600">{email}</p>
        <Link href="/my/courses" className={item} onClick={() => setOpen(false)}>
          My courses
        </Link>
        <Link href="/my/orders" className={item} onClick={() => setOpen(false)}>
          My orders
        </Link>
        <Link href="/my/subscriptions" className={item} onClick={() => setOpen(false)}>
          My subscriptions
        </Link>
        <Link href="/account" className={item} onClick={() => setOpen(false)}>
          Account settings
        </Link>
        {isAdmin && (
          <Link href="/admin" className={item} onClick={() => setOpen(false)}>
            Admin
          </Link>
        )}
        <form action={signOut}>
          <button type="submit" className={item}>
            Sign out
          </button>
        </form>
      </div>
    </div>
  );
}
