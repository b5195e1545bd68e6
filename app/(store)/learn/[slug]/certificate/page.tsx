import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/db/client";
import { CourseProgress } from "@/components/learning/lesson-nav";
import { ButtonLink } from "@/components/ui/button";
import { requireCourseAccess } from "@/lib/enrollment/access";
import { storeOrigin } from "@/lib/http/origin";
import { courseOutline, validCertificate } from "@/lib/learning";

type Props = { params: Promise<{ slug: string }> };

export const metadata: Metadata = { title: "Certificate" };

/**
 * The learner's certificate, earned by completing every lesson with a full enrollment (audits are refused by the gate):
 * its verification address, and the PDF. Before then, how far they are.
 */
export default async function CertificatePage({ params }: Props) {
  const { slug } = await params;
  const { course, user } = await requireCourseAccess(slug, "certificate", `/learn/${slug}/certificate`);
  const db = getDb();
  const [certificate, outline] = await Promise.all([validCertificate(db, user.id, course.id), courseOutline(db, course.id, user.id)]);
  if (!certificate) {
    return (
      <div className="mx-auto max-w-xl rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <h1 className="text-2xl font-bold text-slate-900">Your certificate is waiting for you</h1>
        <p className="mt-2 text-slate-700">Complete every lesson of {course.title} to earn your certificate of completion.</p>
        <div className="mt-6">
          <CourseProgress outline={outline} />
        </div>
        <div className="mt-6">
          <ButtonLink href={`/learn/${course.slug}`}>Continue the course</ButtonLink>
        </div>
      </div>
    );
  }
  const verifyUrl = `${await storeOrigin()}/certificates/${certificate.id}`;
  const issued = new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: "UTC" }).format(certificate.issuedAt);
  return (
    <div className="mx-auto max-w-4xl">
      <div className="mb-6 flex flex-wrap items-center justify-between gap-3">
        <Link href={`/learn/${course.slug}`} className="text-sm text-slate-600 hover:underline">
          ← Back to the course
        </Link>
        <ButtonLink href={`/certificates/${certificate.id}/pdf`}>Download PDF</ButtonLink>
      </div>
      <section
        aria-label="Certificate of completion"
        className="relative rounded-2xl border-8 border-double border-brand-800 bg-white px-6 py-12 text-center font-serif shadow-sm sm:px-10 sm:py-16"
      >
        <p className="text-sm uppercase tracking-[0.3em] text-brand-700">Certificate of completion</p>
        <p className="mt-10 text-lg text-slate-600">This certifies that</p>
        <p className="mt-3 text-4xl font-bold text-slate-900">{certificate.learnerName}</p>
        <p className="mt-6 text-lg text-slate-600">has completed every lesson of the course</p>
        <h1 className="mt-3 text-3xl font-bold text-brand-900">{certificate.courseTitle}</h1>
        <div className="mt-14 flex flex-wrap justify-between gap-6 text-left text-sm text-slate-600">
          <p>
            Completed <span className="font-semibold text-slate-900">{issued}</span>
          </p>
          <p className="break-all">
            Verify at{" "}
            <Link href={`/certificates/${certificate.id}`} className="font-mono text-brand-800 underline">
              {verifyUrl}
            </Link>
          </p>
          <p className="font-sans font-bold text-brand-800">Coursepay</p>
        </div>
      </section>
    </div>
  );
}
