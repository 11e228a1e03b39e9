// Roles, the audit trail and four-eyes activation (issue 17 items 2–3) over app.request, on
// PGlite and (with TEST_DATABASE_URL) PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../server/start.js';
import { ADMIN, backends, Client } from './support/service.js';

const SCHEME = (name: string, fee = '1.00') => `scheme ${name}
mode test

route acme_eur EUR fee ${fee}

service sepa_eur {
  optimal acme_eur
}
`;

interface Keyed extends Client {
  readonly id: string;
}

describe.each(backends())('roles, audit and four-eyes on $name', (backend) => {
  let service: Service;
  let admin: Client;
  const keys: Record<string, Keyed> = {};
  const make = async (name: string, role?: string): Promise<Keyed> => {
    const res = await admin.post('/v1/api-keys', { mode: 'test', name, ...(role ? { role } : {}) });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name, mode: 'test', role: role ?? null });
    return Object.assign(new Client(service, res.body.key as string), { id: res.body.id as string });
  };

  beforeAll(async () => {
    service = await backend.open();
    admin = new Client(service, ADMIN);
    keys['author'] = await make('ana (author)', 'author');
    keys['approver'] = await make('bo (approver)', 'approver');
    keys['approver2'] = await make('cy (approver)', 'approver');
    keys['operator'] = await make('di (operator)', 'operator');
    keys['full'] = await make('ed (no role)');
  }, 60_000);
  afterAll(() => backend.cleanup());

  it('refuses each role what it may not do with 403, and lets it do what it may', async () => {
    const { author, approver, operator, full } = keys as Record<string, Keyed>;
    // Saving: author and the full key; not approver or operator.
    expect((await author!.post('/v1/schemes/roles_a/versions', { source: SCHEME('roles_a'), message: 'first cut' })).status).toBe(201);
    for (const k of [approver!, operator!]) {
      const res = await k.post('/v1/schemes/roles_a/versions', { source: SCHEME('roles_a', '2.00') });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ type: expect.stringContaining('forbidden'), right: 'author' });
    }
    // Activating: approver (and full); an author and an operator may not.
    expect((await author!.post('/v1/schemes/roles_a/activate', { version: 1 })).status).toBe(403);
    expect((await operator!.post('/v1/schemes/roles_a/activate', { version: 1 })).status).toBe(403);
    expect((await approver!.post('/v1/schemes/roles_a/activate', { version: 1, message: 'go' })).status).toBe(200);
    // Route state and rates: operator (and full) only.
    for (const k of [author!, approver!]) {
      expect((await k.put('/v1/routes/acme_eur', { balance: '10.00' })).status).toBe(403);
      expect((await k.put('/v1/rates/default', { 'EUR/USD': '1.08' })).status).toBe(403);
    }
    expect((await operator!.put('/v1/routes/acme_eur', { balance: '100.00' })).status).toBe(200);
    expect((await full!.put('/v1/rates/default', { 'EUR/USD': '1.08' })).status).toBe(200);
    // Reading and trying: every role.
    for (const k of [author!, approver!, operator!, full!]) {
      expect((await k.get('/v1/schemes/roles_a/versions')).status).toBe(200);
      const decided = await k.post('/v1/schemes/roles_a/decide', { request: { amount: '5.00', currency: 'EUR', service: 'sepa_eur' } });
      expect(decided.status).toBe(200);
      expect(decided.body.route).toBe('acme_eur');
    }
    // Keys, settings: the admin key alone; the admin key may not act in a mode.
    expect((await full!.post('/v1/api-keys', { mode: 'test', name: 'x' })).status).toBe(403);
    expect((await full!.put('/v1/settings/test', { require_approval: true })).status).toBe(403);
    expect((await admin.post('/v1/schemes/roles_a/activate', { version: 1 })).status).toBe(403);
  });

  it('tells a key who it is, and lists keys with names, roles and last use but never a secret', async () => {
    const me = await keys['author']!.get('/v1/me');
    expect(me.body).toEqual({ id: keys['author']!.id, name: 'ana (author)', mode: 'test', role: 'author', rights: ['read', 'try', 'author'] });
    expect((await admin.get('/v1/me')).body).toEqual({ admin: true });
    const listed = await admin.get('/v1/api-keys');
    expect(listed.status).toBe(200);
    const text = JSON.stringify(listed.body);
    for (const k of Object.values(keys)) expect(text).not.toContain(k.key);
    expect(text).not.toContain('hash');
    const author = (listed.body.data as { id: string; last_used_at: string | null; role: string }[]).find((k) => k.id === keys['author']!.id)!;
    expect(author.role).toBe('author');
    expect(author.last_used_at).not.toBeNull();
    expect((await keys['full']!.get('/v1/api-keys')).status).toBe(403);
  });

  it('records every kind of change with the key, its name and the message, in history and the audit trail', async () => {
    const history = await keys['operator']!.get('/v1/schemes/roles_a/history');
    expect(history.status).toBe(200);
    const actions = (history.body.data as { action: string }[]).map((e) => e.action);
    expect(actions).toEqual(['activated', 'version-saved']);
    expect(history.body.data[1]).toMatchObject({ version: 1, message: 'first cut', actor: { id: keys['author']!.id, name: 'ana (author)', role: 'author' } });
    expect(history.body.data[0]).toMatchObject({ version: 1, message: 'go', actor: { name: 'bo (approver)' }, detail: { from_version: null } });
    const versions = await keys['author']!.get('/v1/schemes/roles_a/versions');
    expect(versions.body.data[0]).toMatchObject({ version: 1, message: 'first cut', created_by: { id: keys['author']!.id, name: 'ana (author)' }, active: true });

    const all = await admin.get('/v1/audit?limit=200');
    const kinds = new Set((all.body.data as { action: string }[]).map((e) => e.action));
    for (const k of ['key-created', 'version-saved', 'activated', 'route-state-changed', 'rates-changed']) expect(kinds).toContain(k);
    const state = (all.body.data as { action: string; route: string; actor: { name: string }; detail: unknown }[]).find((e) => e.action === 'route-state-changed')!;
    expect(state).toMatchObject({ route: 'acme_eur', actor: { name: 'di (operator)' }, detail: { balance: '100.00' } });
    // Filters and pages.
    const byActor = await keys['full']!.get(`/v1/audit?actor=${encodeURIComponent('ana (author)')}`);
    expect((byActor.body.data as { actor: { name: string } }[]).every((e) => e.actor.name === 'ana (author)')).toBe(true);
    expect(byActor.body.data.length).toBeGreaterThan(0);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { data: { id: string }[]; next_cursor: string | null } } = await admin.get(`/v1/audit?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((e) => e.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual((all.body.data as { id: string }[]).map((e) => e.id));
    expect(new Set(seen).size).toBe(seen.length);
    for (const bad of ['limit=0', 'limit=201', 'cursor=abc', 'action=nope', 'since=yesterday']) expect((await admin.get(`/v1/audit?${bad}`)).status).toBe(400);
  });

  it('four eyes: activation becomes a request that another approver accepts, atomically; self-approval and stale requests are refused', async () => {
    const { author, approver, approver2 } = keys as Record<string, Keyed>;
    expect((await admin.put('/v1/settings/test', { require_approval: true })).body).toEqual({ mode: 'test', require_approval: true });
    expect((await author!.get('/v1/settings/test')).body).toEqual({ mode: 'test', require_approval: true });
    await author!.post('/v1/schemes/roles_a/versions', { source: SCHEME('roles_a', '2.00'), message: 'cheaper?' });

    const asked = await author!.post('/v1/schemes/roles_a/activate', { version: 2, message: 'please' });
    expect(asked.status).toBe(202);
    const request = asked.body.activation_request as { id: string };
    expect(asked.body.activation_request).toMatchObject({ scheme: 'roles_a', version: 2, from_version: 1, status: 'pending', requested_by: { name: 'ana (author)' } });
    // Nothing changed yet.
    expect((await author!.get('/v1/schemes')).body.data.find((s: { name: string }) => s.name === 'roles_a').active_version).toBe(1);
    expect((await approver!.get('/v1/activation-requests?status=pending')).body.data.map((r: { id: string }) => r.id)).toContain(request.id);
    // An author may not approve; nobody approves their own request.
    expect((await author!.post(`/v1/activation-requests/${request.id}/approve`, {})).status).toBe(403);
    const own = await approver!.post('/v1/schemes/roles_a/activate', { version: 2 });
    expect(own.status).toBe(202);
    const self = await approver!.post(`/v1/activation-requests/${own.body.activation_request.id}/approve`, {});
    expect(self.status).toBe(403);
    expect(self.body.type).toContain('self-approval');

    const approved = await approver!.post(`/v1/activation-requests/${request.id}/approve`, { message: 'looks right' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', decided_by: { name: 'bo (approver)' }, decision_message: 'looks right' });
    expect((await author!.get('/v1/schemes')).body.data.find((s: { name: string }) => s.name === 'roles_a').active_version).toBe(2);
    expect((await author!.post('/v1/schemes/roles_a/decide', { request: { amount: '5.00', currency: 'EUR', service: 'sepa_eur' } })).body.version).toBe(2);
    // The approver's own request was made against version 1: stale now.
    const stale = await approver2!.post(`/v1/activation-requests/${own.body.activation_request.id}/approve`, {});
    expect(stale.status).toBe(409);
    expect(stale.body.type).toContain('stale');
    expect((await approver2!.post(`/v1/activation-requests/${request.id}/approve`, {})).status).toBe(409);
    const rejected = await approver2!.post(`/v1/activation-requests/${own.body.activation_request.id}/reject`, { message: 'asked against v1' });
    expect(rejected.body).toMatchObject({ status: 'rejected', decided_by: { name: 'cy (approver)' } });

    const actions = ((await author!.get('/v1/schemes/roles_a/history')).body.data as { action: string }[]).map((e) => e.action);
    expect(actions.slice(0, 5)).toEqual(['activation-rejected', 'activation-approved', 'activation-requested', 'activation-requested', 'version-saved']);
    await admin.put('/v1/settings/test', { require_approval: false });
  });

  it('rolls back to the version active before, and says when there is none', async () => {
    const { approver, author } = keys as Record<string, Keyed>;
    const back = await approver!.post('/v1/schemes/roles_a/rollback', { message: 'v2 misroutes' });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ active_version: 1, previous_version: 2 });
    const entry = ((await author!.get('/v1/schemes/roles_a/history')).body.data as { action: string; version: number; message: string }[])[0];
    expect(entry).toMatchObject({ action: 'rolled-back', version: 1, message: 'v2 misroutes' });
    expect((await author!.post('/v1/schemes/roles_a/rollback', {})).status).toBe(403);
    // Under four eyes a rollback is a request too, marked as one.
    await admin.put('/v1/settings/test', { require_approval: true });
    const asked = await approver!.post('/v1/schemes/roles_a/rollback', { message: 'back again' });
    expect(asked.status).toBe(202);
    expect(asked.body.activation_request).toMatchObject({ version: 2, from_version: 1, rollback: true, status: 'pending' });
    const approved = await keys['approver2']!.post(`/v1/activation-requests/${asked.body.activation_request.id}/approve`, {});
    expect(approved.body).toMatchObject({ status: 'approved', rollback: true });
    const last = ((await author!.get('/v1/schemes/roles_a/history')).body.data as { action: string; version: number; detail: { rollback: boolean } }[])[0];
    expect(last).toMatchObject({ action: 'activation-approved', version: 2, detail: { rollback: true } });
    await admin.put('/v1/settings/test', { require_approval: false });
    await author!.post('/v1/schemes/roles_b/versions', { source: SCHEME('roles_b') });
    await approver!.post('/v1/schemes/roles_b/activate', { version: 1 });
    const none = await approver!.post('/v1/schemes/roles_b/rollback', {});
    expect(none.status).toBe(409);
    expect(none.body.type).toContain('nothing-to-roll-back');
  });
});
