// Payout requests (issue 4): failover with an event log, idempotency, atomic reservations under
// concurrency, and activation seen by a second instance on the same PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../server/start.js';
import { backends, Client, keyed } from './support/service.js';

const SCHEME = `scheme gw
mode test
attempts 3

route first_eur EUR fee 1.00
route second_eur EUR fee 1.00
route third_eur EUR fee 0.5%
route solo_eur EUR

service failover {
  optimal first_eur, second_eur, third_eur
}

service solo {
  balance solo_eur
}
`;

const payout = (amount: string, service: string) => ({
  data: { type: 'payout-request', attributes: { point_amount: amount, point_id: 'pop_gw', point_currency: 'EUR', service, test_mode: true } },
});

describe.each(backends())('payout gateway on $name', (backend) => {
  let service: Service;
  let api: Client;

  beforeAll(async () => {
    service = await backend.open();
    api = await keyed(service, 'test');
    expect((await api.post('/v1/schemes/gw/versions', { source: SCHEME })).status).toBe(201);
    await api.post('/v1/schemes/gw/activate', { version: 1 });
    expect((await api.post('/v1/payout-points', { id: 'pop_gw', currencies: ['EUR'], scheme: 'gw' })).status).toBe(201);
  }, 60_000);
  afterAll(() => backend.cleanup());

  it('fails over through two failing routes to a third, and the event log shows each step', async () => {
    await api.put('/v1/routes/first_eur', { test_outcome: 'fail:provider_timeout' });
    await api.put('/v1/routes/second_eur', { test_outcome: 'fail:insufficient_funds' });
    const created = await api.post('/v1/payout-gateway/payout-requests', payout('200.00', 'failover'));
    expect(created.status).toBe(201);
    const attrs = created.body.data.attributes;
    expect(created.body.data.type).toBe('payout-request');
    expect(attrs.status).toBe('processed');
    expect(attrs.payouts.map((p: { route: string; status: string; error: string | null }) => [p.route, p.status, p.error])).toEqual([
      ['first_eur', 'failed', 'provider_timeout'],
      ['second_eur', 'failed', 'insufficient_funds'],
      ['third_eur', 'succeeded', null],
    ]);
    expect(attrs.payouts[2]).toMatchObject({ amount: '200.00', currency: 'EUR', fee: '1.00', attempt: 3 });
    const got = await api.get(`/v1/payout-gateway/payout-requests/${created.body.data.id}`);
    const events = got.body.data.attributes.events as { type: string; attempt?: number; exclude?: string[]; last_error?: string; decision?: { route: string; trace: unknown[] } }[];
    expect(events.map((e) => e.type)).toEqual([
      'decision', 'payout_created', 'provider_answer', 'failover',
      'decision', 'payout_created', 'provider_answer', 'failover',
      'decision', 'payout_created', 'provider_answer', 'final_status',
    ]);
    const decisions = events.filter((e) => e.type === 'decision');
    expect(decisions.map((d) => [d.attempt, d.exclude, d.decision!.route])).toEqual([
      [1, [], 'first_eur'],
      [2, ['first_eur'], 'second_eur'],
      [3, ['first_eur', 'second_eur'], 'third_eur'],
    ]);
    expect(decisions[0]!.decision!.trace.length).toBeGreaterThan(0);
    expect(events.filter((e) => e.type === 'failover').map((e) => e.last_error)).toEqual(['provider_timeout', 'insufficient_funds']);
  });

  it('fails with ATTEMPTS_EXHAUSTED when every attempt fails', async () => {
    await api.put('/v1/routes/third_eur', { test_outcome: 'fail:rejected' });
    const created = await api.post('/v1/payout-gateway/payout-requests', payout('10.00', 'failover'));
    expect(created.body.data.attributes).toMatchObject({ status: 'failed', resolution: 'ATTEMPTS_EXHAUSTED' });
    expect(created.body.data.attributes.payouts).toHaveLength(3);
    await api.put('/v1/routes/third_eur', { test_outcome: 'success' });
  });

  it('returns the first result for a repeated Idempotency-Key, never a second payout', async () => {
    await api.put('/v1/routes/solo_eur', { balance: '1000.00' });
    const headers = { 'idempotency-key': 'order-42' };
    const first = await api.post('/v1/payout-gateway/payout-requests', payout('100.00', 'solo'), headers);
    const again = await api.post('/v1/payout-gateway/payout-requests', payout('100.00', 'solo'), headers);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.data.id).toBe(first.body.data.id);
    expect(again.body.data.attributes.payouts).toEqual(first.body.data.attributes.payouts);
    expect((await api.get('/v1/routes/solo_eur')).body.balance).toBe('900.00');
  });

  it('processes exactly 20 of 50 concurrent payouts against a balance that covers 20, and the balance is exact', async () => {
    await api.put('/v1/routes/solo_eur', { balance: '2000.00' });
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => api.post('/v1/payout-gateway/payout-requests', payout('100.00', 'solo'), { 'idempotency-key': `burst-${i}` })));
    const statuses = results.map((r) => r.body.data.attributes.status);
    expect(statuses.filter((s) => s === 'processed')).toHaveLength(20);
    expect(statuses.filter((s) => s === 'failed')).toHaveLength(30);
    const route = (await api.get('/v1/routes/solo_eur')).body;
    expect(Number(route.balance)).toBe(0);
    expect(route.balance).toMatch(/^0(\.0+)?$/);
  }, 60_000);

  it('refuses a payout to an unknown point, a currency the point does not take, or an invalid body', async () => {
    const unknown = await api.post('/v1/payout-gateway/payout-requests', { data: { type: 'payout-request', attributes: { ...payout('1.00', 'solo').data.attributes, point_id: 'nope' } } });
    expect(unknown.status).toBe(422);
    const usd = await api.post('/v1/payout-gateway/payout-requests', { data: { type: 'payout-request', attributes: { ...payout('1.00', 'solo').data.attributes, point_currency: 'USD' } } });
    expect(usd.body.type).toMatch(/unknown-currency$/);
    const bad = await api.post('/v1/payout-gateway/payout-requests', { data: { type: 'payout', attributes: {} } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toContain('/data/attributes/point_amount');
  });
});

