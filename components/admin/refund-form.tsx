"use client";

import { useId, useRef, useState } from "react";
import { useFormStatus } from "react-dom";
import { FormMessage } from "@/components/forms/form-message";
import { SubmitButton } from "@/components/forms/submit-button";
import { useGuardedActionState } from "@/components/forms/use-guarded-action";
import { Spinner } from "@/components/ui/spinner";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import type { FormState } from "@/lib/forms";
import { formatMoney, money, toDecimalString } from "@/lib/money";

export type RefundableCourse = { courseId: string; title: string; price: string; priceMinor: number };

/**
 * Refund in full or per course. Nothing is sent before the admin confirms the exact amount in a dialog; the
 * submit button is disabled while the request runs, and the server refuses a course refunded already.
 */
export function RefundForm({
  orderId,
  courses,
  currency,
  wholeOnly = false,
  action,
}: {
  orderId: string;
  courses: RefundableCourse[];
  currency: string;
  wholeOnly?: boolean;
  action: (state: FormState, formData: FormData) => Promise<FormState>;
}) {
  const [state, formAction] = useGuardedActionState(
    action,
    "The connection dropped before we heard back, so we cannot tell whether this refund was made. A refund is never made twice: reload this order to see its current state before trying again.",
  );
  const [selected, setSelected] = useState<string[]>([]);
  const [scope, setScope] = useState<"all" | "courses">("courses");
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  // After a refund the page re-renders without the refunded courses: forget choices that are gone.
  const picked = courses.filter((c) => selected.includes(c.courseId));
  const chosen = scope === "all" ? courses : picked;
  const total = money(chosen.reduce((sum, c) => sum + c.priceMinor, 0), currency);
  const amount = formatMoney(total);

  const confirm = (next: "all" | "courses") => {
    setScope(next);
    dialog.current?.showModal();
  };

  return (
    <form action={formAction} onSubmit={() => dialog.current?.close()} className="space-y-4">
      <input type="hidden" name="orderId" value={orderId} />
      <input type="hidden" name="scope" value={scope} />
      {/* The amount the admin confirms below: the server refunds only if the courses still cost exactly this. */}
      <input type="hidden" name="amount" value={toDecimalString(total)} />
      {/* An LMS class (no store course) is refunded with its order as a whole. */}
      <fieldset className="space-y-2" hidden={wholeOnly}>
        <legend className="text-sm font-semibold text-slate-800">Courses to refund</legend>
        {courses.map((course) => (
          <label key={course.courseId} className="flex items-center gap-3 text-sm text-slate-800">
            <input
              type="checkbox"
              name="courseId"
              value={course.courseId}
              checked={selected.includes(course.courseId)}
              onChange={(e) => setSelected((s) => (e.target.checked ? [...s, course.courseId] : s.filter((id) => id !== course.courseId)))}
              className="size-4 rounded border-slate-300"
            />
            <span className="flex-1">{course.title}</span>
            <span className="font-medium">{course.price}</span>
          </label>
        ))}
      </fieldset>
      <label className="block text-sm font-medium text-slate-800">
        Reason <span className="font-normal text-slate-600">(optional, shown to the buyer by PayPal)</span>
        <input name="reason" maxLength={200} className="mt-1 block w-full rounded-lg border border-slate-300 px-3 py-2 text-sm" />
      </label>
      <div className="flex flex-wrap gap-2">
        {!wholeOnly && (
          <Button type="button" variant="danger" disabled={picked.length === 0} onClick={() => confirm("courses")}>
            Refund selected courses…
          </Button>
        )}
        <Button type="button" variant="danger" onClick={() => confirm("all")}>
          Refund everything left…
        </Button>
      </div>

      <dialog ref={dialog} aria-labelledby={titleId} className="m-auto w-full max-w-md rounded-xl p-6 shadow-xl backdrop:bg-slate-900/40">
        <h2 id={titleId} className="text-lg font-semibold text-slate-900">
          Refund {amount}?
        </h2>
        <p className="mt-2 text-sm text-slate-700">
          {scope === "all" ? "Every course not refunded yet" : `${chosen.length} course${chosen.length === 1 ? "" : "s"}`} will be refunded through PayPal and
          the buyer loses access to {chosen.length === 1 ? "it" : "them"}. This cannot be undone.
        </p>
        <div className="mt-6 flex justify-end gap-2">
          <Button type="button" variant="secondary" onClick={() => dialog.current?.close()}>
            Cancel
          </Button>
          <SubmitButton variant="danger" pendingLabel="Refunding…">
            Confirm refund
          </SubmitButton>
        </div>
      </dialog>
      <Pending />
      {state?.outcomeUnknown ? (
        <Alert tone="warning" title="Outcome unknown">
          <p>{state.message}</p>
          <a href={`/admin/transactions/${orderId}`} className="mt-2 inline-block font-semibold underline">
            Reload this order
          </a>
        </Alert>
      ) : (
        <FormMessage state={state} />
      )}
    </form>
  );
}

/** The dialog closes on submit, so the wait for PayPal is shown in the page. */
function Pending() {
  const { pending } = useFormStatus();
  return pending ? (
    <p role="status" className="flex items-center gap-2 text-sm text-slate-700">
      <Spinner /> Refunding through PayPal…
    </p>
  ) : null;
}
