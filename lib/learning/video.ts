/**
 * Lesson videos are embedded only from an allow-list of hosts, through their privacy-friendly players; the
 * Content-Security-Policy (proxy.ts) allows frames from exactly these origins. Anything else is not embedded.
 */
export const VIDEO_FRAME_ORIGINS = ["https://www.youtube-nocookie.com", "https://player.vimeo.com"] as const;

/** The player URL for a lesson's video link, or null when its host is not allowed or the link names no video. */
export function videoEmbedUrl(link: string | null | undefined): string | null {
  if (!link) return null;
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return null;
  }
  if (url.protocol !== "https:") return null;
  const host = url.hostname.replace(/^www\./, "");
  const id = (value: string | null | undefined, pattern: RegExp) => (value && pattern.test(value) ? value : null);
  if (host === "youtube.com" || host === "m.youtube.com") {
    const v = id(url.searchParams.get("v"), /^[\w-]{11}$/);
    return v ? `https://www.youtube-nocookie.com/embed/${v}` : null;
  }
  if (host === "youtu.be") {
    const v = id(url.pathname.slice(1), /^[\w-]{11}$/);
    return v ? `https://www.youtube-nocookie.com/embed/${v}` : null;
  }
  if (host === "vimeo.com") {
    const v = id(url.pathname.slice(1), /^\d{1,12}$/);
    return v ? `https://player.vimeo.com/video/${v}` : null;
  }
  return null;
}
