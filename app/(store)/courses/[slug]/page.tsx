import type { Metadata } from "next";
import Link from "next/link";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { addToCartAction, enrollAuditAction, enrollFreeAction } from "@/app/(store)/actions";
import { ActionButton } from "@/components/forms/action-button";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { Price } from "@/components/ui/price";
import { StoredImage } from "@/components/ui/stored-image";
import { currentUser } from "@/lib/auth/session";
import { isInCart } from "@/lib/cart";
import { currentGuestCart } from "@/lib/cart/guest";
import { coursePrice, findPublishedCourse } from "@/lib/catalog";
import { canViewContent } from "@/lib/enrollment";
import { storeOrigin } from "@/lib/http/origin";
import { toDecimalString } from "@/lib/money";
import type { Course } from "@/db/schema";
import { courseOutline } from "@/lib/learning";
import { payWith } from "@/lib/payments/providers";
import { pendingPurchases } from "@/lib/payments/receipts";
import { offeredProviders } from "@/lib/payments/runtime";
import { PaymentOptions } from "@/components/checkout/payment-options";
import { DateTime } from "@/components/admin/date-time";
import { accessWithSubscriptions } from "@/lib/subscriptions/access";
import { describePrice } from "@/lib/subscriptions/describe";
import { listOffers } from "@/lib/subscriptions/queries";

