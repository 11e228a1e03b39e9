// The editor's draft beside the stored schemes: the name a fresh draft takes (one no stored
// scheme has, so saving it never adds a version to someone's scheme by accident), and what
// saving under a name would do.

export const DRAFT_NAME = 'untitled';

/** `untitled`, else `untitled_2`, `untitled_3`, …: the first that no stored scheme has. */
export function freeName(taken: Iterable<string>, base = DRAFT_NAME): string {
  const names = new Set(taken);
  if (!names.has(base)) return base;
  let n = 2;
  while (names.has(`${base}_${n}`)) n++;
  return `${base}_${n}`;
}

export interface StoredScheme {
  readonly name: string;
  readonly latest: number | null;
}

/**
 * `new`: no stored scheme has the name, saving makes its v1. `next`: the editor opened or saved
 * this scheme, saving makes its next version. `other`: a stored scheme has the name but the
 * editor did not come from it, so saving would add the draft to it: the page asks first.
 */
export type SaveTarget =
  | { readonly kind: 'new'; readonly version: 1 }
  | { readonly kind: 'next' | 'other'; readonly version: number; readonly latest: number };

export function saveTarget(name: string, origin: string | undefined, stored: readonly StoredScheme[]): SaveTarget {
  const hit = stored.find((s) => s.name === name);
  if (!hit || hit.latest === null) return { kind: 'new', version: 1 };
  return { kind: origin === name ? 'next' : 'other', version: hit.latest + 1, latest: hit.latest };
}