const postgres = backends().find((b) => b.name === 'PostgreSQL');

describe.runIf(postgres)('two instances on one PostgreSQL', () => {
  afterAll(() => postgres!.cleanup());

  it('sees an activation made on the other instance at the next decision', async () => {
    const a = await postgres!.open();
    const b = await postgres!.open();
    const onA = await keyed(a, 'test');
    const onB = new Client(b, onA.key);
    const source = (route: string) => `scheme twin\nmode test\nroute one_eur EUR\nroute two_eur EUR\nservice s {\n  optimal ${route}\n}\n`;
    await onA.post('/v1/schemes/twin/versions', { source: source('one_eur') });
    await onA.post('/v1/schemes/twin/versions', { source: source('two_eur') });
    await onA.post('/v1/schemes/twin/activate', { version: 1 });
    const request = { request: { amount: '1.00', currency: 'EUR', service: 's' } };
    expect((await onB.post('/v1/schemes/twin/decide', request)).body.route).toBe('one_eur');
    await onA.post('/v1/schemes/twin/activate', { version: 2 });
    const deadline = Date.now() + 5_000;
    let route = '';
    while (Date.now() < deadline && route !== 'two_eur') {
      route = (await onB.post('/v1/schemes/twin/decide', request)).body.route;
      if (route !== 'two_eur') await new Promise((r) => setTimeout(r, 20));
    }
    expect(route).toBe('two_eur');
  }, 60_000);

  it('sees stored state written on the other instance (route state, rates, a payout) at a later decision', async () => {
    const a = await postgres!.open();
    const b = await postgres!.open();
    const onA = await keyed(a, 'test');
    const onB = new Client(b, onA.key);
    await onA.post('/v1/schemes/pair/versions', { source: 'scheme pair\nmode test\nroute one_eur EUR\nroute two_eur EUR\nservice s {\n  balance one_eur, two_eur\n}\n' });
    await onA.post('/v1/schemes/pair/activate', { version: 1 });
    await onA.put('/v1/routes/one_eur', { balance: '100.00' });
    await onA.put('/v1/routes/two_eur', { balance: '50.00' });
    const request = { request: { amount: '10.00', currency: 'EUR', service: 's' } };
    const routeOnB = async () => (await onB.post('/v1/schemes/pair/decide', request)).body.route as string;
    const eventually = async (want: string) => {
      const deadline = Date.now() + 5_000;
      let route = await routeOnB();
      while (Date.now() < deadline && route !== want) {
        await new Promise((r) => setTimeout(r, 20));
        route = await routeOnB();
      }
      return route;
    };
    expect(await routeOnB()).toBe('one_eur');
    await onA.put('/v1/routes/two_eur', { balance: '500.00' });
    expect(await eventually('two_eur')).toBe('two_eur');
    await onA.post('/v1/payout-points', { id: 'pop_pair', currencies: ['EUR'], scheme: 'pair' });
    await onA.put('/v1/routes/one_eur', { balance: '505.00' });
    expect(await eventually('one_eur')).toBe('one_eur');
    const paid = await onA.post('/v1/payout-gateway/payout-requests', {
      data: { type: 'payout-request', attributes: { point_amount: '10.00', point_id: 'pop_pair', point_currency: 'EUR', service: 's' } },
    });
    expect(paid.body.data.attributes.status).toBe('processed');
    expect(await eventually('two_eur')).toBe('two_eur');
  }, 60_000);
});

