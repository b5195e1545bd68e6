import type { ComponentProps, ReactNode } from "react";

/** `idPrefix`: for a page with several forms that share field names (each id must be unique on the page). */
type FieldProps = { label: string; name: string; errors?: string[]; hint?: string; idPrefix?: string };

const control =
  "block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm placeholder:text-slate-400 focus:border-brand-600 aria-[invalid=true]:border-red-500";

/** The id and ARIA attributes that tie a control to its label, hint and errors. */
function described(name: string, hint?: string, errors?: string[], idPrefix?: string) {
  const id = `field-${idPrefix ? `${idPrefix}-` : ""}${name}`;
  const describedBy = [hint && `${id}-hint`, errors?.length && `${id}-error`].filter(Boolean).join(" ") || undefined;
  return { id, name, "aria-invalid": errors?.length ? true : undefined, "aria-describedby": describedBy } as const;
}

function HintAndErrors({ id, hint, errors }: { id: string; hint?: string; errors?: string[] }) {
  return (
    <>
      {hint && (
        <p id={`${id}-hint`} className="text-xs text-slate-600">
          {hint}
        </p>
      )}
      {errors?.length ? (
        <p id={`${id}-error`} className="text-sm text-red-700">
          {errors.join(" ")}
        </p>
      ) : null}
    </>
  );
}

function Labelled({ id, label, hint, errors, children }: { id: string; label: string; hint?: string; errors?: string[]; children: ReactNode }) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      {children}
      <HintAndErrors id={id} hint={hint} errors={errors} />
    </div>
  );
}

/** A labelled input whose errors are tied to it (aria-describedby) and announced with the form's message. */
export function Field({ label, name, errors, hint, idPrefix, ...input }: ComponentProps<"input"> & FieldProps) {
  const a11y = described(name, hint, errors, idPrefix);
  return (
    <Labelled id={a11y.id} label={label} hint={hint} errors={errors}>
      <input {...a11y} className={control} {...input} />
    </Labelled>
  );
}

/** `className` adds to the control's own classes (a monospace key, say) rather than replacing them. */
export function TextAreaField({ label, name, errors, hint, className, ...textarea }: ComponentProps<"textarea"> & FieldProps) {
  const a11y = described(name, hint, errors);
  return (
    <Labelled id={a11y.id} label={label} hint={hint} errors={errors}>
      <textarea {...a11y} className={className ? `${control} ${className}` : control} {...textarea} />
    </Labelled>
  );
}

export function SelectField({ label, name, errors, hint, ...select }: ComponentProps<"select"> & FieldProps) {
  const a11y = described(name, hint, errors);
  return (
    <Labelled id={a11y.id} label={label} hint={hint} errors={errors}>
      <select {...a11y} className={control} {...select} />
    </Labelled>
  );
}

/** A checkbox with its label beside it and its hint and errors below. */
export function CheckboxField({ label, name, errors, hint, ...input }: Omit<ComponentProps<"input">, "type"> & FieldProps) {
  const a11y = described(name, hint, errors);
  return (
    <div className="space-y-1">
      <div className="flex items-center gap-2">
        <input {...a11y} type="checkbox" className="size-4 rounded border-slate-300 accent-brand-700" {...input} />
        <label htmlFor={a11y.id} className="text-sm font-medium text-slate-800">
          {label}
        </label>
      </div>
      <div className="pl-6">
        <HintAndErrors id={a11y.id} hint={hint} errors={errors} />
      </div>
    </div>
  );
}
