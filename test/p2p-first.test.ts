// `p2p first` (the gateway's "P2P firstly"): every strategy tries its p2p candidates before
// the others, each group in the strategy's own order — in the runtime and through the service.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile, decide } from '../index.js';
import type { Service } from '../server/start.js';
import { backends, keyed, type Client } from './support/service.js';

const scheme = (first: boolean) => `scheme pf
mode test
${first ? 'p2p first\n' : ''}
route bank_eur EUR fee 1.00
route cheap_eur EUR
route p2p_a EUR p2p
route p2p_b EUR p2p

service card {
  optimal bank_eur, p2p_a
}

service cheapest {
  cost bank_eur, cheap_eur, p2p_b, p2p_a
}
`;

const AT = '2026-11-20T10:00:00Z';
const pool = (ids: string[]) => ids.map((id) => ({ id, amount: '100.00', created_at: AT, expires_at: '2027-01-01T00:00:00Z' }));
const request = (service: string) => ({ amount: '100.00', currency: 'EUR', service, created_at: '2026-11-21T00:00:00Z' });

function route(first: boolean, service: string, state: Record<string, unknown>) {
  const d = decide(compile(scheme(first)).scheme!, request(service), state);
  return d.status === 'invalid' ? 'invalid' : d.route ?? d.resolution;
}

describe('p2p first in the runtime', () => {
  it('tries the p2p candidates before the others', () => {
    const state = { p2p: { p2p_a: pool(['t1']) } };
    expect(route(false, 'card', state)).toBe('bank_eur');
    expect(route(true, 'card', state)).toBe('p2p_a');
  });

  it('falls back to the others when no pool payment fits', () => {
    expect(route(true, 'card', { p2p: { p2p_a: [] } })).toBe('bank_eur');
  });

  it('keeps each group in the strategy’s own order (cost: cheapest first; ties to the earlier route)', () => {
    const both = { p2p: { p2p_a: pool(['a1']), p2p_b: pool(['b1']) } };
    expect(route(false, 'cheapest', both)).toBe('cheap_eur');
    expect(route(true, 'cheapest', both)).toBe('p2p_b');
    expect(route(true, 'cheapest', { p2p: { p2p_a: pool(['a1']) } })).toBe('p2p_a');
  });
});

describe.each(backends())('p2p first through the service on $name', (backend) => {
  let service: Service;
  let api: Client;

  beforeAll(async () => {
    service = await backend.open();
    api = await keyed(service, 'test');
    await api.post('/v1/schemes/pf/versions', { source: scheme(true) });
    await api.post('/v1/schemes/pf/activate', { version: 1 });
    await api.post('/v1/payout-points', { id: 'pop_pf', currencies: ['EUR'], scheme: 'pf' });
    await api.post('/v1/routes/p2p_a/p2p-payments', pool(['t1']));
  }, 60_000);
  afterAll(() => backend.cleanup());

  it('pays from the pool first, consumes the payment, then uses the bank route', async () => {
    const pay = () =>
      api.post('/v1/payout-gateway/payout-requests', {
        data: { type: 'payout-request', attributes: { point_amount: '100.00', point_id: 'pop_pf', point_currency: 'EUR', service: 'card' } },
      });
    const first = (await pay()).body.data.attributes;
    expect(first.status).toBe('processed');
    expect(first.payouts[0]).toMatchObject({ route: 'p2p_a', p2p: [{ id: 't1', amount: '100.00' }] });
    const second = (await pay()).body.data.attributes;
    expect(second.payouts[0].route).toBe('bank_eur');
  });
});
