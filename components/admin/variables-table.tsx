import type { FlatField } from "@/lib/admin/flatten";

/** Every variable of a raw payload (path → value), scrollable and focusable for keyboard users. */
export function VariablesTable({ fields, label }: { fields: FlatField[]; label: string }) {
  return (
    <div tabIndex={0} role="region" aria-label={label} className="relative overflow-x-auto">
      <table className="min-w-full text-xs">
        <caption className="sr-only">{label}</caption>
        <thead className="text-left font-semibold uppercase tracking-wide text-slate-600">
          <tr>
            <th scope="col" className="py-1 pr-4">Variable</th>
            <th scope="col" className="py-1">Value</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 font-mono">
          {fields.map((f) => (
            <tr key={f.path}>
              <th scope="row" className="whitespace-nowrap py-1 pr-4 text-left font-normal text-slate-700">{f.path || "(value)"}</th>
              <td className="break-all py-1 text-slate-900">{f.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
