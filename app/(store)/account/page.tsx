import type { Metadata } from "next";
import { SimpleForm } from "@/components/forms/simple-form";
import { requireUser } from "@/lib/auth/session";
import { changeEmailAction, changeNameAction, changePasswordAction, deleteAccountAction } from "./actions";

export const metadata: Metadata = { title: "Your account" };

function Card({ id, title, children, danger }: { id: string; title: string; children: React.ReactNode; danger?: boolean }) {
  return (
    <section aria-labelledby={id} className={`rounded-xl border bg-white p-6 ${danger ? "border-red-200" : "border-slate-200"}`}>
      <h2 id={id} className="mb-4 text-lg font-semibold text-slate-900">
        {title}
      </h2>
      {children}
    </section>
  );
}

/** The student's own account: name, email (confirmed by the new address), password, and deleting it. */
export default async function AccountPage() {
  const user = await requireUser("/account");
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <div>
        <h1 className="text-3xl font-bold tracking-tight text-slate-900">Your account</h1>
        <p className="mt-1 text-slate-600">Signed in as {user.email}</p>
      </div>
      <Card id="name-heading" title="Name">
        <SimpleForm id="name" action={changeNameAction} fields={[{ name: "name", label: "Name", autoComplete: "name", defaultValue: user.name, maxLength: 100, hint: "Shown on your receipts and certificates." }]} submit="Save name" pending="Saving…" />
      </Card>
      <Card id="email-heading" title="Email">
        <SimpleForm
          id="email"
          action={changeEmailAction}
          fields={[
            { name: "email", label: "New email address", type: "email", autoComplete: "email", hint: "We send a link to the new address; your email changes when you open it." },
            { name: "currentPassword", label: "Current password", type: "password", autoComplete: "current-password" },
          ]}
          submit="Send confirmation link"
          pending="Sending…"
        />
      </Card>
      <Card id="password-heading" title="Password">
        <SimpleForm
          id="password"
          action={changePasswordAction}
          fields={[
            { name: "currentPassword", label: "Current password", type: "password", autoComplete: "current-password" },
            { name: "newPassword", label: "New password", type: "password", autoComplete: "new-password", hint: "At least 12 characters." },
          ]}
          submit="Change password"
          pending="Changing…"
        />
      </Card>
      <Card id="delete-heading" title="Delete your account" danger>
        <p className="mb-4 text-sm text-slate-700">
          Your name, email, password and cart are removed and you can no longer sign in. Your orders and payments are kept for accounting, no longer
          linked to you by name or email. This cannot be undone.
        </p>
        <SimpleForm
          id="delete"
          action={deleteAccountAction}
          fields={[
            { name: "confirm", label: "Type DELETE to confirm", autoComplete: "off" },
            { name: "currentPassword", label: "Current password", type: "password", autoComplete: "current-password" },
          ]}
          submit="Delete my account"
          pending="Deleting…"
          variant="danger"
        />
      </Card>
    </div>
  );
}
