import "server-only";
import { PDFDocument, rgb, StandardFonts } from "pdf-lib";
import type { Certificate } from "@/db/schema";

/** The certificate as a one-page A4 landscape PDF (pdf-lib): the learner, the course, the date, where to verify it. */
export async function certificatePdf(certificate: Certificate, verifyUrl: string): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(`Certificate of completion — ${certificate.courseTitle}`);
  pdf.setAuthor("Coursepay");
  pdf.setSubject(`${certificate.learnerName} completed ${certificate.courseTitle}`);
  const page = pdf.addPage([842, 595]);
  const [serif, serifBold, sans] = await Promise.all([pdf.embedFont(StandardFonts.TimesRoman), pdf.embedFont(StandardFonts.TimesRomanBold), pdf.embedFont(StandardFonts.Helvetica)]);
  const brand = rgb(0.22, 0.19, 0.64);
  page.drawRectangle({ x: 24, y: 24, width: 794, height: 547, borderColor: brand, borderWidth: 4 });
  page.drawRectangle({ x: 34, y: 34, width: 774, height: 527, borderColor: brand, borderWidth: 1 });
  // Text centred on the page, shrunk to fit a line when a name or title is long.
  const centred = (text: string, y: number, font: typeof serif, size: number, color = rgb(0.1, 0.1, 0.15)) => {
    let fitted = size;
    while (fitted > 10 && font.widthOfTextAtSize(text, fitted) > 720) fitted -= 1;
    page.drawText(text, { x: (842 - font.widthOfTextAtSize(text, fitted)) / 2, y, size: fitted, font, color });
  };
  const issued = new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: "UTC" }).format(certificate.issuedAt);
  centred("CERTIFICATE OF COMPLETION", 470, sans, 16, brand);
  centred("This certifies that", 410, serif, 18);
  centred(certificate.learnerName, 360, serifBold, 36);
  centred("has completed every lesson of the course", 315, serif, 18);
  centred(certificate.courseTitle, 270, serifBold, 28, brand);
  centred(`Completed ${issued}`, 200, serif, 14);
  centred(`Verify at ${verifyUrl}`, 90, sans, 10, rgb(0.3, 0.3, 0.35));
  centred("Coursepay", 60, sans, 12, brand);
  return pdf.save();
}
