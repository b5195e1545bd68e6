import type { ReactNode } from "react";
import { AdminNav } from "@/components/admin/admin-nav";
import { requireAdmin } from "@/lib/auth/session";

/** Every admin page passes through here: signed-out visitors sign in, non-admins get a 403. */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  await requireAdmin();
  return (
    <div className="space-y-6">
      <AdminNav />
      {children}
    </div>
  );
}
