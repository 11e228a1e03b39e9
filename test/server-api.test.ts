// The HTTP API of issue 4 over app.request, on PGlite and (with TEST_DATABASE_URL) PostgreSQL.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../server/start.js';
import { ADMIN, backends, Client, keyed } from './support/service.js';

const SCHEME = (name: string, extra = '') => `scheme ${name}
mode test
field segment one_of "retail", "vip"

route acme_eur EUR fee 0.5% + 0.20
route bankco_eur EUR fee 1.00

service sepa_eur {
  when amount >= 1000 EUR {
    bankco_eur_strategy_placeholder
  } else {
    optimal acme_eur, bankco_eur
  }
}
${extra}`.replace('bankco_eur_strategy_placeholder', 'optimal bankco_eur, acme_eur');

const REQUEST = { amount: '100.00', currency: 'EUR', service: 'sepa_eur', country: 'DE', fields: { segment: 'retail' } };

describe.each(backends())('service API on $name', (backend) => {
  let service: Service;
  let test: Client & { keyId: string };
  let live: Client & { keyId: string };

  beforeAll(async () => {
    service = await backend.open();
    test = await keyed(service, 'test');
    live = await keyed(service, 'live');
  }, 60_000);
  afterAll(() => backend.cleanup());

  it('answers /healthz and /readyz, and serves the OpenAPI document with the body schemas', async () => {
    const health = await service.app.request('/healthz');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(await (await service.app.request('/readyz')).json()).toEqual({ status: 'ready', checks: { database: true, migrations: true, schemes: true } });
    expect(await (await service.app.request('/livez')).json()).toEqual({ status: 'ok' });
    const doc = (await (await service.app.request('/openapi.json')).json()) as { openapi: string; paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
    expect(doc.openapi).toBe('3.1.0');
    for (const path of ['/v1/compile', '/v1/schemes/{name}/versions', '/v1/schemes/{name}/decide', '/v1/payout-gateway/payout-requests', '/v1/api-keys/{id}', '/v1/rates/{rate_scheme}']) {
      expect(doc.paths).toHaveProperty([path]);
    }
    expect(doc.components.schemas).toHaveProperty('PayoutRequest');
    // Every route the app serves (but the editor's files) is in the document, with its method.
    const served = service.app.routes.filter((r) => r.path.startsWith('/v1/') || r.path === '/healthz' || r.path === '/readyz' || r.path === '/openapi.json');
    const missing = served
      .map((r) => [r.method.toLowerCase(), r.path.replace(/:(\w+)/g, '{$1}')] as const)
      .filter(([method, path]) => !(doc.paths[path] as Record<string, unknown> | undefined)?.[method]);
    expect(missing).toEqual([]);
  });

  it('answers /readyz with 503 when its database is gone (/healthz still 200: the process lives), and decide calls with a 503 problem', async () => {
    const doomed = await backend.open();
    const api = await keyed(doomed, 'test');
    await doomed.store.close();
    expect((await doomed.app.request('/readyz')).status).toBe(503);
    expect((await doomed.app.request('/healthz')).status).toBe(200);
    const res = await api.get('/v1/schemes');
    expect(res.status).toBe(503);
    expect(res.body.type).toMatch(/unavailable$/);
  });

  it('refuses calls without a key, with an unknown key, and the admin key outside key management', async () => {
    const none = await service.app.request('/v1/schemes');
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toContain('application/problem+json');
    expect((await new Client(service, 'sk_test_nope').get('/v1/schemes')).status).toBe(401);
    expect((await new Client(service, ADMIN).get('/v1/schemes')).status).toBe(403);
    expect((await test.post('/v1/api-keys', { mode: 'test' })).status).toBe(403);
  });

  it('revokes a key at once', async () => {
    const k = await keyed(service, 'test');
    expect((await k.get('/v1/schemes')).status).toBe(200);
    expect((await new Client(service, ADMIN).delete(`/v1/api-keys/${k.keyId}`)).status).toBe(204);
    const after = await k.get('/v1/schemes');
    expect(after.status).toBe(401);
    expect(after.body.type).toMatch(/unauthorized$/);
    expect((await new Client(service, ADMIN).delete('/v1/api-keys/no-such-id')).status).toBe(404);
  });

  it('compiles a source statelessly, with positioned diagnostics', async () => {
    const res = await test.post('/v1/compile', { source: 'scheme x\nroute a EUR fee\n' });
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(false);
    expect(res.body.diagnostics[0]).toMatchObject({ severity: 'error', code: 'E_SYNTAX', line: 2 });
    expect(Object.keys(res.body.diagnostics[0]).sort()).toEqual(['code', 'column', 'endColumn', 'endLine', 'line', 'message', 'severity']);
  });

  it('numbers versions 1, 2, … and keeps them immutable; an identical source returns the latest with 200', async () => {
    const v1 = await test.post('/v1/schemes/numbering/versions', { source: SCHEME('numbering'), message: 'first' });
    expect(v1.status).toBe(201);
    expect(v1.body).toMatchObject({ name: 'numbering', version: 1 });
    expect(v1.body.hash).toMatch(/^[0-9a-f]{64}$/);
    const same = await test.post('/v1/schemes/numbering/versions', { source: SCHEME('numbering') });
    expect(same.status).toBe(200);
    expect(same.body.version).toBe(1);
    const v2 = await test.post('/v1/schemes/numbering/versions', { source: SCHEME('numbering', '# second\n'), message: 'second' });
    expect(v2.body.version).toBe(2);
    const one = await test.get('/v1/schemes/numbering/versions/1');
    expect(one.body).toMatchObject({ version: 1, source: SCHEME('numbering'), message: 'first', hash: v1.body.hash });
    expect(typeof one.body.created_at).toBe('string');
    const list = await test.get('/v1/schemes/numbering/versions');
    expect(list.body.data.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expect((await test.get('/v1/schemes/numbering/versions/3')).status).toBe(404);
  });

  it('refuses sources with errors (with diagnostics), a scheme line that differs from the URL, and a mode that differs from the key', async () => {
    const bad = await test.post('/v1/schemes/broken/versions', { source: 'scheme broken\nroute a EUR\nservice s {\n  optimal nope\n}\n' });
    expect(bad.status).toBe(422);
    expect(bad.body.diagnostics.some((d: { code: string; line: number }) => d.code === 'E_UNKNOWN_ROUTE' && d.line === 4)).toBe(true);
    expect((await test.post('/v1/schemes/other/versions', { source: SCHEME('mismatch') })).body.type).toMatch(/scheme-name-mismatch$/);
    const mode = await live.post('/v1/schemes/modal/versions', { source: SCHEME('modal') });
    expect(mode.status).toBe(422);
    expect(mode.body.type).toMatch(/mode-mismatch$/);
    expect((await test.get('/v1/schemes/broken/versions')).status).toBe(404);
  });

  it('activates a version and decides with the active one, or a named one', async () => {
    await test.post('/v1/schemes/active_one/versions', { source: SCHEME('active_one') });
    expect((await test.post('/v1/schemes/active_one/decide', { request: REQUEST })).status).toBe(404);
    expect((await test.post('/v1/schemes/active_one/activate', { version: 1 })).status).toBe(200);
    const d = await test.post('/v1/schemes/active_one/decide', { request: REQUEST });
    expect(d.status).toBe(200);
    expect(d.body).toMatchObject({ status: 'routed', route: 'acme_eur', strategy: 'optimal', block: null, resolution: null, version: 1 });
    expect(d.body.allocations[0]).toMatchObject({ route: 'acme_eur', amount: '100.00', currency: 'EUR', fee: '0.70' });
    expect(Array.isArray(d.body.trace)).toBe(true);
    const v2 = SCHEME('active_one').replace('optimal acme_eur, bankco_eur\n  }', 'optimal bankco_eur\n  }');
    await test.post('/v1/schemes/active_one/versions', { source: v2 });
    expect((await test.post('/v1/schemes/active_one/decide', { request: REQUEST })).body.route).toBe('acme_eur');
    expect((await test.post('/v1/schemes/active_one/decide', { request: REQUEST, version: 2 })).body.route).toBe('bankco_eur');
    await test.post('/v1/schemes/active_one/activate', { version: 2 });
    expect((await test.post('/v1/schemes/active_one/decide', { request: REQUEST })).body.route).toBe('bankco_eur');
    expect((await test.post('/v1/schemes/active_one/activate', { version: 9 })).status).toBe(404);
    const listed = await test.get('/v1/schemes');
    expect(listed.body.data.find((s: { name: string }) => s.name === 'active_one')).toEqual({ name: 'active_one', latest_version: 2, active_version: 2 });
  });

  it('answers 422 with each path for an invalid request, and decides with a given or the stored state', async () => {
    await test.post('/v1/schemes/stateful/versions', { source: SCHEME('stateful').replace('optimal acme_eur, bankco_eur\n  }', 'balance acme_eur, bankco_eur\n  }') });
    await test.post('/v1/schemes/stateful/activate', { version: 1 });
    const invalid = await test.post('/v1/schemes/stateful/decide', { request: { ...REQUEST, amount: 'ten', fields: { segment: 'gold' } } });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['/amount', '/fields/segment']);
    const unknown = await test.post('/v1/schemes/stateful/decide', { request: REQUEST });
    expect(unknown.body).toMatchObject({ status: 'failed', resolution: 'STRATEGY_CONFIGURED_ROUTES_WERE_FILTERED' });
    const given = await test.post('/v1/schemes/stateful/decide', { request: REQUEST, state: { routes: { bankco_eur: { balance: '500.00' } } } });
    expect(given.body.route).toBe('bankco_eur');
    expect((await test.put('/v1/routes/acme_eur', { balance: '900.00', currency: 'EUR' })).body).toMatchObject({ route: 'acme_eur', balance: '900.00', enabled: true, test_outcome: 'success' });
    await test.put('/v1/routes/bankco_eur', { balance: '100.00' });
    expect((await test.post('/v1/schemes/stateful/decide', { request: REQUEST })).body.route).toBe('acme_eur');
    await test.put('/v1/routes/acme_eur', { enabled: false });
    expect((await test.get('/v1/routes/acme_eur')).body).toMatchObject({ balance: '900.00', enabled: false });
    expect((await test.post('/v1/schemes/stateful/decide', { request: REQUEST })).body.status).toBe('failed');
    expect((await test.get('/v1/routes/never_set')).status).toBe(404);
  });

  it('adds the trace only with "trace": true, and answers the same decision otherwise', async () => {
    await test.post('/v1/schemes/traced/versions', { source: SCHEME('traced') });
    await test.post('/v1/schemes/traced/activate', { version: 1 });
    const state = { routes: { acme_eur: { balance: '500.00' }, bankco_eur: { balance: '500.00' } } };
    const bare = await test.post('/v1/schemes/traced/decide', { request: REQUEST, state });
    const explicit = await test.post('/v1/schemes/traced/decide', { request: REQUEST, state, trace: false });
    const traced = await test.post('/v1/schemes/traced/decide', { request: REQUEST, state, trace: true });
    expect(traced.body.trace.length).toBeGreaterThan(0);
    // Each decision has an id of its own; otherwise the answers are the same.
    const unnamed = ({ decision_id: id, ...rest }: Record<string, unknown>) => (expect(id).toMatch(/^[0-9a-f-]{36}$/), rest);
    expect(new Set([bare, explicit, traced].map((r) => r.body.decision_id)).size).toBe(3);
    expect(unnamed(explicit.body)).toEqual(unnamed(bare.body));
    expect(bare.status).toBe(200);
    expect(unnamed(bare.body)).toEqual({ ...unnamed(traced.body), trace: [] });
    expect(Object.keys(bare.body)).toEqual(Object.keys(traced.body));
    expect((await test.post('/v1/schemes/traced/decide', { request: REQUEST, trace: 'no' })).status).toBe(422);
  });

  it('keeps test and live data apart', async () => {
    await live.post('/v1/schemes/shared_name/versions', { source: SCHEME('shared_name').replace('mode test', 'mode live') });
    await test.post('/v1/schemes/shared_name/versions', { source: SCHEME('shared_name') });
    await test.post('/v1/schemes/shared_name/versions', { source: SCHEME('shared_name', '# v2\n') });
    expect((await live.get('/v1/schemes/shared_name/versions')).body.data).toHaveLength(1);
    expect((await test.get('/v1/schemes/shared_name/versions')).body.data).toHaveLength(2);
    expect((await live.get('/v1/schemes')).body.data.map((s: { name: string }) => s.name)).toEqual(['shared_name']);
    await test.put('/v1/routes/iso_route', { balance: '1.00' });
    expect((await live.get('/v1/routes/iso_route')).status).toBe(404);
    await test.post('/v1/payout-points', { id: 'pop_iso', currencies: ['EUR'], scheme: 'shared_name' });
    const crossed = await live.post('/v1/payout-gateway/payout-requests', {
      data: { type: 'payout-request', attributes: { point_amount: '1.00', point_id: 'pop_iso', point_currency: 'EUR', service: 'sepa_eur' } },
    });
    expect(crossed.status).toBe(422);
    expect((await live.get('/v1/payout-points/pop_iso')).status).toBe(404);
    expect((await live.get('/v1/payout-points')).body.data).toEqual([]);
  });

  it('reads back payout points and rate tables as they were stored, per mode', async () => {
    await test.post('/v1/payout-points', { id: 'pop_b', currencies: ['EUR', 'USD', 'EUR'], scheme: 'readback' });
    await test.post('/v1/payout-points', { id: 'pop_a', currencies: ['GBP'], scheme: 'readback' });
    expect((await test.get('/v1/payout-points/pop_b')).body).toEqual({ id: 'pop_b', currencies: ['EUR', 'USD'], scheme: 'readback' });
    const points = (await test.get('/v1/payout-points')).body.data as { id: string }[];
    expect(points.map((p) => p.id).filter((id) => id.startsWith('pop_') && id.length === 5)).toEqual(['pop_a', 'pop_b']);
    expect((await test.get('/v1/payout-points/pop_none')).status).toBe(404);

    await test.put('/v1/rates/readback_fx', { 'EUR/USD': '1.0850', 'GBP/EUR': '1.1500' });
    expect((await test.get('/v1/rates/readback_fx')).body).toEqual({ rate_scheme: 'readback_fx', rates: { 'EUR/USD': '1.0850', 'GBP/EUR': '1.1500' } });
    expect((await test.get('/v1/rates')).body.data).toContainEqual({ rate_scheme: 'readback_fx', rates: { 'EUR/USD': '1.0850', 'GBP/EUR': '1.1500' } });
    expect((await live.get('/v1/rates/readback_fx')).status).toBe(404);
    expect((await test.get('/v1/rates/no_such_table')).body.type).toMatch(/not-found$/);
  });

  it('stores rate tables and p2p pools that decisions use', async () => {
    const source = `scheme fx
mode test
rates daily_fx

route usd_out USD fee 1.00
route p2p_eur EUR p2p

service usd {
  optimal usd_out
}

service card {
  optimal p2p_eur
    p2p sort biggest
}
`;
    await test.post('/v1/schemes/fx/versions', { source });
    await test.post('/v1/schemes/fx/activate', { version: 1 });
    const req = { amount: '100.00', currency: 'EUR', service: 'usd' };
    expect((await test.post('/v1/schemes/fx/decide', { request: req })).body.status).toBe('failed');
    expect((await test.put('/v1/rates/daily_fx', { 'EUR/USD': '1.0850' })).status).toBe(200);
    expect((await test.put('/v1/rates/daily_fx', { 'EUR-USD': 'x' })).status).toBe(422);
    const fx = await test.post('/v1/schemes/fx/decide', { request: req });
    expect(fx.body.allocations[0]).toMatchObject({ route: 'usd_out', amount: '108.50', currency: 'USD' });
    const at = '2026-11-20T10:00:00Z';
    const pool = await test.post('/v1/routes/p2p_eur/p2p-payments', [
      { id: 'a', amount: '130.00', created_at: at, expires_at: '2027-01-01T00:00:00Z' },
      { id: 'b', amount: '140.00', created_at: at, expires_at: '2027-01-01T00:00:00Z' },
    ]);
    expect(pool.status).toBe(201);
    const p2p = await test.post('/v1/schemes/fx/decide', { request: { amount: '100.00', currency: 'EUR', service: 'card', created_at: '2026-11-21T00:00:00Z' } });
    expect(p2p.body.allocations[0].p2p).toEqual([{ id: 'b', amount: '100.00' }]);
  });

  it('answers every malformed call with a problem document', async () => {
    const notJson = await test.post('/v1/compile', '{nope');
    expect(notJson.status).toBe(400);
    expect(notJson.headers.get('content-type')).toContain('application/problem+json');
    const extra = await test.post('/v1/compile', { source: 'scheme x', sneaky: 1 });
    expect(extra.status).toBe(422);
    expect(extra.body.errors).toEqual([{ path: '/sneaky', message: 'is not a known property' }]);
    const huge = await test.post('/v1/compile', { source: 'x'.repeat(4 * 1024 * 1024 + 10) });
    expect(huge.status).toBe(413);
    expect((await test.get('/v1/nothing-here')).status).toBe(404);
    expect((await test.get('/v1/schemes/Bad-Name/versions')).status).toBe(404);
    expect((await test.get('/v1/schemes/x/versions/abc')).status).toBe(404);
  });
});

describe('edge guards', () => {
  const [backend] = backends();
  afterAll(() => backend!.cleanup());

  it('answers 429 with Retry-After past a key’s rate, per key, and sends security headers with a CSP', async () => {
    const service = await backend!.open({ rateLimit: { perSecond: 1, burst: 3 } });
    const a = await keyed(service, 'test');
    const b = await keyed(service, 'test');
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await a.get('/v1/schemes')).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const limited = await a.get('/v1/schemes');
    expect(limited.body.type).toMatch(/rate-limited$/);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await b.get('/v1/schemes')).status).toBe(200);
    const page = await service.app.request('/');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain('worker-src');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    // JSON answers, errors included, carry the REST set: nothing to render, frame or cache.
    for (const answer of [limited, await b.get('/v1/schemes')]) {
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('x-frame-options')).toBe('DENY');
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    }
  }, 30_000);
});

describe('the app served without bufferBodies (createService, served by the caller)', () => {
  const [backend] = backends();
  afterAll(() => backend!.cleanup());

  it('reads bodies from the Node stream: whole, chunked, and refused past 4 MiB', async () => {
    const service = await backend!.open();
    const key = (await keyed(service, 'test')).key;
    const server = serve({ fetch: service.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/compile`;
    const post = (body: BodyInit) => fetch(url, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body, duplex: 'half' } as RequestInit);
    try {
      expect(((await (await post(JSON.stringify({ source: 'scheme x\n' }))).json()) as { ok: boolean }).ok).toBe(true);
      const chunked = (text: string) => post(new Blob([text]).stream());
      expect(((await (await chunked(JSON.stringify({ source: 'scheme x\n' }))).json()) as { ok: boolean }).ok).toBe(true);
      expect((await chunked(JSON.stringify({ source: 'x'.repeat(5 << 20) }))).status).toBe(413);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }, 30_000);
});
