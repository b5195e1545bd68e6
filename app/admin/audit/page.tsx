import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db/client";
import { AdminTable } from "@/components/admin/admin-table";
import { DateTime } from "@/components/admin/date-time";
import { Pager } from "@/components/admin/pager";
import { ButtonLink } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { actionLabel, detailLines } from "@/lib/admin/audit-format";
import { listAuditLog, type AuditCursor, type AuditLine } from "@/lib/audit";
import { requireAdmin } from "@/lib/auth/session";
import { courseTitles } from "@/lib/catalog/admin";

export const metadata: Metadata = { title: "Audit log" };

const PAGE_SIZE = 50;

/** `?before=<id>`: the cursor listAuditLog returned, as digits only (ids are positive safe integers). */
const pageParams = z.object({
  before: z
    .string()
    .regex(/^[1-9]\d{0,15}$/)
    .transform(Number)
    .refine(Number.isSafeInteger)
    .optional(),
});

const olderHref = (cursor: AuditCursor) => `/admin/audit?${new URLSearchParams({ before: String(cursor.id) })}`;

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function AuditLogPage({ searchParams }: { searchParams: SearchParams }) {
  // Layouts and pages render in parallel: the page checks too, so it never renders for a non-admin.
  await requireAdmin();
  const params = pageParams.safeParse(await searchParams);
  if (!params.success) notFound();
  const { before } = params.data;
  const db = getDb();
  const { lines, next } = await listAuditLog(db, { limit: PAGE_SIZE, before: before ? { id: before } : undefined });
  const titles = await courseTitles(
    db,
    lines.flatMap((line) => (line.targetType === "course" && line.targetId ? [line.targetId] : [])),
  );

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-3xl font-bold tracking-tight text-slate-900">Audit log</h1>
        <p className="mt-1 text-sm text-slate-600">What admins changed, newest first. Times are UTC.</p>
      </div>

      {lines.length === 0 ? (
        before ? (
          <EmptyState title="No older entries" action={<ButtonLink href="/admin/audit" variant="secondary">Newest entries</ButtonLink>}>
            Every entry before this point has been shown.
          </EmptyState>
        ) : (
          <EmptyState title="Nothing logged yet">
            Changes to courses and payment settings, refunds and reconciliations appear here, with the admin who made them.
          </EmptyState>
        )
      ) : (
        <AdminTable
          label="Audit log table"
          caption="Admin actions, newest first"
          columns={[{ label: "Time" }, { label: "Admin" }, { label: "Action" }, { label: "Target" }, { label: "Details" }]}
        >
              {lines.map((line) => (
                <tr key={line.id} className="align-top">
                  <td className="whitespace-nowrap px-4 py-3 text-slate-700">
                    <DateTime value={line.createdAt} />
                  </td>
                  <td className="px-4 py-3 text-slate-900">{line.actorEmail ?? <span className="text-slate-600">deleted account</span>}</td>
                  <td className="whitespace-nowrap px-4 py-3 font-medium text-slate-900">{actionLabel(line.action)}</td>
                  <td className="px-4 py-3">
                    <Target line={line} titles={titles} />
                  </td>
                  <td className="px-4 py-3">
                    <Details details={line.details} />
                  </td>
                </tr>
              ))}
        </AdminTable>
      )}

      <Pager newest={before ? "/admin/audit" : null} older={next ? olderHref(next) : null} noun="entries" />
    </div>
  );
}

const linkClass = "font-medium text-brand-800 hover:underline";

function Target({ line, titles }: { line: AuditLine; titles: Map<string, string> }) {
  const id = line.targetId;
  if (!id) return <span className="text-slate-600">—</span>;
  switch (line.targetType) {
    case "order":
      return (
        <Link href={`/admin/transactions/${encodeURIComponent(id)}`} className={linkClass}>
          Order <span className="font-mono text-xs">{id.slice(0, 8)}</span>
        </Link>
      );
    case "course":
      return (
        <Link href={`/admin/courses/${encodeURIComponent(id)}`} className={linkClass}>
          {titles.get(id) ?? `Course ${id.slice(0, 8)}`}
        </Link>
      );
    case "subscription":
      return (
        <Link href={`/admin/subscriptions/${encodeURIComponent(id)}`} className={linkClass}>
          Subscription <span className="font-mono text-xs">{id.slice(0, 8)}</span>
        </Link>
      );
    case "subscription_product":
      return (
        <Link href={`/admin/memberships/${encodeURIComponent(id)}`} className={linkClass}>
          Membership or plan <span className="font-mono text-xs">{id.slice(0, 8)}</span>
        </Link>
      );
    default:
      return (
        <span className="text-slate-700">
          {line.targetType ?? "—"} <span className="font-mono text-xs">{id}</span>
        </span>
      );
  }
}

function Details({ details }: { details: unknown }) {
  const entries = detailLines(details);
  if (entries.length === 0) return <span className="text-slate-600">—</span>;
  return (
    <dl className="space-y-0.5 text-xs text-slate-700">
      {entries.map(({ key, value }) => (
        <div key={key}>
          <dt className="inline font-semibold text-slate-900">{key}:</dt> <dd className="inline break-words">{value}</dd>
        </div>
      ))}
    </dl>
  );
}
