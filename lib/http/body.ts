/**
 * A request body read only as far as a limit: a declared Content-Length over it is refused unread, and a body
 * that streams past it is cut off there — memory stays bounded whatever a client sends.
 */
export async function readBodyUpTo(request: Request, maxBytes: number): Promise<Buffer | "too-large"> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) return "too-large";
  if (!request.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return "too-large";
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
