import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { SubscribeOptions } from "@/components/subscriptions/subscribe-options";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { currentUser } from "@/lib/auth/session";
import { describePrice } from "@/lib/subscriptions/describe";
import { listOffers, offerCourses } from "@/lib/subscriptions/queries";

type Props = { params: Promise<{ slug: string }>; searchParams: Promise<{ currency?: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const [offer] = await listOffers(getDb(), { slug: (await params).slug });
  return { title: offer?.name ?? "Not found" };
}

/** A membership or a payment plan: what it opens, what it costs and when, and PayPal's Subscribe button. */
export default async function MembershipPage({ params, searchParams }: Props) {
  const { slug } = await params;
  const db = getDb();
  const [offer] = await listOffers(db, { slug });
  if (!offer) notFound();
  const requested = (await searchParams).currency;
  const terms = offer.prices.find((p) => p.currency === requested) ?? offer.prices[0]!;
  const { headline, details } = describePrice(terms);
  const user = await currentUser();
  const included = await offerCourses(db, offer.productId);
  const back = `/memberships/${offer.slug}`;

  return (
    <div className="grid gap-8 lg:grid-cols-[1fr_22rem]">
      <article>
        <Badge tone="brand">{offer.kind === "membership" ? "Membership" : "Payment plan"}</Badge>
        <h1 className="mt-3 text-3xl font-bold tracking-tight text-slate-900">{offer.name}</h1>
        <p className="mt-3 text-lg text-slate-600">{offer.description}</p>
        <h2 className="mt-8 text-lg font-semibold text-slate-900">{offer.kind === "membership" ? "Courses included" : "The course"}</h2>
        {included.length === 0 ? (
          <p className="mt-2 text-sm text-slate-600">No course is published in this membership yet.</p>
        ) : (
          <ul className="mt-3 divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white">
            {included.map((course) => (
              <li key={course.slug} className="p-4">
                <Link href={`/courses/${course.slug}`} className="font-semibold text-slate-900 hover:underline">
                  {course.title}
                </Link>
                <p className="text-sm text-slate-600">{course.summary}</p>
              </li>
            ))}
          </ul>
        )}
        {offer.kind === "membership" && <p className="mt-3 text-sm text-slate-600">Courses published later are included too.</p>}
      </article>

      <aside aria-label="Subscribe" className="h-fit rounded-xl border border-slate-200 bg-white p-6 shadow-sm lg:sticky lg:top-6">
        <p className="text-2xl font-bold text-slate-900">{headline}</p>
        <ul className="mt-3 space-y-1 text-sm text-slate-600">
          {details.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
        {offer.prices.length > 1 && (
          <nav aria-label="Currency" className="mt-3 flex flex-wrap gap-2 text-sm">
            {offer.prices.map((p) => (
              <Link key={p.currency} href={`${back}?currency=${p.currency}`} aria-current={p.currency === terms.currency ? "true" : undefined} className="rounded border border-slate-300 px-2 py-0.5 aria-[current=true]:border-brand-600 aria-[current=true]:bg-brand-50">
                {p.currency}
              </Link>
            ))}
          </nav>
        )}
        <div className="mt-5">
          {user ? (
            <SubscribeOptions productId={offer.productId} currency={terms.currency} />
          ) : (
            <ButtonLink href={`/sign-in?callbackUrl=${encodeURIComponent(back)}`} className="w-full">
              Sign in to subscribe
            </ButtonLink>
          )}
        </div>
      </aside>
    </div>
  );
}
