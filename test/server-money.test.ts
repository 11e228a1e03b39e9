// Money through the service (issue 13): stored state the runtime would reject is refused at
// write time, a payout request never answers an error and is paid later, nothing is paid for a
// debit or a provider payment of 0.00, numbers are read as sent, an Idempotency-Key is bound to
// its body, and the key's mode decides test or live.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../server/start.js';
import { backends, Client, keyed } from './support/service.js';

const SCHEME = `scheme money
mode test
attempts 2

route tiny_usd USD fee 1.00
route fee_eur EUR fee 1.00
route plain_eur EUR

service tiny {
  optimal tiny_usd
}

service paid {
  optimal fee_eur, plain_eur
}
`;

const LEGACY = `scheme legacy
mode test
rates legacy
route legacy_usd USD

service any {
  optimal legacy_usd
}
`;

const attributes = (service: string, amount: unknown, point = 'pop_money') => ({ point_amount: amount, point_id: point, point_currency: 'EUR', service });
const payout = (service: string, amount: unknown, point = 'pop_money') => ({ data: { type: 'payout-request', attributes: attributes(service, amount, point) } });

describe.each(backends())('money through the service on $name', (backend) => {
  let service: Service;
  let api: Client;

  beforeAll(async () => {
    service = await backend.open();
    api = await keyed(service, 'test');
    for (const [name, source] of [['money', SCHEME], ['legacy', LEGACY]] as const) {
      expect((await api.post(`/v1/schemes/${name}/versions`, { source })).status).toBe(201);
      expect((await api.post(`/v1/schemes/${name}/activate`, { version: 1 })).status).toBe(200);
    }
    expect((await api.post('/v1/payout-points', { id: 'pop_money', currencies: ['EUR'], scheme: 'money' })).status).toBe(201);
    expect((await api.post('/v1/payout-points', { id: 'pop_legacy', currencies: ['EUR'], scheme: 'legacy' })).status).toBe(201);
    expect((await api.put('/v1/rates/default', { 'EUR/USD': '0.0001' })).status).toBe(200);
  }, 60_000);
  afterAll(() => backend.cleanup());

  describe('stored state is checked by the runtime at write time', () => {
    it('refuses a rate table the runtime would reject, naming each bad pair, and keeps the stored one', async () => {
      const res = await api.put('/v1/rates/default', { 'EUR/USD': '0', 'EUR/GBP': '00', 'EUR/EUR': '2', 'EUR/XYZ': '1.1', 'EUR/SEK': '11.5' });
      expect(res.status).toBe(422);
      expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['/EUR~1EUR', '/EUR~1GBP', '/EUR~1USD', '/EUR~1XYZ']);
      expect((await api.get('/v1/rates/default')).body.rates).toEqual({ 'EUR/USD': '0.0001' });
      // A currency's rate to itself is 1, and harmless.
      expect((await api.put('/v1/rates/other', { 'EUR/EUR': '1.00', 'EUR/SEK': '11.5' })).status).toBe(200);
    });

    it('refuses route state and pool payments the runtime would reject', async () => {
      const balance = await api.put('/v1/routes/plain_eur', '{"balance": 1e21}');
      expect(balance.status).toBe(422);
      expect(balance.body.errors).toEqual([{ path: '/balance', message: expect.stringContaining('plain decimal') }]);
      const currency = await api.put('/v1/routes/plain_eur', { currency: 'XYZ' });
      expect(currency.status).toBe(422);
      expect(currency.body.errors).toEqual([{ path: '/currency', message: expect.any(String) }]);
      const pool = await api.post('/v1/routes/plain_eur/p2p-payments', '[{"id": "p1", "amount": 1e-7, "created_at": "2026-01-01T00:00:00Z", "expires_at": "2027-01-01T00:00:00Z"}]');
      expect(pool.status).toBe(422);
      expect(pool.body.errors).toEqual([{ path: '/0/amount', message: expect.any(String) }]);
    });

    it('a payout request whose stored state cannot be read ends failed, with a resolution, never processing', async () => {
      // A table stored before write-time checks existed.
      await service.store.db.insertInto('rates').values({ mode: 'test', rate_scheme: 'legacy', rates: JSON.stringify({ 'EUR/USD': '0' }) }).execute();
      const res = await api.post('/v1/payout-gateway/payout-requests', payout('any', '10.00', 'pop_legacy'), { 'idempotency-key': 'legacy-1' });
      expect(res.status).toBe(201);
      expect(res.body.data.attributes).toMatchObject({ status: 'failed', resolution: 'PROCESSING_ERROR', payouts: [] });
      const got = await api.get(`/v1/payout-gateway/payout-requests/${res.body.data.id}`);
      expect(got.body.data.attributes.events.map((e: { type: string }) => e.type)).toEqual(['error', 'final_status']);
      expect(got.body.data.attributes.events[0].message).toContain('stored state is unreadable');
      // Recovery only resumes `processing` requests: none is left behind.
      const processing = await service.store.db.selectFrom('payout_requests').select('id').where('status', '=', 'processing').execute();
      expect(processing).toEqual([]);
    });
  });

  describe('nothing is paid for 0.00', () => {
    it('never routes a payout whose debit rounds to 0.00', async () => {
      const res = await api.post('/v1/payout-gateway/payout-requests', payout('tiny', '1.00'));
      expect(res.body.data.attributes).toMatchObject({ status: 'failed', resolution: 'STRATEGY_CONFIGURED_ROUTES_WERE_FILTERED', payouts: [] });
    });

    it('a provider that paid 0.00 failed: no fee is taken and the request fails over', async () => {
      await api.put('/v1/routes/fee_eur', { balance: '100.00', test_outcome: 'partial:0' });
      const res = await api.post('/v1/payout-gateway/payout-requests', payout('paid', '10.00'));
      const attrs = res.body.data.attributes;
      expect(attrs.status).toBe('processed');
      expect(attrs.payouts.map((p: { route: string; status: string; error: string | null }) => [p.route, p.status, p.error])).toEqual([
        ['fee_eur', 'failed', 'nothing_processed'],
        ['plain_eur', 'succeeded', null],
      ]);
      expect((await api.get('/v1/routes/fee_eur')).body).toMatchObject({ balance: '100.00', daily_used: '0.00' });
      await api.put('/v1/routes/fee_eur', { test_outcome: 'success' });
    });
  });

  describe('numbers are read as they were sent', () => {
    it('refuses a JSON number the body text holds more exactly than a double, with its path', async () => {
      const raw = '{"data": {"type": "payout-request", "attributes": {"point_amount": 90071992547409.93, "point_id": "pop_money", "point_currency": "EUR", "service": "paid"}}}';
      const res = await api.post('/v1/payout-gateway/payout-requests', raw);
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([{ path: '/data/attributes/point_amount', message: expect.stringContaining('90071992547409.93') }]);
      const decide = await api.post('/v1/schemes/money/decide', '{"request": {"amount": 100.0000000000000001, "currency": "EUR", "service": "paid"}}');
      expect(decide.status).toBe(422);
      expect(decide.body.errors[0].path).toBe('/request/amount');
    });

    it('pays the same amount sent as a string, to the cent', async () => {
      const res = await api.post('/v1/payout-gateway/payout-requests', payout('paid', '90071992547409.93'));
      expect(res.body.data.attributes.status).toBe('processed');
      expect(res.body.data.attributes.payouts.map((p: { amount: string }) => p.amount)).toEqual(['90071992547409.93']);
    });

    it('refuses a number amount of more than 15 significant digits even when a double holds it', async () => {
      // 9007199254740.992 is exactly a double's value, yet a caller's 9007199254740.993 becomes it too.
      const res = await api.post('/v1/payout-gateway/payout-requests', payout('paid', 1234567890123.456));
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([{ path: '/amount', message: expect.stringContaining('15 significant digits') }]);
      expect((await api.post('/v1/payout-gateway/payout-requests', payout('paid', 12345.5))).body.data.attributes.status).toBe('processed');
    });
  });

  describe('Idempotency-Key', () => {
    it('replays the first answer for the same body, however its keys are ordered', async () => {
      const first = await api.post('/v1/payout-gateway/payout-requests', payout('paid', '5.00'), { 'idempotency-key': 'same-body' });
      const reordered = JSON.stringify({ data: { attributes: { service: 'paid', point_currency: 'EUR', point_id: 'pop_money', point_amount: '5.00' }, type: 'payout-request' } });
      const again = await api.post('/v1/payout-gateway/payout-requests', reordered, { 'idempotency-key': 'same-body' });
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body.data.id).toBe(first.body.data.id);
    });

    it('refuses a used key with a different body: 422 idempotency-key-reused, and nothing new is paid', async () => {
      const first = await api.post('/v1/payout-gateway/payout-requests', payout('paid', '6.00'), { 'idempotency-key': 'other-body' });
      const other = await api.post('/v1/payout-gateway/payout-requests', payout('paid', '600.00'), { 'idempotency-key': 'other-body' });
      expect(other.status).toBe(422);
      expect(other.body.type).toBe('https://sluice.dev/problems/idempotency-key-reused');
      const rows = await service.store.db.selectFrom('payout_requests').select('id').where('idempotency_key', '=', 'other-body').execute();
      expect(rows).toEqual([{ id: first.body.data.id }]);
    });
  });

  describe("the key's mode decides test or live", () => {
    it('refuses test_mode: true from a live key and test_mode: false from a test key', async () => {
      const live = await keyed(service, 'live');
      const fromLive = await live.post('/v1/payout-gateway/payout-requests', { data: { type: 'payout-request', attributes: { ...attributes('paid', '1.00'), test_mode: true } } });
      expect(fromLive.status).toBe(422);
      expect(fromLive.body.errors).toEqual([{ path: '/data/attributes/test_mode', message: expect.stringContaining('live key') }]);
      const fromTest = await api.post('/v1/payout-gateway/payout-requests', { data: { type: 'payout-request', attributes: { ...attributes('paid', '1.00'), test_mode: false } } });
      expect(fromTest.status).toBe(422);
      const agreeing = await api.post('/v1/payout-gateway/payout-requests', { data: { type: 'payout-request', attributes: { ...attributes('paid', '1.00'), test_mode: true } } });
      expect(agreeing.body.data.attributes.status).toBe('processed');
    });
  });
});
