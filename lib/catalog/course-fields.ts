/**
 * What a course's editable fields accept. Shared by the admin form in the browser (length limits, the slug it
 * suggests) and the server's validation (lib/catalog/admin.ts), so both always agree.
 */

export const COURSE_LIMITS = { title: 120, slug: 80, subtitle: 160, summary: 300, body: 20_000, topic: 60, language: 40, instructorName: 100, instructorBio: 600, outcomes: 2000 } as const;

/** How hard a course is; the same values as the `course_level` enum. */
export const COURSE_LEVELS = ["beginner", "intermediate", "advanced"] as const;

/** The same rule as the `courses_slug_format` check constraint. */
export const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * A slug made from a title: "Git & GitHub: the Basics" → "git-github-the-basics". Accents are dropped
 * ("Café" → "cafe") and apostrophes do not split words ("Let's" → "lets"). Empty when the title has no Latin
 * letters or digits at all.
 */
export function slugify(title: string): string {
  return title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/['’]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, COURSE_LIMITS.slug)
    .replace(/^-+|-+$/g, "");
}
