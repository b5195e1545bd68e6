import type { RevenueSeries } from "@/lib/admin/overview";
import { formatMoney } from "@/lib/money";

const WIDTH = 600;
const HEIGHT = 140;

/**
 * One currency's daily captured revenue as bars. The SVG is a picture for sighted users (role=img with a
 * summary); the same numbers are in a table for everyone else — amounts in different currencies never share an axis.
 */
export function RevenueChart({ series }: { series: RevenueSeries }) {
  const max = Math.max(1, ...series.days.map((d) => d.gross.minor));
  const slot = WIDTH / series.days.length;
  const best = series.days.reduce((a, b) => (b.gross.minor > a.gross.minor ? b : a));
  const summary = `${series.currency} revenue over ${series.days.length} days: ${formatMoney(series.total)} in total; best day ${best.day} with ${formatMoney(best.gross)}.`;
  return (
    <figure className="rounded-xl border border-slate-200 bg-white p-5">
      <figcaption className="flex items-baseline justify-between gap-4">
        <span className="text-sm font-semibold text-slate-800">{series.currency}</span>
        <span className="text-lg font-bold text-slate-900">{formatMoney(series.total)}</span>
      </figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary} className="mt-3 h-36 w-full" preserveAspectRatio="none">
        {series.days.map((d, i) => {
          const h = (d.gross.minor / max) * (HEIGHT - 4);
          return (
            <rect key={d.day} x={i * slot + 1} y={HEIGHT - h} width={Math.max(1, slot - 2)} height={h} rx={2} className="fill-brand-600">
              <title>{`${d.day}: ${formatMoney(d.gross)}`}</title>
            </rect>
          );
        })}
        <line x1={0} x2={WIDTH} y1={HEIGHT - 0.5} y2={HEIGHT - 0.5} className="stroke-slate-300" />
      </svg>
      <div className="mt-1 flex justify-between text-xs text-slate-600" aria-hidden="true">
        <span>{series.days[0]?.day}</span>
        <span>{series.days.at(-1)?.day}</span>
      </div>
      <details className="mt-3 text-sm">
        <summary className="cursor-pointer text-brand-800">Daily figures</summary>
        <table className="mt-2 w-full text-left">
          <caption className="sr-only">{`${series.currency} revenue per day`}</caption>
          <thead>
            <tr className="text-xs uppercase text-slate-600">
              <th scope="col">Day (UTC)</th>
              <th scope="col" className="text-right">Captured</th>
            </tr>
          </thead>
          <tbody>
            {series.days
              .filter((d) => d.gross.minor > 0)
              .map((d) => (
                <tr key={d.day}>
                  <th scope="row" className="font-normal">{d.day}</th>
                  <td className="text-right">{formatMoney(d.gross)}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
