import "server-only";
import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import sharp from "sharp";
import type { Queryable } from "@/db/client";
import { images } from "@/db/schema";

/**
 * Uploaded images: the type is read from the bytes (never from the name or the browser's claim), the size is
 * limited, and the picture is decoded, resized to what the pages show and re-encoded as WebP with sharp — so what is
 * served is always a fresh image of known size, never the uploaded bytes (a polyglot or a script cannot come through).
 */
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
/** Decoding is limited too: a small file that claims a gigantic canvas is refused. */
const MAX_INPUT_PIXELS = 40_000_000;

/** What each use of an image is shown at (the pages give next/image the same size: nothing shifts). */
export const IMAGE_SIZES = {
  cover: { width: 960, height: 540 },
  portrait: { width: 256, height: 256 },
} as const;
export type ImageUse = keyof typeof IMAGE_SIZES;

export type ImageResult = { ok: true; id: string } | { ok: false; message: string };

/** The image format the bytes begin with, or null (only PNG, JPEG and WebP are taken). */
export function sniffImage(bytes: Uint8Array): "png" | "jpeg" | "webp" | null {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "png";
  if (starts(0xff, 0xd8, 0xff)) return "jpeg";
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50) return "webp";
  return null;
}

/** Checks, resizes and stores an upload for `use`; the same picture twice is one row. */
export async function storeImage(db: Queryable, bytes: Uint8Array, use: ImageUse): Promise<ImageResult> {
  if (bytes.byteLength === 0) return { ok: false, message: "The file is empty." };
  if (bytes.byteLength > MAX_UPLOAD_BYTES) return { ok: false, message: `Use an image of at most ${MAX_UPLOAD_BYTES / 1024 / 1024} MB.` };
  if (!sniffImage(bytes)) return { ok: false, message: "Use a PNG, JPEG or WebP image." };
  const { width, height } = IMAGE_SIZES[use];
  let data: Buffer;
  try {
    data = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: "error" }).rotate().resize(width, height, { fit: "cover", position: "attention" }).webp({ quality: 80 }).toBuffer();
  } catch {
    return { ok: false, message: "This image could not be read. Try another file." };
  }
  return { ok: true, id: await insertImage(db, data, width, height) };
}

/** Stores encoded WebP bytes (an upload's, or a demo cover's) once; returns the row's id. */
export async function insertImage(db: Queryable, data: Buffer, width: number, height: number): Promise<string> {
  const sha256 = createHash("sha256").update(data).digest("hex");
  const [row] = await db.insert(images).values({ sha256, contentType: "image/webp", width, height, data }).onConflictDoNothing().returning({ id: images.id });
  if (row) return row.id;
  const [existing] = await db.select({ id: images.id }).from(images).where(eq(images.sha256, sha256));
  return existing!.id;
}

export async function imageById(db: Queryable, id: string) {
  const [row] = await db.select().from(images).where(eq(images.id, id));
  return row ?? null;
}
