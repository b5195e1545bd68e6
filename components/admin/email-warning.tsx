import Link from "next/link";
import { getDb } from "@/db/client";
import { Alert } from "@/components/ui/alert";
import { queuedEmails } from "@/lib/outbox/admin";

/** Without SMTP_URL no email leaves the store: say so, with how many are waiting (none is lost). */
export async function EmailWarning() {
  if (process.env.SMTP_URL) return null;
  const waiting = await queuedEmails(getDb());
  return (
    <Alert tone="warning" title="Emails are not being sent">
      SMTP_URL is not set, so receipts and notices wait in the outbox ({waiting} waiting now). Set SMTP_URL and restart: they are sent then, each
      once. <Link href="/admin/outbox?view=waiting" className="font-semibold underline">See the outbox</Link>
    </Alert>
  );
}
