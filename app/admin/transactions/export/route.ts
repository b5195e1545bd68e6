import { getDb } from "@/db/client";
import { transactionsCsv } from "@/lib/admin/csv";
import { parseTransactionFilter } from "@/lib/admin/transactions";
import { requireAdmin } from "@/lib/auth/session";

/** The transactions list's current filter as a CSV download (streamed). */
export async function GET(request: Request) {
  await requireAdmin();
  const { filter } = parseTransactionFilter(Object.fromEntries(new URL(request.url).searchParams));
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
  return new Response(transactionsCsv(getDb(), filter), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="coursepay-transactions-${filter.tab}-${stamp}.csv"`,
      "cache-control": "no-store",
    },
  });
}
