import type { Metadata } from "next";
import type { ReactNode } from "react";
import { SiteHeader } from "@/components/site-header";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Coursepay", template: "%s · Coursepay" },
  description: "Courses you can take today — free, audited, or paid securely with PayPal.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="flex min-h-screen flex-col">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-4 focus:z-50 focus:rounded-md focus:bg-white focus:px-4 focus:py-2 focus:shadow">
          Skip to content
        </a>
        <SiteHeader />
        <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 py-8 sm:px-6">
          {children}
        </main>
        <footer className="border-t border-slate-200 bg-white print:hidden">
          <div className="mx-auto max-w-6xl px-4 py-6 text-xs text-slate-600 sm:px-6">
            Coursepay — open-source course storefront. Payments are processed by PayPal and Stripe; we never see card details.
          </div>
        </footer>
      </body>
    </html>
  );
}
