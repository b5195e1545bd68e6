"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { completeLessonAction } from "@/app/(store)/learn/actions";

/**
 * Completes the lesson once its end has been in view for two seconds (read to the end), as "Mark complete" would.
 * Rendered only for an enrolled learner's lesson not yet completed.
 */
export function CompleteOnRead({ course, lesson }: { course: string; lesson: string }) {
  const end = useRef<HTMLDivElement>(null);
  const router = useRouter();
  useEffect(() => {
    const target = end.current;
    if (!target) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let done = false;
    const observer = new IntersectionObserver(([entry]) => {
      clearTimeout(timer);
      if (!entry?.isIntersecting || done) return;
      timer = setTimeout(async () => {
        done = true;
        observer.disconnect();
        const form = new FormData();
        form.set("course", course);
        form.set("lesson", lesson);
        const result = await completeLessonAction(null, form).catch(() => null);
        if (result?.ok) router.refresh();
      }, 2000);
    });
    observer.observe(target);
    return () => {
      clearTimeout(timer);
      observer.disconnect();
    };
  }, [course, lesson, router]);
  return <div ref={end} aria-hidden="true" />;
}
