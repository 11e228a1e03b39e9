// Key isolation (issue 7): whatever test and live keys do, in any order, each mode sees exactly
// its own schemes, route state, rates, payout points and payout requests — a model check.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../server/start.js';
import { backends, keyed, type Client } from './support/service.js';

type Mode = 'test' | 'live';
type Op =
  | { kind: 'scheme'; mode: Mode; name: number }
  | { kind: 'route'; mode: Mode; name: number; balance: number }
  | { kind: 'payout'; mode: Mode; name: number };

const mode = fc.constantFrom<Mode>('test', 'live');
const name = fc.integer({ min: 0, max: 2 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('scheme' as const), mode, name }),
  fc.record({ kind: fc.constant('route' as const), mode, name, balance: fc.integer({ min: 0, max: 10_000 }) }),
  fc.record({ kind: fc.constant('payout' as const), mode, name }),
);

interface Model {
  schemes: Set<string>;
  routes: Map<string, number>;
  payouts: string[];
}

describe('test and live data never cross', () => {
  const [backend] = backends();
  let service: Service;
  let clients: Record<Mode, Client>;
  let run = 0;

  beforeAll(async () => {
    service = await backend!.open({ rateLimit: { perSecond: 1e9, burst: 1e9 } });
    clients = { test: await keyed(service, 'test'), live: await keyed(service, 'live') };
  }, 60_000);
  afterAll(() => backend!.cleanup());

  async function apply(o: Op, prefix: string, models: Record<Mode, Model>): Promise<void> {
    const api = clients[o.mode];
    const scheme = `${prefix}s${o.name}`;
    const route = `${prefix}r${o.name}_eur`;
    if (o.kind === 'scheme') {
      const source = `scheme ${scheme}\nmode ${o.mode}\nroute ${route} EUR\nservice s {\n  optimal ${route}\n}\n`;
      expect((await api.post(`/v1/schemes/${scheme}/versions`, { source })).status).toBeLessThan(300);
      await api.post(`/v1/schemes/${scheme}/activate`, { version: 1 });
      await api.post('/v1/payout-points', { id: `${prefix}p${o.name}`, currencies: ['EUR'], scheme });
      models[o.mode].schemes.add(scheme);
    } else if (o.kind === 'route') {
      await api.put(`/v1/routes/${route}`, { balance: `${o.balance}.00` });
      models[o.mode].routes.set(route, o.balance);
    } else {
      const res = await api.post('/v1/payout-gateway/payout-requests', {
        data: { type: 'payout-request', attributes: { point_amount: '1.00', point_id: `${prefix}p${o.name}`, point_currency: 'EUR', service: 's' } },
      });
      if (models[o.mode].schemes.has(scheme)) {
        expect(res.status).toBe(201);
        models[o.mode].payouts.push(res.body.data.id);
      } else expect(res.status).toBe(422);
    }
  }

  async function checkView(m: Mode, prefix: string, models: Record<Mode, Model>): Promise<void> {
    const api = clients[m];
    const listed = (await api.get('/v1/schemes')).body.data.map((s: { name: string }) => s.name).filter((n: string) => n.startsWith(prefix));
    expect(new Set(listed)).toEqual(models[m].schemes);
    for (const n of [0, 1, 2]) {
      const route = `${prefix}r${n}_eur`;
      const res = await api.get(`/v1/routes/${route}`);
      // A processed payout request creates the route's row in its own mode only.
      if (models[m].routes.has(route)) expect(Number(res.body.balance)).toBeLessThanOrEqual(models[m].routes.get(route)!);
      else if (res.status === 200) expect(res.body.balance).toBeNull();
    }
    const other: Mode = m === 'test' ? 'live' : 'test';
    for (const id of models[other].payouts) expect((await api.get(`/v1/payout-gateway/payout-requests/${id}`)).status).toBe(404);
    for (const id of models[m].payouts) expect((await api.get(`/v1/payout-gateway/payout-requests/${id}`)).status).toBe(200);
  }

  it('holds for generated sequences of operations by both modes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        const prefix = `i${run++}_`;
        const models: Record<Mode, Model> = { test: { schemes: new Set(), routes: new Map(), payouts: [] }, live: { schemes: new Set(), routes: new Map(), payouts: [] } };
        for (const o of ops) await apply(o, prefix, models);
        await checkView('test', prefix, models);
        await checkView('live', prefix, models);
      }),
      { seed: 20261123, numRuns: 40 },
    );
  }, 240_000);
});
