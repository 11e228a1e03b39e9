// The page's views and their addresses: `#/editor` (the default), `#/requests`,
// `#/requests/ID`, `#/routes`, `#/simulation`, `#/webhooks`, `#/changes`.
export type Tab = 'editor' | 'requests' | 'routes' | 'simulation' | 'webhooks' | 'changes';
export type View = { readonly name: Tab } | { readonly name: 'request'; readonly id: string };

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
    case 'webhooks':
    case 'changes':
      return { name: head };
    default:
      return { name: 'editor' };
  }
}

/** The navigation tab a view belongs to. */
export function tabOf(v: View): Tab {
  return v.name === 'request' ? 'requests' : v.name;
}

/** Alt+1..6 */
export const VIEW_KEYS: readonly Tab[] = ['editor', 'requests', 'routes', 'simulation', 'webhooks', 'changes'];
