/**
 * An image stored with a course (lib/images keeps each one at its final size, as WebP), as a plain server-rendered
 * <img>. next/image was used before with `unoptimized`, so it resized nothing; what it did add was a client
 * component per image and 6 KB of JavaScript that every catalog and course page downloaded and hydrated.
 * Width and height keep the box reserved while it loads; `priority` is for the one image that is the page's
 * largest paint (fetched first, never lazily); every other one loads when it nears the viewport.
 */
export function StoredImage({ id, alt, width, height, className, priority = false }: { id: string; alt: string; width: number; height: number; className?: string; priority?: boolean }) {
  return (
    <img
      src={`/images/${id}`}
      alt={alt}
      width={width}
      height={height}
      className={className}
      decoding="async"
      loading={priority ? "eager" : "lazy"}
      fetchPriority={priority ? "high" : "auto"}
    />
  );
}
