import { Spinner } from "@/components/ui/spinner";

/** Where PayPal's buttons will be, while their code or PayPal's script is still loading. */
export function PayPalLoading() {
  return (
    <div role="status" className="grid h-12 place-items-center rounded-md bg-slate-100 text-sm text-slate-700">
      <span className="flex items-center gap-2">
        <Spinner />
        Loading PayPal…
      </span>
    </div>
  );
}
