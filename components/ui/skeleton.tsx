/** Placeholder blocks shown while a page loads; hidden from assistive technology, which hears the status text. */
export function PageSkeleton({ label, cards = 0 }: { label: string; cards?: number }) {
  return (
    <div role="status" aria-live="polite">
      <span className="sr-only">{label}</span>
      <div aria-hidden="true" className="animate-pulse space-y-4">
        <div className="h-8 w-64 rounded-lg bg-slate-200" />
        <div className="h-4 w-96 max-w-full rounded bg-slate-200" />
        {cards > 0 ? (
          <div className="grid gap-5 pt-4 sm:grid-cols-2 lg:grid-cols-3">
            {Array.from({ length: cards }, (_, i) => (
              <div key={i} className="h-48 rounded-xl bg-slate-200" />
            ))}
          </div>
        ) : (
          <div className="h-64 rounded-xl bg-slate-200" />
        )}
      </div>
    </div>
  );
}
