// The audit trail: every change to schemes, their activation, route state, rates, keys and
// settings, with the key that made it, written in the change's own transaction.
import type { Kysely } from 'kysely';
import type { Database, Mode } from './db/schema.js';
import { Problem } from './problem.js';
import type { Actor } from './roles.js';

export const AUDIT_ACTIONS = [
  'version-saved',
  'activated',
  'rolled-back',
  'activation-requested',
  'activation-approved',
  'activation-rejected',
  'route-state-changed',
  'p2p-payments-added',
  'rates-changed',
  'key-created',
  'key-revoked',
  'settings-changed',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  readonly mode: Mode | null;
  readonly action: AuditAction;
  readonly scheme?: string;
  readonly version?: number;
  readonly route?: string;
  readonly message?: string | undefined;
  readonly detail?: Record<string, unknown>;
}

export async function audit(db: Kysely<Database>, actor: Actor, e: AuditEntry): Promise<void> {
  await db
    .insertInto('audit')
    .values({
      mode: e.mode,
      action: e.action,
      scheme: e.scheme ?? null,
      version: e.version ?? null,
      route: e.route ?? null,
      key_id: typeof actor === 'string' ? null : actor.id,
      key_name: typeof actor === 'string' ? actor : actor.name,
      key_role: typeof actor === 'string' ? null : actor.role,
      message: e.message ?? null,
      detail: e.detail === undefined ? null : JSON.stringify(e.detail),
    })
    .execute();
}

export interface AuditFilter {
  /** Absent: every mode (the admin key). */
  readonly mode?: Mode;
  readonly action?: string;
  readonly scheme?: string;
  /** A key's id or name. */
  readonly actor?: string;
  readonly since?: Date;
  readonly until?: Date;
  /** The id of the last entry of the previous page: older entries follow. */
  readonly cursor?: string;
  readonly limit: number;
}

type AuditRow = Awaited<ReturnType<typeof rows>>[number];

function rows(db: Kysely<Database>, f: AuditFilter) {
  let q = db.selectFrom('audit').selectAll();
  if (f.mode) q = q.where('mode', '=', f.mode);
  if (f.action) q = q.where('action', '=', f.action);
  if (f.scheme) q = q.where('scheme', '=', f.scheme);
  if (f.actor) q = q.where((w) => w.or([w('key_id', '=', f.actor!), w('key_name', '=', f.actor!)]));
  if (f.since) q = q.where('at', '>=', f.since);
  if (f.until) q = q.where('at', '<', f.until);
  if (f.cursor) q = q.where('id', '<', f.cursor);
  return q.orderBy('id', 'desc').limit(f.limit + 1).execute();
}

function entryJson(r: AuditRow): Record<string, unknown> {
  return {
    id: String(r.id),
    at: new Date(r.at).toISOString(),
    mode: r.mode,
    action: r.action,
    scheme: r.scheme,
    version: r.version,
    route: r.route,
    actor: r.key_id === null ? { [r.key_name]: true } : { id: r.key_id, name: r.key_name, role: r.key_role },
    message: r.message,
    detail: typeof r.detail === 'string' ? (JSON.parse(r.detail) as unknown) : r.detail,
  };
}

/** Newest first, `limit` a page; `next_cursor` asks for the page after (null at the end). */
export async function auditPage(db: Kysely<Database>, f: AuditFilter): Promise<{ data: Record<string, unknown>[]; next_cursor: string | null }> {
  const found = await rows(db, f);
  const page = found.slice(0, f.limit);
  return { data: page.map(entryJson), next_cursor: found.length > f.limit ? String(page[page.length - 1]!.id) : null };
}

/** The trail's query parameters, checked: 400 with the parameter named. */
export function auditFilter(q: (name: string) => string | undefined, mode: Mode | undefined): AuditFilter {
  const limit = q('limit') === undefined ? 50 : Number(q('limit'));
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw badParam('limit', 'an integer from 1 to 200');
  const cursor = q('cursor');
  if (cursor !== undefined && !/^\d{1,18}$/.test(cursor)) throw badParam('cursor', 'the next_cursor of a previous page');
  const action = q('action');
  if (action !== undefined && !(AUDIT_ACTIONS as readonly string[]).includes(action)) throw badParam('action', `one of ${AUDIT_ACTIONS.join(', ')}`);
  const time = (name: string): Date | undefined => {
    const v = q(name);
    if (v === undefined) return undefined;
    const d = new Date(v);
    if (Number.isNaN(d.getTime()) || d.getUTCFullYear() < 1970 || d.getUTCFullYear() > 9999) throw badParam(name, 'a date-time such as 2026-12-01T00:00:00Z');
    return d;
  };
  const text = (name: string): string | undefined => {
    const v = q(name);
    if (v !== undefined && (v.length > 200 || v.includes('\u0000'))) throw badParam(name, 'at most 200 characters');
    return v;
  };
  const queryMode = q('mode');
  if (queryMode !== undefined && queryMode !== 'test' && queryMode !== 'live') throw badParam('mode', 'test or live');
  const scope = mode ?? (queryMode as Mode | undefined);
  return {
    limit,
    ...(scope ? { mode: scope } : {}),
    ...(action ? { action } : {}),
    ...(text('scheme') ? { scheme: text('scheme')! } : {}),
    ...(text('actor') ? { actor: text('actor')! } : {}),
    ...(time('since') ? { since: time('since')! } : {}),
    ...(time('until') ? { until: time('until')! } : {}),
    ...(cursor ? { cursor } : {}),
  };
}

const badParam = (name: string, what: string): Problem => new Problem(400, 'invalid-parameter', `query parameter '${name}' must be ${what}`);
