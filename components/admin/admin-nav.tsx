"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const SECTIONS = [
  { href: "/admin", label: "Overview" },
  { href: "/admin/transactions", label: "Transactions" },
  { href: "/admin/subscriptions", label: "Subscriptions" },
  { href: "/admin/notifications", label: "IPN inbox" },
  { href: "/admin/outbox", label: "Outbox" },
  { href: "/admin/courses", label: "Courses" },
  { href: "/admin/memberships", label: "Memberships" },
  { href: "/admin/gateway", label: "LMS connections" },
  { href: "/admin/webhooks", label: "Webhooks" },
  { href: "/admin/settings/payments", label: "Payment settings" },
  { href: "/admin/audit", label: "Audit log" },
] as const;

/** The admin area's sections; the current one is marked for screen readers as well as visually. */
export function AdminNav() {
  const pathname = usePathname();
  const current = (href: string) => (href === "/admin" ? pathname === href : pathname === href || pathname.startsWith(`${href}/`));
  return (
    <nav aria-label="Admin" className="-mx-1 flex gap-1 overflow-x-auto border-b border-slate-200 pb-px text-sm font-medium">
      {SECTIONS.map(({ href, label }) => (
        <Link
          key={href}
          href={href}
          aria-current={current(href) ? "page" : undefined}
          className="whitespace-nowrap rounded-t-md border-b-2 border-transparent px-3 py-2 text-slate-600 hover:text-slate-900 aria-[current=page]:border-brand-700 aria-[current=page]:text-brand-800"
        >
          {label}
        </Link>
      ))}
    </nav>
  );
}
