import Link from "next/link";
import type { ReactNode } from "react";
import { buttonClass } from "@/components/ui/button";
import { courseLevel } from "@/db/schema";
import { CATALOG_SORTS, type CatalogFilter } from "@/lib/catalog";

const control = "mt-1 block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 focus:border-brand-600 focus:outline-none focus:ring-2 focus:ring-brand-600";
const capitalised = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/** A labelled control (the label names it alone, not its current value). */
function Control({ name, label, className = "", children }: { name: string; label: string; className?: string; children: (id: string) => ReactNode }) {
  const id = `catalog-${name}`;
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      {children(id)}
    </div>
  );
}

/**
 * The catalog's search and filters: a plain GET form, so every search is a URL that can be shared, bookmarked and
 * opened without JavaScript (the server does all the work).
 */
export function CatalogFilters({ filter, topics, currencies }: { filter: CatalogFilter; topics: string[]; currencies: string[] }) {
  const select = (name: keyof CatalogFilter, value: string | undefined, options: [string, string][]) => (id: string) => (
    <select id={id} name={name} defaultValue={value ?? ""} className={control}>
      {options.map(([optionValue, text]) => (
        <option key={optionValue} value={optionValue}>
          {text}
        </option>
      ))}
    </select>
  );
  return (
    <search className="mt-8 rounded-xl border border-slate-200 bg-white p-4">
      <form action="/" method="get" className="grid gap-3 sm:grid-cols-2 lg:grid-cols-6">
        <Control name="q" label="Search" className="sm:col-span-2">
          {(id) => <input id={id} type="search" name="q" defaultValue={filter.q ?? ""} maxLength={100} placeholder="Title, subtitle or instructor" className={control} />}
        </Control>
        <Control name="price" label="Price">
          {select("price", filter.price, [["", "Free and paid"], ["free", "Free"], ["paid", "Paid"]])}
        </Control>
        <Control name="level" label="Level">
          {select("level", filter.level, [["", "Any level"], ...courseLevel.enumValues.map((l): [string, string] => [l, capitalised(l)])])}
        </Control>
        <Control name="topic" label="Topic">
          {select("topic", filter.topic, [["", "Any topic"], ...topics.map((t): [string, string] => [t, t])])}
        </Control>
        <Control name="currency" label="Currency">
          {select("currency", filter.currency, [["", "Any currency"], ...currencies.map((c): [string, string] => [c, c])])}
        </Control>
        {/* "Recommended" follows the search: best match for words, title order without. */}
        <Control name="sort" label="Sort by">
          {select("sort", filter.sort === "relevance" ? undefined : filter.sort, [
            ["", "Recommended"],
            ...Object.entries(CATALOG_SORTS).filter(([value]) => value !== "relevance"),
          ])}
        </Control>
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
