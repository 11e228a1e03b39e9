// GET /metrics on a real socket: refused without the admin key or the metrics token, read by a
// strict parser of the text format, and its counters moving as decisions, batches and payouts
// happen; label values are names and patterns, never ids, and are bounded.
import { once } from 'node:events';
import { createServer } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics, NAME_LIMIT, OTHER, SET_LIMIT } from '../server/metrics.js';
import type { RunningService } from '../server/start.js';
import { parseExposition, total, type Exposition } from './support/prometheus.js';
import { ADMIN, backends, keyed } from './support/service.js';

const TOKEN = 'metrics-token-for-tests';

const SCHEME = `scheme counted
mode test

route acme_eur EUR fee 0.5%
route bankco_eur EUR fee 1.00

block sanctions when country in [KP]

service sepa {
  cost acme_eur, bankco_eur
}
`;

const REQUEST = { amount: '100.00', currency: 'EUR', service: 'sepa', country: 'DE' };

describe.each(backends())('/metrics on $name', (backend) => {
  let service: RunningService;
  let key: string;
  const call = async (method: string, path: string, body?: unknown, as = key) => {
    const res = await fetch(service.url + path, { method, headers: { authorization: `Bearer ${as}` }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    return { status: res.status, text, body: text.startsWith('{') ? JSON.parse(text) : undefined };
  };
  const scrape = async (): Promise<Exposition> => {
    const res = await fetch(`${service.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseExposition(await res.text());
  };

  beforeAll(async () => {
    service = await backend.serve({ metricsToken: TOKEN });
    key = (await keyed(service, 'test')).key;
    expect((await call('POST', '/v1/schemes/counted/versions', { source: SCHEME })).status).toBe(201);
    await call('POST', '/v1/schemes/counted/activate', { version: 1 });
    await call('POST', '/v1/payout-points', { id: 'pop_counted', currencies: ['EUR'], scheme: 'counted' });
    await call('PUT', '/v1/routes/acme_eur', { balance: '10000.00' });
  }, 60_000);
  afterAll(() => backend.cleanup());

  it('answers 401 without the admin key or the metrics token, and 200 with either', async () => {
    expect((await fetch(`${service.url}/metrics`)).status).toBe(401);
    const keyed = await call('GET', '/metrics');
    expect(keyed.status).toBe(401);
    expect(keyed.body.type).toMatch(/unauthorized$/);
    expect((await call('GET', '/metrics', undefined, 'not-the-token')).status).toBe(401);
    expect((await call('GET', '/metrics', undefined, ADMIN)).status).toBe(200);
    expect((await call('GET', '/metrics', undefined, TOKEN)).status).toBe(200);
  });

  it('parses as Prometheus text, every name sluice_, with the process metrics', async () => {
    const e = await scrape();
    expect([...e.types.keys()].filter((n) => !n.startsWith('sluice_'))).toEqual([]);
    for (const name of ['sluice_nodejs_eventloop_lag_seconds', 'sluice_nodejs_heap_size_used_bytes', 'sluice_process_resident_memory_bytes']) expect(e.types.has(name)).toBe(true);
    expect(e.types.get('sluice_decisions_total')).toBe('counter');
    expect(e.types.get('sluice_decision_duration_seconds')).toBe('histogram');
  });

  it('counts decisions by endpoint, scheme, version, status, resolution and route, and their latency', async () => {
    const before = await scrape();
    const routed = { endpoint: 'decide', mode: 'test', scheme: 'counted', version: '1', status: 'routed', route: 'acme_eur' };
    const blocked = { endpoint: 'decide', scheme: 'counted', status: 'blocked', route: '' };
    expect((await call('POST', '/v1/schemes/counted/decide', { request: REQUEST })).status).toBe(200);
    expect((await call('POST', '/v1/schemes/counted/decide', { request: REQUEST })).status).toBe(200);
    expect((await call('POST', '/v1/schemes/counted/decide', { request: { ...REQUEST, country: 'KP' } })).status).toBe(200);
    expect((await call('POST', '/v1/schemes/counted/decide', { request: { ...REQUEST, amount: 'ten' } })).status).toBe(422);
    const batch = await call('POST', '/v1/schemes/counted/decide-batch', { requests: [REQUEST, REQUEST, REQUEST, { nope: 1 }] });
    expect(batch.status).toBe(200);
    const after = await scrape();
    const moved = (name: string, labels: Record<string, string>) => total(after, name, labels) - total(before, name, labels);
    expect(moved('sluice_decisions_total', routed)).toBe(2);
    expect(moved('sluice_decisions_total', blocked)).toBe(1);
    expect(moved('sluice_decisions_total', { endpoint: 'decide', status: 'invalid' })).toBe(1);
    expect(moved('sluice_decisions_total', { ...routed, endpoint: 'decide-batch' })).toBe(3);
    expect(moved('sluice_decisions_total', { endpoint: 'decide-batch', status: 'invalid' })).toBe(1);
    expect(moved('sluice_decision_duration_seconds_count', { endpoint: 'decide', scheme: 'counted' })).toBe(4);
    expect(moved('sluice_decision_duration_seconds_count', { endpoint: 'decide-batch', scheme: 'counted' })).toBe(4);
    const decideHttp = { method: 'POST', endpoint: '/v1/schemes/:name/decide' };
    expect(moved('sluice_http_requests_total', { ...decideHttp, code: '200' })).toBe(3);
    expect(moved('sluice_http_requests_total', { ...decideHttp, code: '422' })).toBe(1);
    expect(moved('sluice_http_request_duration_seconds_count', decideHttp)).toBe(4);
  });

  it('counts payout requests, payouts and provider calls by status, and names endpoints by pattern, never by id', async () => {
    const before = await scrape();
    const made = await call('POST', '/v1/payout-gateway/payout-requests', {
      data: { type: 'payout-request', attributes: { point_amount: '25.00', point_id: 'pop_counted', point_currency: 'EUR', service: 'sepa', country: 'DE' } },
    });
    expect(made.status).toBe(201);
    const id: string = made.body.data.id;
    expect((await call('GET', `/v1/payout-gateway/payout-requests/${id}`)).status).toBe(200);
    const after = await scrape();
    const moved = (name: string, labels: Record<string, string>) => total(after, name, labels) - total(before, name, labels);
    expect(moved('sluice_payout_requests_total', { mode: 'test', status: 'processing' })).toBe(1);
    expect(moved('sluice_payout_requests_total', { mode: 'test', status: 'processed' })).toBe(1);
    expect(moved('sluice_payouts_total', { route: 'acme_eur', status: 'created' })).toBe(1);
    expect(moved('sluice_payouts_total', { route: 'acme_eur', status: 'succeeded' })).toBe(1);
    expect(moved('sluice_provider_requests_total', { route: 'acme_eur', operation: 'send', answer: 'succeeded' })).toBe(1);
    expect(moved('sluice_provider_request_duration_seconds_count', { route: 'acme_eur', operation: 'send' })).toBe(1);
    expect(moved('sluice_decisions_total', { endpoint: 'payout', scheme: 'counted', status: 'routed', route: 'acme_eur' })).toBe(1);
    expect(moved('sluice_http_requests_total', { method: 'GET', endpoint: '/v1/payout-gateway/payout-requests/:id', code: '200' })).toBe(1);
    const text = await (await fetch(`${service.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    expect(text).not.toContain(id);
    expect(text).not.toContain('25.00');
  });

  it('counts reservations refused, and merchant webhook deliveries', async () => {
    const received: string[] = [];
    const receiver = createServer((req, res) => {
      req.on('data', (c: Buffer) => received.push(c.toString()));
      req.on('end', () => res.end());
    }).listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    try {
      const before = await scrape();
      const hook = await call('POST', '/v1/webhook-endpoints', { url: `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks` });
      expect(hook.status).toBe(201);
      // More than the route holds: the payout operation's reservation is refused (409).
      const refused = await call('POST', '/v1/payout-gateway/payouts', { data: { type: 'payout', attributes: { route: 'acme_eur', amount: '999999.00', currency: 'EUR', point_id: 'pop_counted' } } });
      expect(refused.status).toBe(409);
      const paid = await call('POST', '/v1/payout-gateway/payouts', { data: { type: 'payout', attributes: { route: 'acme_eur', amount: '5.00', currency: 'EUR', point_id: 'pop_counted' } } });
      expect(paid.status).toBe(201);
      const end = Date.now() + 15_000;
      let after = await scrape();
      while (total(after, 'sluice_webhook_deliveries_total', { outcome: 'delivered' }) === total(before, 'sluice_webhook_deliveries_total', { outcome: 'delivered' }) && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 100));
        after = await scrape();
      }
      expect(total(after, 'sluice_reservation_conflicts_total', { mode: 'test', route: 'acme_eur' }) - total(before, 'sluice_reservation_conflicts_total', { mode: 'test', route: 'acme_eur' })).toBe(1);
      expect(total(after, 'sluice_webhook_deliveries_total', { outcome: 'delivered' }) - total(before, 'sluice_webhook_deliveries_total', { outcome: 'delivered' })).toBeGreaterThan(0);
      expect(received.length).toBeGreaterThan(0);
    } finally {
      receiver.close();
    }
  });

  it('counts a request to no route as unmatched, whatever its path', async () => {
    const before = await scrape();
    expect((await call('POST', '/v1/nothing/here/7c1d')).status).toBe(404);
    const after = await scrape();
    expect(total(after, 'sluice_http_requests_total', { endpoint: 'unmatched', code: '404' }) - total(before, 'sluice_http_requests_total', { endpoint: 'unmatched', code: '404' })).toBe(1);
  });
});

describe('label bounds', () => {
  const decision = (scheme: string, route: string) => ({ endpoint: 'decide' as const, mode: 'test', scheme, version: 1, status: 'routed', resolution: null, route, seconds: 0.001 });

  it(`keeps ${NAME_LIMIT} scheme names and counts the rest under "${OTHER}"`, async () => {
    const m = createMetrics();
    for (let i = 0; i < NAME_LIMIT + 50; i++) m.decision(decision(`s${i}`, 'r'));
    const e = parseExposition((await m.exposition()).text);
    const schemes = new Set(e.samples.filter((s) => s.name === 'sluice_decisions_total').map((s) => s.labels['scheme']));
    expect(schemes.size).toBe(NAME_LIMIT + 1);
    expect(total(e, 'sluice_decisions_total', { scheme: OTHER })).toBe(50);
    expect(total(e, 'sluice_decisions_total')).toBe(NAME_LIMIT + 50);
  });

  it(`keeps at most ${SET_LIMIT} label sets a metric, the rest with their names folded`, async () => {
    const m = createMetrics();
    // 150 schemes × 150 routes: every name within NAME_LIMIT, but 22,500 sets.
    for (let s = 0; s < 150; s++) for (let r = 0; r < 150; r++) m.decision(decision(`s${s}`, `r${r}`));
    const e = parseExposition((await m.exposition()).text);
    const sets = e.samples.filter((x) => x.name === 'sluice_decisions_total');
    expect(sets.length).toBeLessThanOrEqual(SET_LIMIT + 1);
    expect(total(e, 'sluice_decisions_total')).toBe(150 * 150);
    expect(total(e, 'sluice_decisions_total', { scheme: OTHER, route: OTHER, version: OTHER })).toBe(150 * 150 - SET_LIMIT);
  });
});

describe('metrics counted in process', () => {
  it('count each label set exactly, however decisions repeat and alternate (fast-check, seed 20261204)', async () => {
    const sample = fc.record({ scheme: fc.constantFrom('a', 'b'), route: fc.constantFrom('r1', 'r2', null), status: fc.constantFrom('routed', 'blocked'), times: fc.integer({ min: 1, max: 4 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(sample, { maxLength: 40 }), async (runs) => {
        const m = createMetrics();
        const expected = new Map<string, number>();
        for (const { scheme, route, status, times } of runs) {
          for (let i = 0; i < times; i++) m.decision({ endpoint: 'decide', mode: 'test', scheme, version: 1, status, resolution: null, route, seconds: 0.001 });
          const k = `${scheme} ${route ?? ''} ${status}`;
          expected.set(k, (expected.get(k) ?? 0) + times);
        }
        const e = parseExposition((await m.exposition()).text);
        for (const [k, n] of expected) {
          const [scheme, route, status] = k.split(' ') as [string, string, string];
          expect(total(e, 'sluice_decisions_total', { scheme, route, status })).toBe(n);
          expect(total(e, 'sluice_decision_duration_seconds_count', { scheme })).toBe([...expected].filter(([x]) => x.startsWith(`${scheme} `)).reduce((sum, [, c]) => sum + c, 0));
        }
        expect(total(e, 'sluice_decisions_total')).toBe(runs.reduce((sum, r) => sum + r.times, 0));
      }),
      { seed: 20261204, numRuns: 200 },
    );
  });
});
