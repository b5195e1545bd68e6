import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { signOutAction } from "@/app/(auth)/actions";
import { AuthCard } from "@/components/auth/auth-card";
import { SubmitButton } from "@/components/forms/submit-button";
import { currentUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Sign out" };

export default async function SignOutPage() {
  const user = await currentUser();
  if (!user) redirect("/");
  return (
    <AuthCard title="Sign out" subtitle={`You are signed in as ${user.email}.`}>
      <form action={signOutAction}>
        <SubmitButton pendingLabel="Signing out…" className="w-full">
          Sign out
        </SubmitButton>
      </form>
    </AuthCard>
  );
}
