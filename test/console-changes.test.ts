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

describe('activation review', () => {
  const source = (fee: string) => `scheme rev\nmode test\nroute a EUR fee ${fee}\nroute b EUR fee 1.00\nservice s {\n  cost a, b\n}\n`;
  const recent = (scheme: string | null, amount: string) => ({
    attributes: { scheme, point_amount: amount, point_id: 'pop', point_currency: 'EUR', service: 's', created_at: '2026-12-01T10:00:00Z', fields: {} },
  });

  it("decides the scheme's recent payout requests again with both versions and counts what moves", async () => {
    const { reviewActivation } = await import('../editor/console-model/activation.js');
    const r = reviewActivation('rev', { version: 1, source: source('0.50') }, { version: 2, source: source('2.00') }, [recent('rev', '10.00'), recent('other', '10.00'), recent('rev', '20.00')]);
    if ('error' in r) throw new Error(r.error);
    expect(r.traffic).toBe('the 2 most recent payout requests this scheme decided');
    expect(r.changed).toBe(true);
    expect(r.markdown).toMatch(/fee\s+0\.50 → 2\.00/);
    expect(r.markdown).toMatch(/2 of 2 decisions change/);
  });

  it('falls back to sample requests, and says when nothing is active yet', async () => {
    const { reviewActivation } = await import('../editor/console-model/activation.js');
    const r = reviewActivation('rev', { version: 1, source: source('0.50') }, { version: 2, source: source('0.50').replace('fee 0.50', 'fee 0.5') }, []);
    if ('error' in r) throw new Error(r.error);
    expect(r.traffic).toMatch(/^200 sample requests/);
    expect(r.changed).toBe(false);
    expect(reviewActivation('rev', null, { version: 1, source: source('1.00') }, [])).toMatchObject({ markdown: 'No version of rev is active: v1 will be the first.' });
    expect(reviewActivation('rev', null, { version: 1, source: 'scheme rev\nservice {' }, [])).toEqual({ error: 'v1 does not compile here' });
  });
});
