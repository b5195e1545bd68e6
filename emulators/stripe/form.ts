/**
 * Stripe's request encoding: `application/x-www-form-urlencoded` with bracketed nesting
 * (`line_items[0][price_data][currency]=usd`, `expand[]=a`, `metadata[k]=`). Integer-indexed and empty-bracket
 * keys build arrays; everything else builds objects. Values stay strings, as Stripe receives them.
 */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };

function path(key: string): string[] {
  const head = /^[^[]*/.exec(key)![0];
  const rest = [...key.slice(head.length).matchAll(/\[([^\]]*)\]/g)].map((m) => m[1]!);
  return [head, ...rest];
}

export function decodeForm(body: string): Record<string, FormValue> {
  const root: Record<string, FormValue> = {};
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const keys = path(rawKey);
    let node: Record<string, FormValue> | FormValue[] = root;
    keys.forEach((key, index) => {
      const last = index === keys.length - 1;
      const container = node as Record<string, FormValue> & FormValue[];
      const slot = key === "" && Array.isArray(container) ? String(container.length) : key;
      if (last) {
        container[slot as never] = value as never;
        return;
      }
      const nextIsIndex = keys[index + 1] === "" || /^\d+$/.test(keys[index + 1]!);
      container[slot as never] ??= (nextIsIndex ? [] : {}) as never;
      node = container[slot as never] as unknown as Record<string, FormValue> | FormValue[];
    });
  }
  return root;
}
