import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { Badge } from "@/components/ui/badge";
import { verifyCertificate } from "@/lib/learning";
import { isUuid } from "@/lib/uuid";

export const metadata: Metadata = { title: "Certificate verification" };

const date = (d: Date) => new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: "UTC" }).format(d);

/** Anyone holding a certificate's address can check it is genuine — and whether it still stands. */
export default async function VerifyCertificatePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const found = isUuid(id) ? await verifyCertificate(getDb(), id) : null;
  if (!found) notFound();
  const { certificate, valid, revokedAt } = found;
  return (
    <div className="mx-auto max-w-xl rounded-2xl border border-slate-200 bg-white p-8 shadow-sm">
      <p className="text-sm text-slate-600">Certificate verification</p>
      <h1 className="mt-1 flex flex-wrap items-center gap-3 text-2xl font-bold text-slate-900">
        {valid ? "This certificate is genuine" : "This certificate was revoked"}
        <Badge tone={valid ? "green" : "red"}>{valid ? "valid" : "revoked"}</Badge>
      </h1>
      <dl className="mt-6 grid grid-cols-[auto_1fr] gap-x-6 gap-y-2 text-sm">
        <dt className="text-slate-600">Learner</dt>
        <dd className="font-medium text-slate-900">{certificate.learnerName}</dd>
        <dt className="text-slate-600">Course</dt>
        <dd className="font-medium text-slate-900">{certificate.courseTitle}</dd>
        <dt className="text-slate-600">Completed</dt>
        <dd className="text-slate-900">{date(certificate.issuedAt)}</dd>
        {!valid && revokedAt && (
          <>
            <dt className="text-slate-600">Revoked</dt>
            <dd className="text-slate-900">{date(revokedAt)} (the enrollment it certified was refunded or reversed)</dd>
          </>
        )}
        <dt className="text-slate-600">Certificate no.</dt>
        <dd className="break-all font-mono text-slate-900">{certificate.id}</dd>
      </dl>
    </div>
  );
}
