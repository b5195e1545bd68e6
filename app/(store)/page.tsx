import { getDb } from "@/db/client";
import { CourseCard } from "@/components/course-card";
import { EmptyState } from "@/components/ui/empty-state";
import { listPublishedCourses } from "@/lib/catalog";

export default async function CatalogPage() {
  const courses = await listPublishedCourses(getDb());
  return (
    <div>
      <div className="max-w-2xl">
        <h1 className="text-3xl font-bold tracking-tight text-slate-900">Course catalog</h1>
        <p className="mt-2 text-slate-600">
          Start free courses right away, audit selected courses at no cost, or buy a course securely with PayPal.
        </p>
      </div>
      {courses.length === 0 ? (
        <div className="mt-8">
          <EmptyState title="No courses yet">New courses are on their way. Check back soon.</EmptyState>
        </div>
      ) : (
        <ul className="mt-8 grid gap-5 sm:grid-cols-2 lg:grid-cols-3" aria-label="Courses">
          {courses.map((course) => (
            <li key={course.id} className="flex">
              <div className="flex w-full">
                <CourseCard course={course} />
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
