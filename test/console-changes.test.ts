// The Changes view's models: the audit query, a phrase per entry, and who may decide a request.
import { describe, expect, it } from 'vitest';
import { actorName, auditQuery, mayDecide, whatHappened, type AuditEntry } from '../editor/console-model/changes-model.js';

const entry = (over: Partial<AuditEntry>): AuditEntry => ({ id: '1', at: '2026-12-01T10:00:00Z', mode: 'test', action: 'version-saved', scheme: null, version: null, route: null, actor: {}, message: null, detail: null, ...over });

describe('changes model', () => {
  it('asks /v1/audit for the filters given, trimmed, and the page after the cursor', () => {
    expect(auditQuery({ action: '', scheme: '', actor: '' }, null)).toBe('?limit=50');
    expect(auditQuery({ action: 'activated', scheme: ' eu_payouts ', actor: 'ana' }, '42', 20)).toBe('?action=activated&scheme=eu_payouts&actor=ana&cursor=42&limit=20');
  });

  it('says what happened and who did it', () => {
    expect(whatHappened(entry({ action: 'version-saved', scheme: 'eu', version: 3 }))).toBe('saved eu v3');
    expect(whatHappened(entry({ action: 'route-state-changed', route: 'acme_eur' }))).toBe('changed route state of acme_eur');
    expect(whatHappened(entry({ action: 'settings-changed' }))).toBe('changed settings');
    expect(actorName({ id: 'k1', name: 'ana', role: 'author' })).toBe('ana (author)');
    expect(actorName({ id: 'k1', name: 'ed', role: null })).toBe('ed');
    expect(actorName({ admin: true })).toBe('admin key');
    expect(actorName({ system: true })).toBe('the service');
  });

  it('lets an approver decide requests of others only', () => {
    const r = { id: 'ar_1', requested_by: { id: 'k1', name: 'ana' } };
    expect(mayDecide(r, { id: 'k2', rights: ['read', 'approve'] })).toEqual({ ok: true, why: '' });
    expect(mayDecide(r, { id: 'k1', rights: ['read', 'approve'] }).ok).toBe(false);
    expect(mayDecide(r, { id: 'k3', rights: ['read', 'author'] })).toEqual({ ok: false, why: 'Your key has no approver role.' });
    // A service without /v1/me: the server decides.
    expect(mayDecide(r, null).ok).toBe(true);
  });
});
