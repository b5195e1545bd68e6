import { getDb } from "@/db/client";
import { currentUser } from "@/lib/auth/session";
import { storeOrigin } from "@/lib/http/origin";
import { verifyCertificate } from "@/lib/learning";
import { certificatePdf } from "@/lib/learning/pdf";
import { isUuid } from "@/lib/uuid";

/** The certificate's PDF, for its learner only, and only while it is valid. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await currentUser();
  const found = isUuid(id) && user ? await verifyCertificate(getDb(), id) : null;
  if (!found || !found.valid || found.certificate.userId !== user!.id) return new Response("Not found", { status: 404 });
  const bytes = await certificatePdf(found.certificate, `${await storeOrigin()}/certificates/${id}`);
  const name = found.certificate.courseTitle.replace(/[^\w]+/g, "-").toLowerCase();
  return new Response(Buffer.from(bytes), {
    headers: { "content-type": "application/pdf", "content-disposition": `attachment; filename="certificate-${name}.pdf"`, "cache-control": "private, no-store" },
  });
}
