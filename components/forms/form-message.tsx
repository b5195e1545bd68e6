import { Alert } from "@/components/ui/alert";
import type { FormState } from "@/lib/forms";

/** A form's overall message: success, error, or — when no answer came back — a warning that the outcome is unknown. */
export function FormMessage({ state }: { state: FormState }) {
  if (!state?.message) return null;
  return <Alert tone={state.ok ? "success" : state.outcomeUnknown ? "warning" : "error"}>{state.message}</Alert>;
}
