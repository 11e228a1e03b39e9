// The Changes view's models, without the DOM: the audit trail's query and a line per entry, and
// whether this key may decide an activation request (and why not).

export interface AuditActor {
  readonly id?: string;
  readonly name?: string;
  readonly role?: string | null;
  readonly admin?: true;
  readonly system?: true;
}

export interface AuditEntry {
  readonly id: string;
  readonly at: string;
  readonly mode: string | null;
  readonly action: string;
  readonly scheme: string | null;
  readonly version: number | null;
  readonly route: string | null;
  readonly actor: AuditActor;
  readonly message: string | null;
  readonly detail: unknown;
}

export interface AuditFilters {
  readonly action: string;
  readonly scheme: string;
  readonly actor: string;
}

/** The query string of /v1/audit for these filters and page (empty filters left out). */
export function auditQuery(f: AuditFilters, cursor: string | null, limit = 50): string {
  const q = new URLSearchParams();
  if (f.action) q.set('action', f.action);
  if (f.scheme.trim()) q.set('scheme', f.scheme.trim());
  if (f.actor.trim()) q.set('actor', f.actor.trim());
  if (cursor) q.set('cursor', cursor);
  q.set('limit', String(limit));
  return `?${q.toString()}`;
}

export function actorName(a: AuditActor): string {
  if (a.admin) return 'admin key';
  if (a.system) return 'the service';
  return a.role ? `${a.name ?? a.id} (${a.role})` : (a.name ?? a.id ?? '?');
}

const VERBS: Readonly<Record<string, string>> = {
  'version-saved': 'saved',
  activated: 'activated',
  'rolled-back': 'rolled back to',
  'activation-requested': 'asked to activate',
  'activation-approved': 'approved and activated',
  'activation-rejected': 'rejected activating',
  'route-state-changed': 'changed route state of',
  'p2p-payments-added': 'added p2p payments to',
  'rates-changed': 'changed rates',
  'key-created': 'created a key',
  'key-revoked': 'revoked a key',
  'settings-changed': 'changed settings',
};

/** What happened, in a phrase: "saved eu_payouts v3", "changed route state of acme_eur". */
export function whatHappened(e: AuditEntry): string {
  const verb = VERBS[e.action] ?? e.action;
  const target = e.scheme ? `${e.scheme}${e.version !== null ? ` v${e.version}` : ''}` : (e.route ?? '');
  return target ? `${verb} ${target}` : verb;
}

export interface Me {
  readonly id?: string;
  readonly rights?: readonly string[];
}

export interface PendingRequest {
  readonly id: string;
  readonly requested_by: { readonly id: string; readonly name: string };
}

/** Whether this key may approve or reject `r`; the reason when not, for the disabled buttons' title. */
export function mayDecide(r: PendingRequest, me: Me | null): { readonly ok: boolean; readonly why: string } {
  if (!me || !me.rights) return { ok: true, why: '' };
  if (!me.rights.includes('approve')) return { ok: false, why: 'Your key has no approver role.' };
  if (me.id === r.requested_by.id) return { ok: false, why: 'You asked for this activation: another approver must decide it.' };
  return { ok: true, why: '' };
}
