import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { eq, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { subscriptionProducts, subscriptions } from "@/db/schema";
import { DateTime } from "@/components/admin/date-time";
import { ProductForm } from "@/components/admin/product-form";
import { Alert } from "@/components/ui/alert";
import { requireAdmin } from "@/lib/auth/session";
import { CURRENCIES, formatMoney, money } from "@/lib/money";
import { courseChoices, priceVersions, productFormValues } from "@/lib/subscriptions/editor";
import { isUuid } from "@/lib/uuid";

export const metadata: Metadata = { title: "Membership or plan" };

export default async function MembershipPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ saved?: string; currency?: string }> }) {
  await requireAdmin();
  const { id } = await params;
  if (!isUuid(id)) notFound();
  const db = getDb();
  const [product] = await db.select().from(subscriptionProducts).where(eq(subscriptionProducts.id, id));
  if (!product) notFound();
  const { saved, currency } = await searchParams;
  const [courses, versions, values, [{ n } = { n: 0 }]] = await Promise.all([
    courseChoices(db),
    priceVersions(db, id),
    productFormValues(db, product, currency),
    db.select({ n: sql<number>`count(*)::int` }).from(subscriptions).where(eq(subscriptions.productId, id)),
  ]);
  return (
    <div className="space-y-6">
      <div>
        <Link href="/admin/memberships" className="text-sm font-medium text-brand-800 hover:underline">
          ← Memberships and payment plans
        </Link>
        <h1 className="mt-2 text-3xl font-bold tracking-tight text-slate-900">{product.name}</h1>
        <p className="mt-1 text-sm text-slate-600">
          {product.published ? (
            <Link href={`/memberships/${product.slug}`} className="font-medium text-brand-800 underline">
              View in the store
            </Link>
          ) : (
            "Draft: not offered to buyers."
          )}
        </p>
      </div>
      {saved && <Alert tone="success">{saved === "same-price" ? "Saved." : `Saved, with price version ${saved} for new buyers.`}</Alert>}
      <ProductForm id={product.id} initial={values} courses={courses} currencies={CURRENCIES} locked={n > 0} />
      <section aria-labelledby="versions-heading" className="rounded-xl border border-slate-200 bg-white p-5">
        <h2 id="versions-heading" className="text-lg font-semibold text-slate-900">
          Price versions
        </h2>
        <div className="mt-3 overflow-x-auto">
        <table className="text-left text-sm">
          <thead className="text-slate-600">
            <tr>
              <th scope="col" className="py-1 pr-6 font-semibold">Currency</th>
              <th scope="col" className="py-1 pr-6 font-semibold">Version</th>
              <th scope="col" className="py-1 pr-6 font-semibold">Each payment</th>
              <th scope="col" className="py-1 pr-6 font-semibold">Setup fee</th>
              <th scope="col" className="py-1 font-semibold">Since</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.id}>
                <td className="py-1 pr-6">
                  <Link href={`/admin/memberships/${id}?currency=${v.currency}`} className="text-brand-800 underline">
                    {v.currency}
                  </Link>
                </td>
                <td className="py-1 pr-6">{v.version}</td>
                <td className="py-1 pr-6">{formatMoney(money(v.amountMinor, v.currency))}</td>
                <td className="py-1 pr-6">{v.setupFeeMinor ? formatMoney(money(v.setupFeeMinor, v.currency)) : "—"}</td>
                <td className="py-1"><DateTime value={v.createdAt} /></td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      </section>
    </div>
  );
}
