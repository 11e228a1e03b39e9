// The page's views and their addresses: `#/editor` (the default), `#/requests`,
// `#/requests/ID`, `#/routes`, `#/simulation`.
export type View = { readonly name: 'editor' | 'requests' | 'routes' | 'simulation' } | { readonly name: 'request'; readonly id: string };

export function viewOf(hash: string): View {
  const path = hash.replace(/^#\/?/, '');
  const [head, ...rest] = path.split('/');
  switch (head) {
    case 'requests':
      if (rest.length && rest[0]) {
        let id = rest.join('/');
        try {
          id = decodeURIComponent(id);
        } catch {
          // not %-encoded: taken as written
        }
        return { name: 'request', id };
      }
      return { name: 'requests' };
    case 'routes':
    case 'simulation':
      return { name: head };
    default:
      return { name: 'editor' };
  }
}

/** The navigation tab a view belongs to. */
export function tabOf(v: View): 'editor' | 'requests' | 'routes' | 'simulation' {
  return v.name === 'request' ? 'requests' : v.name;
}

/** Alt+1..4 */
export const VIEW_KEYS: readonly ('editor' | 'requests' | 'routes' | 'simulation')[] = ['editor', 'requests', 'routes', 'simulation'];
