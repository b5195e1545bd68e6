import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/db/client";
import { AdminTable } from "@/components/admin/admin-table";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Price } from "@/components/ui/price";
import { requireAdmin } from "@/lib/auth/session";
import { listCoursesForAdmin } from "@/lib/catalog/admin";

export const metadata: Metadata = { title: "Courses" };

export default async function AdminCoursesPage() {
  // Layouts and pages render in parallel: the page checks too, so it never renders for a non-admin.
  await requireAdmin();
  const courses = await listCoursesForAdmin(getDb());
  const newCourse = <ButtonLink href="/admin/courses/new">New course</ButtonLink>;

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-3xl font-bold tracking-tight text-slate-900">Courses</h1>
          <p className="mt-1 text-sm text-slate-600">Every course, published or not. Students see published courses only.</p>
        </div>
        {courses.length > 0 && newCourse}
      </div>

      {courses.length === 0 ? (
        <EmptyState title="No courses yet" action={newCourse}>
          Create a course, set its price, and publish it when it is ready for students.
        </EmptyState>
      ) : (
        <AdminTable
          label="Courses table"
          caption="Courses"
          columns={[
            { label: "Title" },
            { label: "Slug" },
            { label: "Price", align: "right" },
            { label: "Status" },
            { label: <>Enrollments <span className="sr-only">(active)</span></>, align: "right" },
            { label: <>Sales <span className="sr-only">(in paid orders)</span></>, align: "right" },
            { label: <span className="sr-only">Actions</span> },
          ]}
        >
              {courses.map((course) => (
                <tr key={course.id} className="align-top hover:bg-slate-50">
                  <th scope="row" className="px-4 py-3 text-left font-medium text-slate-900">
                    {course.title}
                  </th>
                  <td className="px-4 py-3 font-mono text-xs text-slate-700">{course.slug}</td>
                  <td className="whitespace-nowrap px-4 py-3 text-right font-medium text-slate-900">
                    <Price amount={course.price} />
                  </td>
                  <td className="px-4 py-3">
                    <div className="flex flex-wrap gap-1">
                      {course.published ? <Badge tone="green">Published</Badge> : <Badge>Draft</Badge>}
                      {course.auditable && <Badge tone="blue">Audit</Badge>}
                    </div>
                  </td>
                  <td className="px-4 py-3 text-right tabular-nums">{course.activeEnrollments}</td>
                  <td className="px-4 py-3 text-right tabular-nums">{course.paidItems}</td>
                  <td className="whitespace-nowrap px-4 py-3 text-right">
                    <Link href={`/admin/courses/${course.id}`} className="font-medium text-brand-800 hover:underline">
                      Edit<span className="sr-only"> {course.title}</span>
                    </Link>
                    {course.published && (
                      <Link href={`/courses/${course.slug}`} className="ml-4 font-medium text-brand-800 hover:underline">
                        View<span className="sr-only"> {course.title} on the store</span>
                      </Link>
                    )}
                  </td>
                </tr>
              ))}
        </AdminTable>
      )}
    </div>
  );
}
