import type { Metadata } from "next";
import { getDb } from "@/db/client";
import { Alert } from "@/components/ui/alert";
import { ButtonLink } from "@/components/ui/button";
import { confirmEmailChange } from "@/lib/auth/account-settings";

export const metadata: Metadata = { title: "Confirm your email" };

/** The link from the confirmation email: the account moves to the new address if the link is genuine and current. */
export default async function ConfirmEmailPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token } = await searchParams;
  const result = token && token.length < 2000 ? await confirmEmailChange(getDb(), token) : { ok: false, message: "This confirmation link is not complete." };
  return (
    <div className="mx-auto max-w-xl space-y-4 rounded-2xl border border-slate-200 bg-white p-8 shadow-sm">
      <h1 className="text-2xl font-bold text-slate-900">{result.ok ? "Email changed" : "We could not change your email"}</h1>
      <Alert tone={result.ok ? "success" : "error"}>{result.message}</Alert>
      <ButtonLink href="/account">Your account</ButtonLink>
    </div>
  );
}
