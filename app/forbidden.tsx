import { ButtonLink } from "@/components/ui/button";

export default function Forbidden() {
  return (
    <div className="mx-auto max-w-xl rounded-xl border border-slate-200 bg-white p-8 text-center shadow-sm">
      <p className="text-sm font-semibold text-red-700">403</p>
      <h1 className="mt-1 text-2xl font-bold text-slate-900">You do not have access to this page</h1>
      <p className="mt-2 text-slate-600">This area is for administrators. If you think you should have access, ask an administrator.</p>
      <div className="mt-6">
        <ButtonLink href="/">Back to the catalog</ButtonLink>
      </div>
    </div>
  );
}
