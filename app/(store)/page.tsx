import Link from "next/link";
import { getDb } from "@/db/client";
import { CourseCard } from "@/components/course-card";
import { EmptyState } from "@/components/ui/empty-state";
import { listPublishedCourses } from "@/lib/catalog";
import { describePrice } from "@/lib/subscriptions/describe";
import { listOffers } from "@/lib/subscriptions/queries";

export default async function CatalogPage() {
  const db = getDb();
  const [courses, offers] = await Promise.all([listPublishedCourses(db), listOffers(db)]);
  const memberships = offers.filter((o) => o.kind === "membership");
  return (
    <div>
      <div className="max-w-2xl">
        <h1 className="text-3xl font-bold tracking-tight text-slate-900">Course catalog</h1>
        <p className="mt-2 text-slate-600">
          Start free courses right away, audit selected courses at no cost, buy a course securely with PayPal or a card, or open every
          course with a membership.
        </p>
      </div>
      {memberships.length > 0 && (
        <section aria-labelledby="memberships-heading" className="mt-8 rounded-xl border border-brand-100 bg-brand-50 p-6">
          <h2 id="memberships-heading" className="text-lg font-semibold text-slate-900">
            Memberships
          </h2>
          <ul className="mt-3 grid gap-4 sm:grid-cols-2">
            {memberships.map((offer) => (
              <li key={offer.slug} className="rounded-lg bg-white p-4 shadow-sm">
                <Link href={`/memberships/${offer.slug}`} className="font-semibold text-slate-900 hover:underline">
                  {offer.name}
                </Link>
                <p className="text-sm text-slate-600">{offer.description}</p>
                <p className="mt-2 text-sm font-semibold text-brand-800">{describePrice(offer.prices[0]!).headline}</p>
              </li>
            ))}
          </ul>
        </section>
      )}
      {courses.length === 0 ? (
        <div className="mt-8">
          <EmptyState title="No courses yet">New courses are on their way. Check back soon.</EmptyState>
        </div>
      ) : (
        <ul className="mt-8 grid gap-5 sm:grid-cols-2 lg:grid-cols-3" aria-label="Courses">
          {courses.map((course) => (
            <li key={course.id} className="flex">
              <div className="flex w-full">
                <CourseCard course={course} />
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
