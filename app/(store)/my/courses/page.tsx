import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/db/client";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { requireUser } from "@/lib/auth/session";
import { listActiveEnrollments } from "@/lib/enrollment";
import { pendingPurchases } from "@/lib/payments/receipts";

export const metadata: Metadata = { title: "My courses" };

export default async function MyCoursesPage() {
  const user = await requireUser("/my/courses");
  const db = getDb();
  const [courses, pending] = await Promise.all([listActiveEnrollments(db, user.id), pendingPurchases(db, user.id)]);
  return (
    <div>
      <h1 className="text-3xl font-bold tracking-tight text-slate-900">My courses</h1>
      {pending.length > 0 && (
        <section aria-labelledby="pending-heading" className="mt-6 rounded-xl border border-amber-200 bg-amber-50 p-5">
          <h2 id="pending-heading" className="font-semibold text-amber-900">
            Payment pending
          </h2>
          <p className="mt-1 text-sm text-amber-900">PayPal is clearing these payments. Each course opens here as soon as its payment completes.</p>
          <ul className="mt-3 space-y-2 text-sm">
            {pending.map((p) => (
              <li key={p.courseId} className="flex flex-wrap items-center justify-between gap-2">
                <span className="font-medium text-slate-900">{p.title}</span>
                <Link href={`/orders/${p.orderId}`} className="font-medium text-amber-900 underline">
                  View receipt<span className="sr-only"> for {p.title}</span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}
      {courses.length === 0 ? (
        pending.length === 0 && (
        <div className="mt-8">
          <EmptyState title="You are not enrolled in any course yet" action={<ButtonLink href="/">Browse the catalog</ButtonLink>}>
            Enroll in a free course, audit one, or buy one with PayPal — it will show up here.
          </EmptyState>
        </div>
        )
      ) : (
        <ul className="mt-8 grid gap-4 sm:grid-cols-2">
          {courses.map((c) => (
            <li key={c.courseId} className="flex flex-col rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
              <div>{c.mode === "audit" ? <Badge tone="blue">Auditing</Badge> : <Badge tone="green">Enrolled</Badge>}</div>
              <h2 className="mt-3 text-lg font-semibold text-slate-900">
                <Link href={`/learn/${c.slug}`} className="hover:underline">
                  {c.title}
                </Link>
              </h2>
              <p className="mt-1 flex-1 text-sm text-slate-600">{c.summary}</p>
              <div className="mt-4 flex flex-wrap gap-2">
                <ButtonLink href={`/learn/${c.slug}`} variant="secondary">
                  Open course
                </ButtonLink>
                {c.mode === "full" && (
                  <ButtonLink href={`/learn/${c.slug}/certificate`} variant="ghost">
                    Certificate
                  </ButtonLink>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
