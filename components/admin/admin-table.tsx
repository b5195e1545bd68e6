import type { ReactNode } from "react";

export type Column = { label: ReactNode; align?: "right" };

/**
 * The admin's list tables: a captioned table in a keyboard-scrollable region (axe requires a scrollable area to be
 * focusable), one header row, and the caller's rows. The region is positioned so that screen-reader-only text in
 * its cells (absolutely positioned) is clipped with the table instead of widening the page on a phone.
 */
export function AdminTable({ label, caption, columns, children }: { label: string; caption: string; columns: Column[]; children: ReactNode }) {
  return (
    <div tabIndex={0} role="region" aria-label={label} className="relative overflow-x-auto rounded-xl border border-slate-200 bg-white">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
          <tr>
            {columns.map((column, index) => (
              <th key={index} scope="col" className={`px-4 py-3 ${column.align === "right" ? "text-right" : ""}`}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">{children}</tbody>
      </table>
    </div>
  );
}
