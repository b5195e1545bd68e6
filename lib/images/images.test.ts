/** Uploaded images on both engines: type from the bytes, size limits, resized WebP stored once, bytes round-trip. */
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { testEngines, useTestDb } from "@/lib/testing/db";
import { imageById, MAX_UPLOAD_BYTES, sniffImage, storeImage } from ".";
import { demoImage } from "./demo";

const png = (width: number, height: number, color = "#3366cc") => sharp({ create: { width, height, channels: 3, background: color } }).png().toBuffer();

for (const engine of testEngines()) {
  describe(`images on ${engine}`, () => {
    const t = useTestDb(engine);

    it("stores a resized WebP of an upload, once however often it is uploaded, and gives its bytes back", async () => {
      const upload = await png(1600, 1200);
      const first = await storeImage(t.db, upload, "cover");
      const again = await storeImage(t.db, upload, "cover");
      if (!first.ok || !again.ok) throw new Error("not stored");
      expect(again.id).toBe(first.id);
      const stored = (await imageById(t.db, first.id))!;
      expect(stored).toMatchObject({ contentType: "image/webp", width: 960, height: 540 });
      expect(sniffImage(stored.data)).toBe("webp");
      expect(await sharp(stored.data).metadata()).toMatchObject({ format: "webp", width: 960, height: 540 });
      const portrait = await storeImage(t.db, await png(300, 500, "#cc6633"), "portrait");
      expect(portrait.ok && (await imageById(t.db, portrait.id))).toMatchObject({ width: 256, height: 256 });
    });

    it("refuses what is not a PNG, JPEG or WebP by its bytes, empty and oversized files, and undecodable ones", async () => {
      expect(await storeImage(t.db, Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"), "cover")).toMatchObject({ ok: false, message: "Use a PNG, JPEG or WebP image." });
      expect(await storeImage(t.db, Buffer.from("GIF89a......"), "cover")).toMatchObject({ ok: false });
      expect(await storeImage(t.db, new Uint8Array(0), "cover")).toMatchObject({ ok: false, message: "The file is empty." });
      expect(await storeImage(t.db, new Uint8Array(MAX_UPLOAD_BYTES + 1), "cover")).toMatchObject({ ok: false, message: expect.stringMatching(/at most 5 MB/) });
      // A PNG signature followed by garbage (or an HTML polyglot) cannot be decoded, so nothing is stored.
      const polyglot = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from("<html><script>alert(1)</script></html>")]);
      expect(await storeImage(t.db, polyglot, "cover")).toMatchObject({ ok: false, message: "This image could not be read. Try another file." });
    });

    it("draws the same demo picture for the same seed", async () => {
      expect(await demoImage(t.db, "cover", "git-basics")).toBe(await demoImage(t.db, "cover", "git-basics"));
      expect(await demoImage(t.db, "cover", "git-basics")).not.toBe(await demoImage(t.db, "cover", "typed-money"));
    });
  });
}
