import "server-only";
import { Readable } from "node:stream";
import { stringify } from "csv-stringify";
import type { Queryable } from "@/db/client";
import { CSV_COLUMNS, exportTransactions, type TransactionFilter } from "./transactions";

/**
 * The filtered transactions as a CSV byte stream. Rows are read in keyset batches and written through
 * csv-stringify with backpressure, so memory stays flat whether the filter holds ten rows or a million.
 * Cells that a spreadsheet would run as a formula (=, +, -, @ …) are escaped: buyer names are user input.
 */
export function transactionsCsv(db: Queryable, filter: TransactionFilter): ReadableStream<Uint8Array> {
  const rows = Readable.from(exportTransactions(db, filter));
  const csv = rows.pipe(stringify({ header: true, columns: [...CSV_COLUMNS], escape_formulas: true }));
  rows.on("error", (error) => csv.destroy(error));
  return Readable.toWeb(csv) as ReadableStream<Uint8Array>;
}
