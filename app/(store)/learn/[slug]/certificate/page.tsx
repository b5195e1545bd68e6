import type { Metadata } from "next";
import Link from "next/link";
import { PrintButton } from "@/components/print-button";
import { requireCourseAccess } from "@/lib/enrollment/access";

type Props = { params: Promise<{ slug: string }> };

export const metadata: Metadata = { title: "Certificate" };

export default async function CertificatePage({ params }: Props) {
  const { slug } = await params;
  const { course, user, enrollment } = await requireCourseAccess(slug, "certificate", `/learn/${slug}/certificate`);
  const issued = new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: "UTC" }).format(enrollment.grantedAt);
  return (
    <div className="mx-auto max-w-4xl">
      <div className="mb-6 flex items-center justify-between print:hidden">
        <Link href={`/learn/${course.slug}`} className="text-sm text-slate-600 hover:underline">
          ← Back to the course
        </Link>
        <PrintButton />
      </div>
      <section
        aria-label="Certificate of completion"
        className="relative rounded-2xl border-8 border-double border-brand-800 bg-white px-10 py-16 text-center font-serif shadow-sm print:border-brand-900 print:shadow-none"
      >
        <p className="text-sm uppercase tracking-[0.3em] text-brand-700">Certificate of completion</p>
        <p className="mt-10 text-lg text-slate-600">This certifies that</p>
        <p className="mt-3 text-4xl font-bold text-slate-900">{user.name}</p>
        <p className="mt-6 text-lg text-slate-600">has completed the course</p>
        <h1 className="mt-3 text-3xl font-bold text-brand-900">{course.title}</h1>
        <div className="mt-14 flex flex-wrap justify-between gap-6 text-left text-sm text-slate-600">
          <p>
            Issued <span className="font-semibold text-slate-900">{issued}</span>
          </p>
          <p>
            Certificate no. <span className="font-mono text-slate-900">{enrollment.id.slice(0, 8).toUpperCase()}</span>
          </p>
          <p className="font-sans font-bold text-brand-800">Coursepay</p>
        </div>
      </section>
    </div>
  );
}