type Props = { params: Promise<{ slug: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const course = await findPublishedCourse(getDb(), (await params).slug);
  if (!course) return { title: "Course not found" };
  const description = course.subtitle || course.summary;
  return { title: course.title, description, openGraph: { type: "website", title: course.title, description, url: `/courses/${course.slug}`, siteName: "Coursepay" } };
}

/** schema.org `Course` with its offer, for search engines (a data block: nothing runs). */
function courseJsonLd(course: Course, origin: string) {
  const price = coursePrice(course);
  return JSON.stringify({
    "@context": "https://schema.org",
    "@type": "Course",
    name: course.title,
    description: course.summary,
    url: `${origin}/courses/${course.slug}`,
    inLanguage: course.language,
    educationalLevel: course.level,
    ...(course.instructorName && { instructor: { "@type": "Person", name: course.instructorName } }),
    provider: { "@type": "Organization", name: "Coursepay", url: origin },
    offers: { "@type": "Offer", category: price.minor === 0 ? "Free" : "Paid", price: toDecimalString(price), priceCurrency: price.currency, availability: "https://schema.org/InStock" },
  }).replace(/</g, "\\u003c");
}

export default async function CoursePage({ params }: Props) {
  const { slug } = await params;
  const db = getDb();
  const course = await findPublishedCourse(db, slug);
  if (!course) notFound();

  const user = await currentUser();
  // A membership that includes this course opens it (the first visit writes the enrollment).
  const access = user ? await accessWithSubscriptions(db, user.id, course.id) : null;
  const [plan] = await listOffers(db, { courseId: course.id });
  const outline = await courseOutline(db, course.id, null);
  const inCart = user ? await isInCart(db, user.id, course.id) : (await currentGuestCart()).includes(course.id);
  // An earlier payment PayPal is still clearing: not owned yet, and not to be paid again.
  const pending = user ? (await pendingPurchases(db, user.id)).find((p) => p.courseId === course.id) : undefined;
  const price = coursePrice(course);
  const free = price.minor === 0;
  const offered = user && !free ? await offeredProviders(price.currency) : [];
  const active = canViewContent(access) ? access!.mode : null;
  const byMembership = active === "full" && access!.accessUntil != null;
  const fields = { courseId: course.id, returnTo: `/courses/${course.slug}` };
  const signIn = `/sign-in?callbackUrl=${encodeURIComponent(`/courses/${course.slug}`)}`;

  const nonce = (await headers()).get("x-nonce") ?? undefined;
  return (
    <div className="grid gap-8 lg:grid-cols-[1fr_22rem]">
      <script type="application/ld+json" nonce={nonce} dangerouslySetInnerHTML={{ __html: courseJsonLd(course, await storeOrigin()) }} />
      <article>
        {course.coverImageId && (
          <StoredImage id={course.coverImageId} alt={`Cover of ${course.title}`} width={960} height={540} priority className="mb-6 aspect-video w-full rounded-xl object-cover" />
        )}
        <div className="flex flex-wrap gap-2">
          {free ? <Badge tone="green">Free</Badge> : <Badge tone="brand">Paid course</Badge>}
          {course.auditable && !free && <Badge tone="blue">Audit available</Badge>}
        </div>
        <h1 className="mt-3 text-3xl font-bold tracking-tight text-slate-900">{course.title}</h1>
        {course.subtitle && <p className="mt-2 text-xl text-slate-700">{course.subtitle}</p>}
        <p className="mt-3 text-lg text-slate-600">{course.summary}</p>
        <dl className="mt-6 flex flex-wrap gap-x-8 gap-y-2 text-sm">
          {(
            [
            ["Level", course.level.charAt(0).toUpperCase() + course.level.slice(1)],
            ["Language", course.language],
            ["Length", outline.lessons.length ? `${outline.lessons.length} lessons · ${outline.totalMinutes} min` : "—"],
            ["Instructor", course.instructorName ? (
              <span key="instructor" className="flex items-center gap-2">
                {course.instructorImageId && <StoredImage id={course.instructorImageId} alt={`Photo of ${course.instructorName}`} width={32} height={32} className="size-8 rounded-full object-cover" />}
                {course.instructorName}
              </span>
            ) : "—"],
            ["Last updated", new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" }).format(course.updatedAt)],
            ] as [string, React.ReactNode][]
          ).map(([term, value]) => (
            <div key={term}>
              <dt className="text-slate-600">{term}</dt>
              <dd className="font-medium text-slate-900">{value}</dd>
            </div>
          ))}
        </dl>
        {course.outcomes && (
          <section aria-labelledby="outcomes-heading" className="mt-8 rounded-xl border border-slate-200 bg-white p-5">
            <h2 id="outcomes-heading" className="text-lg font-semibold text-slate-900">
              What you will learn
            </h2>
            <ul className="mt-3 grid gap-2 text-slate-700 sm:grid-cols-2">
              {course.outcomes.split("\n").map((outcome) => (
                <li key={outcome} className="flex gap-2">
                  <span aria-hidden="true" className="text-emerald-700">✓</span>
                  {outcome}
                </li>
              ))}
            </ul>
          </section>
        )}
        <h2 className="mt-8 text-lg font-semibold text-slate-900">About this course</h2>
        <div className="mt-2 space-y-3 leading-relaxed text-slate-700">
          {course.body.split("\n\n").map((paragraph, i) => (
            <p key={i}>{paragraph}</p>
          ))}
        </div>
        {course.instructorName && course.instructorBio && (
          <section aria-labelledby="instructor-heading" className="mt-8 flex gap-4">
            {course.instructorImageId && (
              <StoredImage id={course.instructorImageId} alt={`Photo of ${course.instructorName}`} width={64} height={64} className="size-16 shrink-0 rounded-full object-cover" />
            )}
            <div>
              <h2 id="instructor-heading" className="text-lg font-semibold text-slate-900">
                Your instructor: {course.instructorName}
              </h2>
              <p className="mt-1 text-slate-700">{course.instructorBio}</p>
            </div>
          </section>
        )}
        {outline.sections.length > 0 && (
          <section aria-labelledby="syllabus-heading" className="mt-8">
            <h2 id="syllabus-heading" className="text-lg font-semibold text-slate-900">
              Syllabus
            </h2>
            <ol className="mt-3 space-y-4">
              {outline.sections.map((section) => (
                <li key={section.id} className="rounded-xl border border-slate-200 bg-white p-4">
                  <h3 className="font-semibold text-slate-900">{section.title}</h3>
                  <ol className="mt-2 divide-y divide-slate-100 text-sm">
                    {section.lessons.map((lesson) => (
                      <li key={lesson.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                        {lesson.preview ? (
                          <Link href={`/learn/${course.slug}/${lesson.slug}`} className="font-medium text-brand-800 underline">
                            {lesson.title} <span className="sr-only">(free preview)</span>
                          </Link>
                        ) : (
                          <span className="text-slate-800">{lesson.title}</span>
                        )}
                        <span className="flex items-center gap-2 text-slate-600">
                          {lesson.preview && <Badge tone="blue">Preview</Badge>}
                          {lesson.durationMinutes} min
                        </span>
                      </li>
                    ))}
                  </ol>
                </li>
              ))}
            </ol>
          </section>
        )}
      </article>

      <aside aria-label="Enrollment" className="h-fit rounded-xl border border-slate-200 bg-white p-6 shadow-sm lg:sticky lg:top-6">
        <p className="text-3xl font-bold text-slate-900">
          <Price amount={price} />
        </p>
        <div className="mt-5 space-y-3">
          {active === "full" ? (
            <>
              <p className="rounded-lg bg-emerald-50 px-3 py-2 text-sm font-semibold text-emerald-800" role="status">
                {byMembership ? (
                  <>
                    Open with your subscription until <DateTime value={access!.accessUntil!} />
                  </>
                ) : (
                  "You are enrolled"
                )}
              </p>
              <ButtonLink href={`/learn/${course.slug}`} className="w-full">
                Go to course
              </ButtonLink>
            </>
          ) : !user ? (
            <>
              {/* A visitor may fill a cart before signing in; it becomes their account's when they do. */}
              {!free &&
                (inCart ? (
                  <InCart />
                ) : (
                  <ActionButton action={addToCartAction} fields={fields} label="Add to cart" pendingLabel="Adding…" />
                ))}
              <ButtonLink href={signIn} variant={free ? "primary" : "secondary"} className="w-full">
                {free ? "Sign in to enroll for free" : "Sign in to buy"}
              </ButtonLink>
              {course.auditable && !free && <p className="text-sm text-slate-600">Sign in to audit this course for free.</p>}
            </>
          ) : free ? (
            <ActionButton action={enrollFreeAction} fields={fields} label="Enroll for free" pendingLabel="Enrolling…" />
          ) : (
            <>
              {active === "audit" && (
                <>
                  <p className="rounded-lg bg-sky-50 px-3 py-2 text-sm font-semibold text-sky-900" role="status">
                    You are auditing this course
                  </p>
                  <ButtonLink href={`/learn/${course.slug}`} variant="secondary" className="w-full">
                    Continue auditing
                  </ButtonLink>
                </>
              )}
              {pending ? (
                <>
                  <p className="rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900" role="status">
                    <span className="font-semibold">Payment pending.</span> PayPal is clearing your payment for this course; you will be enrolled as
                    soon as it completes.
                  </p>
                  <ButtonLink href={`/orders/${pending.orderId}`} variant="secondary" className="w-full">
                    View receipt
                  </ButtonLink>
                </>
              ) : inCart ? (
                <InCart />
              ) : (
                <ActionButton
                  action={addToCartAction}
                  fields={fields}
                  label={active === "audit" ? "Upgrade: add to cart" : "Add to cart"}
                  pendingLabel="Adding…"
                />
              )}
              {!inCart && !pending && (
                <section aria-labelledby="buy-now-heading" className="border-t border-slate-200 pt-4">
                  <h2 id="buy-now-heading" className="text-sm font-semibold text-slate-900">
                    Buy now
                  </h2>
                  <p className="mb-3 mt-1 text-xs text-slate-600">Pay for this course alone{payWith(offered)}. Your cart stays as it is.</p>
                  <PaymentOptions selection={{ kind: "course", courseId: course.id }} currency={price.currency} offered={offered} />
                </section>
              )}
              {plan && (
                <p className="text-sm text-slate-700">
                  Or spread it out:{" "}
                  <Link href={`/memberships/${plan.slug}`} className="font-semibold text-brand-800 underline">
                    {describePrice(plan.prices[0]!).headline}
                  </Link>
                </p>
              )}
              {course.auditable && active !== "audit" && (
                <>
                  <ActionButton action={enrollAuditAction} fields={fields} label="Audit for free" pendingLabel="Starting audit…" variant="secondary" />
                  <p className="text-xs text-slate-600">Auditing gives you the course content, without a certificate.</p>
                </>
              )}
            </>
          )}
        </div>
      </aside>
    </div>
  );
}

/** The course is in the cart (a visitor's or an account's): say so, and lead there. */
function InCart() {
  return (
    <>
      <p className="rounded-lg bg-brand-50 px-3 py-2 text-sm font-semibold text-brand-800" role="status">
        This course is in your cart
      </p>
      <ButtonLink href="/cart" className="w-full">
        View cart
      </ButtonLink>
    </>
  );
}
