import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Price } from "@/components/ui/price";
import { StoredImage } from "@/components/ui/stored-image";
import type { CourseCard as Card } from "@/lib/catalog";

export function CourseCard({ course }: { course: Card }) {
  const free = course.price.minor === 0;
  return (
    // The whole card is the link's target area, so the card (not the title alone) shows keyboard focus.
    <article className="group relative flex flex-col overflow-hidden rounded-xl border border-slate-200 bg-white p-5 shadow-sm transition hover:border-brand-600 hover:shadow-md has-[a:focus-visible]:border-brand-600 has-[a:focus-visible]:ring-2 has-[a:focus-visible]:ring-brand-600 has-[a:focus-visible]:ring-offset-2">
      {course.coverImageId && (
        // The stored cover is already 960×540 WebP: shown at its own ratio, nothing shifts while it loads.
        <StoredImage id={course.coverImageId} alt="" width={960} height={540} className="-mx-5 -mt-5 mb-4 aspect-video w-[calc(100%+2.5rem)] max-w-none object-cover" />
      )}
      <div className="flex flex-wrap gap-2">
        {free ? <Badge tone="green">Free</Badge> : <Badge tone="brand">{course.price.currency}</Badge>}
        {course.auditable && !free && <Badge tone="blue">Audit available</Badge>}
      </div>
      <h2 className="mt-3 text-lg font-semibold leading-snug text-slate-900">
        <Link href={`/courses/${course.slug}`} className="after:absolute after:inset-0 focus-visible:outline-none">
          {course.title}
        </Link>
      </h2>
      {course.subtitle && <p className="mt-1 text-sm font-medium text-slate-700">{course.subtitle}</p>}
      <p className="mt-2 flex-1 text-sm leading-relaxed text-slate-600">{course.summary}</p>
      <p className="mt-3 text-xs text-slate-600">
        {[course.level.charAt(0).toUpperCase() + course.level.slice(1), course.topic, course.instructorName && `by ${course.instructorName}`].filter(Boolean).join(" · ")}
      </p>
      <p className="mt-4 text-base font-bold text-slate-900">
        <Price amount={course.price} />
      </p>
    </article>
  );
}
