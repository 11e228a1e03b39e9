// Who may do what: a key's role grants rights, and each API route needs one right (or the admin
// key). The one table of both; app.ts asks it once per route, when it mounts the route.
export const ROLES = ['author', 'approver', 'operator'] as const;
export type Role = (typeof ROLES)[number];

export type Right = 'read' | 'try' | 'author' | 'approve' | 'operate';

const EVERY_RIGHT: readonly Right[] = ['read', 'try', 'author', 'approve', 'operate'];

/** What each role may do; a mode key made without a role keeps every right in its mode. */
const RIGHTS: Readonly<Record<Role, readonly Right[]>> = {
  author: ['read', 'try', 'author'],
  approver: ['read', 'try', 'approve'],
  operator: ['read', 'try', 'operate'],
};

export const rightsOf = (role: Role | null): readonly Right[] => (role === null ? EVERY_RIGHT : RIGHTS[role]);

/**
 * What a route asks of a key: a right (`activate`: authoring or approving, as the mode's
 * four-eyes setting decides in the handler), or none (`admin`: the admin key alone); and whether
 * the admin key may call it too.
 */
export interface Access {
  readonly right: Right | 'activate' | 'admin';
  readonly admin: boolean;
}

const ADMIN_ONLY: Access = { right: 'admin', admin: true };
const ADMIN_OR = (right: Right): Access => ({ right, admin: true });
const KEY = (right: Right | 'activate'): Access => ({ right, admin: false });

/** The access a route (Hono's pattern, e.g. /v1/schemes/:name/decide) asks for. */
export function accessOf(method: string, path: string): Access {
  const read = method === 'GET' || method === 'HEAD';
  if (path.startsWith('/v1/api-keys')) return ADMIN_ONLY;
  if (path.startsWith('/v1/settings')) return read ? ADMIN_OR('read') : ADMIN_ONLY;
  if (path === '/v1/audit' || path === '/v1/me') return ADMIN_OR('read');
  if (read) return KEY('read');
  if (path === '/v1/compile' || /\/decide(-batch)?$/.test(path)) return KEY('try');
  if (/^\/v1\/schemes\/[^/]+\/versions$/.test(path)) return KEY('author');
  if (/^\/v1\/schemes\/[^/]+\/(activate|rollback)$/.test(path)) return KEY('activate');
  if (path.startsWith('/v1/activation-requests')) return KEY('approve');
  return KEY('operate');
}

/** Who acted: a mode key (its id, name and role), the admin key, or the service itself (seeding its examples). */
export type Actor = { readonly id: string; readonly name: string; readonly role: Role | null } | 'admin' | 'system';
