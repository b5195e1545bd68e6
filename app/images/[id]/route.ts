import { getDb } from "@/db/client";
import { imageById } from "@/lib/images";
import { isUuid } from "@/lib/uuid";

/** An image by its id: the bytes never change for an id, so browsers and CDNs keep it for a year. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const image = isUuid(id) ? await imageById(getDb(), id) : null;
  if (!image) return new Response("Not found", { status: 404 });
  return new Response(new Uint8Array(image.data), {
    headers: {
      "content-type": image.contentType,
      "cache-control": "public, max-age=31536000, immutable",
      etag: `"${image.sha256}"`,
      "x-content-type-options": "nosniff",
    },
  });
}
