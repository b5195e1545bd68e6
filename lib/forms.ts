/**
 * The result every form's server action returns: a message for the whole form and/or errors per field.
 * `null` means "not submitted yet".
 */
import type { ZodError } from "zod";
import { z } from "zod";

export type FieldErrors = Record<string, string[] | undefined>;
export type FormState = {
  ok: boolean;
  message?: string;
  fieldErrors?: FieldErrors;
  values?: Record<string, string>;
  /** The request may or may not have taken effect (no answer came back): say so, never "nothing happened". */
  outcomeUnknown?: boolean;
  /** A value shown once and never again (a new signing secret): the page displays it with a copy button. */
  reveal?: { label: string; value: string };
} | null;

export function invalid(error: ZodError, values?: Record<string, string>): FormState {
  return { ok: false, message: "Please correct the highlighted fields.", fieldErrors: z.flattenError(error).fieldErrors, values };
}

export const malformed: FormState = { ok: false, message: "That request was not valid. Reload the page and try again." };

/** Reads string fields only (files and repeated keys are not part of any of our forms). */
export function formFields(formData: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of formData) if (typeof value === "string" && !key.startsWith("$ACTION")) out[key] = value;
  return out;
}

/** A same-site path to return to after signing in; anything else (other hosts, `//evil`) becomes "/". */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return "/";
  return value.length > 500 ? "/" : value;
}
