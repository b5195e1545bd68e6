import type { ReactNode } from "react";
import { requireAdmin } from "@/lib/auth/session";

/** Every admin page passes through here: signed-out visitors sign in, non-admins get a 403. */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  await requireAdmin();
  return <div>{children}</div>;
}