describe.each(backends())('payout request list on $name', (backend) => {
  let api: Client;

  beforeAll(async () => {
    const service = await backend.open();
    api = await keyed(service, 'test');
    await api.post('/v1/schemes/gw/versions', { source: SCHEME });
    await api.post('/v1/schemes/gw/activate', { version: 1 });
    await api.post('/v1/payout-points', { id: 'pop_gw', currencies: ['EUR'], scheme: 'gw' });
    await api.post('/v1/payout-points', { id: 'pop_other', currencies: ['EUR'], scheme: 'gw' });
    await api.put('/v1/routes/solo_eur', { balance: '250.00' });
    for (let i = 0; i < 5; i++) await api.post('/v1/payout-gateway/payout-requests', payout('100.00', 'solo'));
    const other = payout('1.00', 'failover');
    other.data.attributes.point_id = 'pop_other';
    await api.post('/v1/payout-gateway/payout-requests', other);
  }, 60_000);
  afterAll(() => backend.cleanup());

  it('lists newest first, filters by status, service, point and date, and pages with a cursor', async () => {
    const all = await api.get('/v1/payout-gateway/payout-requests');
    const rows = all.body.data as { id: string; attributes: { status: string; service: string; point_id: string; created_at: string; payouts: unknown[] } }[];
    expect(rows).toHaveLength(6);
    expect(rows[0]!.attributes.point_id).toBe('pop_other');
    const times = rows.map((r) => r.attributes.created_at);
    expect([...times].sort().reverse()).toEqual(times);
    expect(all.body.meta.next_cursor).toBeNull();
    expect((await api.get('/v1/payout-gateway/payout-requests?status=processed')).body.data).toHaveLength(3);
    expect((await api.get('/v1/payout-gateway/payout-requests?status=failed&service=solo')).body.data).toHaveLength(3);
    expect((await api.get('/v1/payout-gateway/payout-requests?status=processed&service=solo')).body.data).toHaveLength(2);
    expect((await api.get('/v1/payout-gateway/payout-requests?point_id=pop_other')).body.data).toHaveLength(1);
    expect((await api.get(`/v1/payout-gateway/payout-requests?to=${encodeURIComponent(times[5]!)}`)).body.data).toHaveLength(0);
    expect((await api.get(`/v1/payout-gateway/payout-requests?from=${encodeURIComponent(times[1]!)}`)).body.data).toHaveLength(2);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: { id: string }[]; meta: { next_cursor: string | null } } } = await api.get(`/v1/payout-gateway/payout-requests?limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.body.data.map((r) => r.id));
      cursor = page.body.meta.next_cursor;
    } while (cursor);
    expect(seen).toEqual(rows.map((r) => r.id));
    expect((await api.get('/v1/payout-gateway/payout-requests?cursor=bogus')).status).toBe(400);
    expect((await api.get('/v1/payout-gateway/payout-requests?limit=0')).status).toBe(400);
  });
});

describe.each(backends())('partial processing on $name', (backend) => {
  let api: Client;
  const source = `scheme part
mode test
attempts 3

route half_eur EUR fee 1% + 0.10
route rest_eur EUR fee 0.50
route usd_part USD fee 1%

service split_pay {
  optimal half_eur, rest_eur
}

service fx_pay {
  optimal usd_part, rest_eur
}
`;
  const pay = (amount: string, service: string) => ({ data: { type: 'payout-request', attributes: { point_amount: amount, point_id: 'pop_part', point_currency: 'EUR', service } } });

  beforeAll(async () => {
    const service = await backend.open();
    api = await keyed(service, 'test');
    await api.post('/v1/schemes/part/versions', { source });
    await api.post('/v1/schemes/part/activate', { version: 1 });
    await api.post('/v1/payout-points', { id: 'pop_part', currencies: ['EUR'], scheme: 'part' });
    await api.put('/v1/rates/default', { 'EUR/USD': '1.25' });
  }, 60_000);
  afterAll(() => backend.cleanup());

  it('pays the rest as a further payout, with exact amounts, fees and balances', async () => {
    await api.put('/v1/routes/half_eur', { balance: '1000.00', test_outcome: 'partial:40.00' });
    await api.put('/v1/routes/rest_eur', { balance: '1000.00' });
    const res = await api.post('/v1/payout-gateway/payout-requests', pay('100.00', 'split_pay'));
    const a = res.body.data.attributes;
    expect(a.status).toBe('processed');
    expect(a.processed_amount).toBe('100.00');
    expect(a.payouts.map((p: Record<string, unknown>) => [p.route, p.amount, p.fee, p.request_amount, p.status, p.error, p.attempt])).toEqual([
      ['half_eur', '40.00', '0.50', '40.00', 'succeeded', 'partially_processed', 1],
      ['rest_eur', '60.00', '0.50', '60.00', 'succeeded', null, 2],
    ]);
    expect((await api.get('/v1/routes/half_eur')).body).toMatchObject({ balance: '959.50', daily_used: '40.00' });
    expect((await api.get('/v1/routes/rest_eur')).body).toMatchObject({ balance: '939.50', daily_used: '60.00' });
  });

  it('fails when attempts run out, stating what was processed', async () => {
    await api.put('/v1/routes/rest_eur', { test_outcome: 'partial:10.00' });
    const res = await api.post('/v1/payout-gateway/payout-requests', pay('100.00', 'split_pay'));
    const a = res.body.data.attributes;
    expect(a.status).toBe('failed');
    expect(a.resolution).toBe('STRATEGY_CONFIGURED_ROUTES_WERE_FILTERED');
    expect(a.processed_amount).toBe('50.00');
    await api.put('/v1/routes/rest_eur', { test_outcome: 'success' });
  });

  it('shrinks the request piece in proportion across currencies, rounded once', async () => {
    await api.put('/v1/routes/usd_part', { balance: '1000.00', test_outcome: 'partial:50.00' });
    const res = await api.post('/v1/payout-gateway/payout-requests', pay('100.00', 'fx_pay'));
    const a = res.body.data.attributes;
    expect(a.payouts[0]).toMatchObject({ route: 'usd_part', amount: '50.00', currency: 'USD', fee: '0.50', request_amount: '40.00' });
    expect(a.payouts[1]).toMatchObject({ route: 'rest_eur', amount: '60.00', request_amount: '60.00' });
    expect(a.processed_amount).toBe('100.00');
    expect((await api.get('/v1/routes/usd_part')).body.balance).toBe('949.50');
  });
});
