// Property (issue 13): whatever rate tables and route states the API accepts, every decide and
// every payout request on them answers a 2xx or a 4xx, never a 500, and no payout request is
// left `processing`. Stored state the runtime could not read is refused at write time.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../server/start.js';
import { backends, keyed, type Client } from './support/service.js';

const SEED = 20261125;

const SCHEME = `scheme prop
mode test
base EUR
attempts 3

route eur_a EUR fee 0.5% + 0.10 max 1000 daily 5000
route eur_b EUR fee 1.00 min 0.50
route usd_a USD markup 1% max 2000
route jpy_a JPY fee 30
route kwd_a KWD fee 0.005 min 0.010 max 500
route gbp_a GBP

service fixed {
  optimal eur_a, usd_a, jpy_a, kwd_a
}

service costly {
  cost usd_a, jpy_a, gbp_a, eur_b
}

service balanced {
  balance eur_a, usd_a, kwd_a split
}

service splitting {
  weight eur_a 30%, jpy_a 30%, gbp_a 40% split
}
`;

const ROUTES = ['eur_a', 'eur_b', 'usd_a', 'jpy_a', 'kwd_a', 'gbp_a'];
const CODES = ['EUR', 'USD', 'JPY', 'KWD', 'GBP', 'XYZ'];
const SERVICES = ['fixed', 'costly', 'balanced', 'splitting'];

/** Decimal text from tiny to huge, with the hostile ones of issue 13 among them. */
const decimalText = fc.oneof(
  fc.constantFrom('0', '00', '0.0', '1', '1.00', '0.000000000000000001', '999999999999999999.999999999999999999', '0.0001', '160.25', '1.0850'),
  fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.integer({ min: 0, max: 8 })).map(([n, s]) => {
    const t = n.toString().padStart(s + 1, '0');
    return s === 0 ? t : `${t.slice(0, -s)}.${t.slice(-s)}`;
  }),
);

const rateTable = fc.dictionary(
  fc.tuple(fc.constantFrom(...CODES), fc.constantFrom(...CODES)).map(([a, b]) => `${a}/${b}`),
  decimalText,
  { maxKeys: 8 },
);

const routeState = fc.record(
  {
    balance: fc.oneof(fc.constant(null), decimalText, fc.double({ min: 0, max: 1e25, noNaN: true })),
    currency: fc.constantFrom(...CODES),
    enabled: fc.boolean(),
    test_outcome: fc.oneof(
      fc.constant('success'),
      fc.constantFrom('fail:declined', 'partial:0', 'partial:0.001', 'partial:5'),
      decimalText.filter((t) => /^\d{1,15}(\.\d{1,6})?$/.test(t)).map((t) => `partial:${t}`),
    ),
  },
  { requiredKeys: [] },
);

/** Amounts as strings and as numbers: small, huge, too precise, zero. */
const amount = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 500_000 }).map((cents) => (cents / 100).toFixed(2)), weight: 3 },
  decimalText, fc.double({ min: 0, max: 1e16, noNaN: true }), fc.constantFrom(0.001, 90071992547409.93, 1e21, '1e3'),
);

const call = fc.record({ service: fc.constantFrom(...SERVICES), amount, currency: fc.constantFrom('EUR', 'USD', 'JPY', 'KWD'), payout: fc.boolean() });

const input = fc.record({
  rates: rateTable,
  routes: fc.dictionary(fc.constantFrom(...ROUTES), routeState, { maxKeys: 4 }),
  calls: fc.array(call, { minLength: 1, maxLength: 5 }),
});

type Input = { rates: Record<string, string>; routes: Record<string, Record<string, unknown>>; calls: { service: string; amount: unknown; currency: string; payout: boolean }[] };

describe.each(backends())('stored state the API accepts never makes a 500, on $name', (backend) => {
  let service: Service;
  let api: Client;

  beforeAll(async () => {
    service = await backend.open();
    api = await keyed(service, 'test');
    const created = await api.post('/v1/schemes/prop/versions', { source: SCHEME });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await api.post('/v1/schemes/prop/activate', { version: 1 })).status).toBe(200);
    expect((await api.post('/v1/payout-points', { id: 'pop_prop', currencies: ['EUR', 'USD', 'JPY', 'KWD'], scheme: 'prop' })).status).toBe(201);
  }, 60_000);
  afterAll(() => backend.cleanup());

  it('every decide and payout request answers 2xx or 4xx, and every payout request ends', async () => {
    const statuses = new Map<string, number>();
    const count = (what: string) => statuses.set(what, (statuses.get(what) ?? 0) + 1);
    await fc.assert(
      fc.asyncProperty(input, async ({ rates, routes, calls }: Input) => {
        const put = await api.put('/v1/rates/default', rates);
        expect(put.status, JSON.stringify(put.body)).toBeLessThan(500);
        count(`rates ${put.status}`);
        for (const [route, state] of Object.entries(routes)) {
          const res = await api.put(`/v1/routes/${route}`, state);
          expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
          count(`route ${res.status}`);
        }
        for (const c of calls) {
          const request = { amount: c.amount, currency: c.currency, service: c.service };
          const res = c.payout
            ? await api.post('/v1/payout-gateway/payout-requests', {
                data: { type: 'payout-request', attributes: { point_amount: c.amount, point_id: 'pop_prop', point_currency: c.currency, service: c.service } },
              })
            : await api.post('/v1/schemes/prop/decide', { request, trace: false });
          expect(res.status, `${JSON.stringify(c)} → ${JSON.stringify(res.body)}`).toBeLessThan(500);
          if (c.payout && res.status === 201) {
            expect(res.body.data.attributes.status).not.toBe('processing');
            count(`payout ${res.body.data.attributes.status}`);
          } else count(`${c.payout ? 'payout' : 'decide'} ${res.status}${res.status === 200 ? ` ${res.body.status}` : ''}`);
        }
      }),
      { seed: SEED, numRuns: backend.name === 'PGlite' ? 40 : 15, endOnFailure: true },
    );
    // The inputs must reach every outcome, or the property proves little.
    const seen = [...statuses.keys()].join(', ');
    for (const outcome of ['rates 200', 'rates 422', 'route 200', 'route 422', 'payout processed', 'payout failed', 'payout 422', 'decide 200 routed', 'decide 422']) {
      expect(statuses.has(outcome), `${outcome} not seen in: ${seen}`).toBe(true);
    }
  }, 300_000);
});
