import Link from "next/link";
import { getDb } from "@/db/client";
import { CourseCard } from "@/components/course-card";
import { EmptyState } from "@/components/ui/empty-state";
import { CatalogFilters } from "@/components/catalog-filters";
import { ButtonLink } from "@/components/ui/button";
import { catalogFacets, parseCatalogFilter, searchCatalog, type CatalogFilter } from "@/lib/catalog";
import { describePrice } from "@/lib/subscriptions/describe";
import { listOffers } from "@/lib/subscriptions/queries";

/** A link to the same search with other parameters (empty ones dropped), so every view of the catalog can be shared. */
function catalogHref(filter: CatalogFilter, change: Partial<Record<keyof CatalogFilter, string | number | undefined>>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filter, ...change })) if (value !== undefined && value !== "") params.set(key, String(value));
  const query = params.toString();
  return query ? `/?${query}` : "/";
}

export default async function CatalogPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const db = getDb();
  const filter = parseCatalogFilter(await searchParams);
  const [result, facets, offers] = await Promise.all([searchCatalog(db, filter), catalogFacets(db), listOffers(db)]);
  const { courses } = result;
  const filtered = Object.entries(filter).some(([key, value]) => key !== "page" && key !== "sort" && value !== undefined);
  const memberships = filtered ? [] : offers.filter((o) => o.kind === "membership");
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
      <CatalogFilters filter={filter} topics={facets.topics} currencies={facets.currencies} />
      <p role="status" className="mt-4 text-sm text-slate-600">
        {result.total === 1 ? "1 course" : `${result.total.toLocaleString("en-US")} courses`}
        {filter.q ? ` for “${filter.q}”` : ""}
        {result.pages > 1 ? ` · page ${result.page} of ${result.pages}` : ""}
      </p>
      {courses.length === 0 ? (
        <div className="mt-6">
          {filtered ? (
            <EmptyState title="No course matches" action={<ButtonLink href="/">Clear the search and filters</ButtonLink>}>
              Try fewer words, or another level, topic or currency.
            </EmptyState>
          ) : (
            <EmptyState title="No courses yet">New courses are on their way. Check back soon.</EmptyState>
          )}
        </div>
      ) : (
        <ul className="mt-4 grid gap-5 sm:grid-cols-2 lg:grid-cols-3" aria-label="Courses">
          {courses.map((course) => (
            <li key={course.id} className="flex">
              <div className="flex w-full">
                <CourseCard course={course} />
              </div>
            </li>
          ))}
        </ul>
      )}
      {result.pages > 1 && (
        <nav aria-label="Catalog pages" className="mt-8 flex flex-wrap items-center gap-3">
          {result.page > 1 && (
            <ButtonLink href={catalogHref(filter, { page: result.page - 1 })} variant="secondary">
              Previous page
            </ButtonLink>
          )}
          {result.page < result.pages && (
            <ButtonLink href={catalogHref(filter, { page: result.page + 1 })} variant="secondary">
              Next page
            </ButtonLink>
          )}
        </nav>
      )}
    </div>
  );
}
