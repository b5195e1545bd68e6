import { ButtonLink } from "@/components/ui/button";

export default function NoCertificate() {
  return (
    <div className="mx-auto max-w-xl rounded-xl border border-amber-200 bg-white p-8 text-center shadow-sm">
      <h1 className="text-2xl font-bold text-slate-900">No certificate for this enrollment</h1>
      <p className="mt-2 text-slate-600">
        Certificates are issued for full enrollments only. Audits include the course content but not a certificate —
        buy the course to earn one.
      </p>
      <div className="mt-6 flex justify-center gap-3">
        <ButtonLink href="/my/courses" variant="secondary">
          My courses
        </ButtonLink>
        <ButtonLink href="/">Browse the catalog</ButtonLink>
      </div>
    </div>
  );
}
