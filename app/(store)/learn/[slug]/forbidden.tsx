import { ButtonLink } from "@/components/ui/button";

export default function NotEnrolled() {
  return (
    <div className="mx-auto max-w-xl rounded-xl border border-slate-200 bg-white p-8 text-center shadow-sm">
      <h1 className="text-2xl font-bold text-slate-900">You are not enrolled in this course</h1>
      <p className="mt-2 text-slate-600">Enroll, audit or buy the course from its page to see its content.</p>
      <div className="mt-6">
        <ButtonLink href="/">Browse the catalog</ButtonLink>
      </div>
    </div>
  );
}
