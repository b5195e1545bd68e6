import "server-only";
import { headers } from "next/headers";

/** Where buyers reach this store: AUTH_URL when set, else the scheme and host of this request (set by server.ts). */
export async function storeOrigin(): Promise<string> {
  if (process.env.AUTH_URL) return new URL(process.env.AUTH_URL).origin;
  const h = await headers();
  return `${h.get("x-forwarded-proto") ?? "http"}://${h.get("x-forwarded-host") ?? h.get("host")}`;
}
