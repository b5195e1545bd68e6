import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import { courseLevel } from "@/db/schema";
import { CATALOG_SORTS, type CatalogFilter } from "@/lib/catalog";

const control = "mt-1 block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 focus:border-brand-600 focus:outline-none focus:ring-2 focus:ring-brand-600";
const label = "block text-sm font-medium text-slate-800";
const capitalised = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/**
 * The catalog's search and filters: a plain GET form, so every search is a URL that can be shared, bookmarked and
 * opened without JavaScript (the server does all the work).
 */
export function CatalogFilters({ filter, topics, currencies }: { filter: CatalogFilter; topics: string[]; currencies: string[] }) {
  return (
    <search className="mt-8 rounded-xl border border-slate-200 bg-white p-4">
      <form action="/" method="get" className="grid gap-3 sm:grid-cols-2 lg:grid-cols-6">
        <label className={`${label} sm:col-span-2`}>
          Search
          <input type="search" name="q" defaultValue={filter.q ?? ""} maxLength={100} placeholder="Title, subtitle or instructor" className={control} />
        </label>
        <label className={label}>
          Price
          <select name="price" defaultValue={filter.price ?? ""} className={control}>
            <option value="">Free and paid</option>
            <option value="free">Free</option>
            <option value="paid">Paid</option>
          </select>
        </label>
        <label className={label}>
          Level
          <select name="level" defaultValue={filter.level ?? ""} className={control}>
            <option value="">Any level</option>
            {courseLevel.enumValues.map((level) => (
              <option key={level} value={level}>
                {capitalised(level)}
              </option>
            ))}
          </select>
        </label>
        <label className={label}>
          Topic
          <select name="topic" defaultValue={filter.topic ?? ""} className={control}>
            <option value="">Any topic</option>
            {topics.map((topic) => (
              <option key={topic} value={topic}>
                {topic}
              </option>
            ))}
          </select>
        </label>
        <label className={label}>
          Currency
          <select name="currency" defaultValue={filter.currency ?? ""} className={control}>
            <option value="">Any currency</option>
            {currencies.map((currency) => (
              <option key={currency} value={currency}>
                {currency}
              </option>
            ))}
          </select>
        </label>
        <label className={label}>
          Sort by
          <select name="sort" defaultValue={filter.sort ?? (filter.q ? "relevance" : "title")} className={control}>
            {Object.entries(CATALOG_SORTS).map(([value, text]) => (
              <option key={value} value={value}>
                {text}
              </option>
            ))}
          </select>
        </label>
        <div className="flex items-end gap-3 lg:col-span-5">
          <button type="submit" className={buttonClass("primary")}>
            Search
          </button>
          <Link href="/" className="rounded-md px-2 py-2 text-sm font-medium text-brand-800 underline hover:text-brand-900">
            Clear
          </Link>
        </div>
      </form>
    </search>
  );
}
