"use client";

import { useActionState } from "react";
import { signUpAction } from "@/app/(auth)/actions";
import { Field } from "@/components/forms/field";
import { SubmitButton } from "@/components/forms/submit-button";
import { Alert } from "@/components/ui/alert";

export function SignUpForm({ callbackUrl }: { callbackUrl: string }) {
  const [state, action] = useActionState(signUpAction, null);
  return (
    <form action={action} className="space-y-4" noValidate>
      {state?.message && <Alert tone="error">{state.message}</Alert>}
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <Field label="Name" name="name" autoComplete="name" required defaultValue={state?.values?.name} errors={state?.fieldErrors?.name} />
      <Field label="Email" name="email" type="email" autoComplete="email" required defaultValue={state?.values?.email} errors={state?.fieldErrors?.email} />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={10}
        hint="At least 10 characters."
        errors={state?.fieldErrors?.password}
      />
      <SubmitButton pendingLabel="Creating your account…" className="w-full">
        Create account
      </SubmitButton>
    </form>
  );
}
