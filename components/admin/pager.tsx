import { ButtonLink } from "@/components/ui/button";

/** Keyset pages of an admin list: back to the newest, and on to older entries; nothing when there is one page. */
export function Pager({ newest, older, noun }: { newest: string | null; older: string | null; noun: string }) {
  if (!newest && !older) return null;
  return (
    <nav aria-label="Pages" className="flex justify-between gap-4">
      {newest ? (
        <ButtonLink href={newest} variant="secondary">
          ← Newest {noun}
        </ButtonLink>
      ) : (
        <span />
      )}
      {older && (
        <ButtonLink href={older} variant="secondary">
          Older {noun} →
        </ButtonLink>
      )}
    </nav>
  );
}
