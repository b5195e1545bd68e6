import "server-only";
import { forbidden, redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { auth } from "./auth";
import { findUserById, type PublicUser } from "./accounts";

/** The signed-in user as the database knows them now (null when signed out or the account is gone). */
export async function currentUser(): Promise<PublicUser | null> {
  const session = await auth();
  const id = session?.user?.id;
  return id ? findUserById(getDb(), id) : null;
}

/** For pages: signed-out visitors are sent to sign in and brought back to `returnTo` afterwards. */
export async function requireUser(returnTo: string): Promise<PublicUser> {
  const user = await currentUser();
  if (!user) redirect(`/sign-in?callbackUrl=${encodeURIComponent(returnTo)}`);
  return user;
}

/** For pages and server actions alike: anyone but an admin gets a 403. */
export async function requireAdmin(): Promise<PublicUser> {
  const user = await currentUser();
  if (!user) redirect("/sign-in?callbackUrl=%2Fadmin");
  if (user.role !== "admin") forbidden();
  return user;
}
