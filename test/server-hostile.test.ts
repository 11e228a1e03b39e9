// Hostile HTTP input (issues 7 and 13): thousands of generated bodies, paths and list queries
// against every route, on PGlite and on PostgreSQL (which refuses U+0000 in text). Each answer is
// a 2xx or a 4xx problem document — never a 500 — and the service keeps serving.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../server/start.js';
import { ADMIN, backends, keyed, type Client } from './support/service.js';

const SEED = { seed: 20261123, numRuns: 1500 };

const ROUTES: [method: string, path: string][] = [
  ['POST', '/v1/api-keys'],
  ['DELETE', '/v1/api-keys/x'],
  ['POST', '/v1/compile'],
  ['GET', '/v1/schemes'],
  ['POST', '/v1/schemes/hostile/versions'],
  ['GET', '/v1/schemes/hostile/versions'],
  ['GET', '/v1/schemes/hostile/versions/1'],
  ['POST', '/v1/schemes/hostile/activate'],
  ['POST', '/v1/schemes/hostile/decide'],
  ['PUT', '/v1/routes/r_eur'],
  ['GET', '/v1/routes/r_eur'],
  ['POST', '/v1/routes/p2p_eur/p2p-payments'],
  ['PUT', '/v1/rates/fx'],
  ['POST', '/v1/payout-points'],
  ['POST', '/v1/payout-gateway/payout-requests'],
  ['GET', '/v1/payout-gateway/payout-requests/x'],
  ['GET', '/v1/schemes/%00/versions/%2e%2e'],
  ['POST', '/v1/schemes/__proto__/versions'],
  ['DELETE', '/v1/api-keys/a%00b'],
  ['GET', '/v1/payout-points/p%00'],
  ['GET', '/v1/payout-gateway/payout-requests/a%00'],
  ['GET', '/v1/payout-gateway/payout-requests?status=%00'],
  ['GET', '/v1/nothing%0Aforged'],
];

/** Values a careless server trips on: huge and tiny numbers, odd strings, prototypes, deep nesting. */
const nasty = fc.oneof(
  fc.constantFrom(
    1e308, -1e308, 1e-320, 2 ** 53 + 1, -0,
    '1e400', '9'.repeat(400), '0.' + '0'.repeat(300) + '1', '__proto__', 'constructor', '${x}',
    '\u2028', '"', '\\', '*/', 'NaN', '', '\u0000', 'a\u0000b', '\n\r\u001b',
  ),
  fc.string({ maxLength: 10 }).map((t) => `${t}\u0000`),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double({ noNaN: true }),
);
const shaped = fc.oneof(
  fc.record({ source: fc.oneof(nasty, fc.constant('scheme hostile\nroute r_eur EUR\nservice s {\n  optimal r_eur\n}\n')), message: nasty }, { requiredKeys: [] }),
  fc.record(
    {
      request: fc.dictionary(fc.constantFrom('amount', 'currency', 'service', 'fields', 'attempt', 'exclude', 'created_at', '__proto__'), nasty),
      state: fc.anything(),
      version: nasty,
    },
    { requiredKeys: [] },
  ),
  fc.record({ balance: nasty, currency: nasty, enabled: nasty, test_outcome: nasty }, { requiredKeys: [] }),
  fc.array(fc.record({ id: nasty, amount: nasty, created_at: nasty, expires_at: nasty }, { requiredKeys: [] }), { maxLength: 3 }),
  fc.record({ id: nasty, currencies: fc.array(nasty, { maxLength: 3 }), scheme: nasty, mode: nasty, name: nasty, version: nasty }, { requiredKeys: [] }),
  fc.record({
    data: fc.record(
      {
        type: fc.constantFrom('payout-request', 'x'),
        attributes: fc.dictionary(fc.constantFrom('point_amount', 'point_id', 'point_currency', 'service', 'fields', 'test_mode'), nasty),
      },
      { requiredKeys: [] },
    ),
  }),
);
const deep = fc.integer({ min: 1, max: 5000 }).map((n) => '['.repeat(n) + ']'.repeat(n));
/** A payout request or a decision whose fields nest n levels (once a stack overflow, a 500). */
const deepFields = fc.tuple(fc.integer({ min: 1, max: 5000 }), fc.boolean()).map(([n, decide]) => {
  const fields = `{"tier":1,"x":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}`;
  return decide
    ? `{"request":{"amount":"1","currency":"EUR","service":"s","fields":${fields}}}`
    : `{"data":{"type":"payout-request","attributes":{"point_amount":"1","point_id":"pop_h","point_currency":"EUR","service":"s","fields":${fields}}}}`;
});
const body = fc.oneof(
  shaped.map((v) => JSON.stringify(v)),
  fc.json(),
  fc.string({ maxLength: 200 }),
  deep,
  deepFields,
  fc.constantFrom('', 'null', '{', '{"a":1}}', '\u0000', '{"source":"\ud800"}', '{"source":"\\u0000"}', '{"mode":"test","name":"\\u0000"}'),
);

const SCHEME = 'scheme hostile\nfield tier int\nroute r_eur EUR fee 1% + 0.10 daily 1000\nroute p2p_eur EUR p2p\nservice s {\n  optimal r_eur\n}\nservice card {\n  optimal p2p_eur\n}\n';
const AT = '2026-11-20T10:00:00Z';
const VALID: [string, string, unknown][] = [
  [
    'POST',
    '/v1/schemes/hostile/decide',
    { request: { amount: '10.00', currency: 'EUR', service: 's', fields: { tier: 1 } }, state: { routes: { r_eur: { balance: '5.00' } }, rates: { 'EUR/USD': '1.1' } } },
  ],
  ['POST', '/v1/schemes/hostile/decide', { request: { amount: '10.00', currency: 'EUR', service: 'card', created_at: AT }, version: 1 }],
  ['PUT', '/v1/routes/r_eur', { balance: '100.00', currency: 'EUR', enabled: true, test_outcome: 'success' }],
  ['POST', '/v1/routes/p2p_eur/p2p-payments', [{ id: 'p1', amount: '50.00', created_at: AT, expires_at: '2027-01-01T00:00:00Z' }]],
  ['PUT', '/v1/rates/fx', { 'EUR/USD': '1.0850' }],
  ['POST', '/v1/payout-points', { id: 'pop_h', currencies: ['EUR'], scheme: 'hostile' }],
  [
    'POST',
    '/v1/payout-gateway/payout-requests',
    { data: { type: 'payout-request', attributes: { point_amount: '10.00', point_id: 'pop_h', point_currency: 'EUR', service: 's', fields: { tier: 2 } } } },
  ],
];

type Path = (string | number)[];

function leafPaths(v: unknown, at: Path = []): Path[] {
  if (v === null || typeof v !== 'object') return [at];
  const entries = Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v);
  return [at, ...entries.flatMap(([k, x]) => leafPaths(x, [...at, k]))];
}

function setAt(v: unknown, path: Path, value: unknown): unknown {
  if (!path.length) return value;
  const [head, ...rest] = path;
  const copy = (Array.isArray(v) ? [...v] : { ...(v as object) }) as Record<string | number, unknown>;
  copy[head!] = setAt(copy[head!], rest, value);
  return copy;
}

function isProblem(status: number, contentType: string | null, text: string): boolean {
  if (!contentType?.includes('application/problem+json')) return false;
  const p = JSON.parse(text) as { type?: unknown; title?: unknown; status?: unknown };
  return typeof p.type === 'string' && typeof p.title === 'string' && p.status === status;
}

/** Values for the payout request list's filters: dates JavaScript takes and PostgreSQL does not, cursors. */
const cursorOf = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
const filterValue = fc.oneof(
  nasty.map(String),
  fc.constantFrom('-271821-04-20T00:00:00Z', '+275760-09-13T00:00:00Z', '99999-01-01T00:00:00Z', '0000-01-01T00:00:00Z', '2026-11-20T10:00:00Z', '2026-13-45T99:99:99Z'),
  fc.record({ at: fc.oneof(nasty, fc.constantFrom('99999', '+275760-09-13T00:00:00Z', '2026-11-20T10:00:00Z')), id: nasty }).map(cursorOf),
);
const query = fc.array(fc.tuple(fc.constantFrom('status', 'service', 'point_id', 'from', 'to', 'cursor', 'limit'), filterValue), { maxLength: 4 });

describe.each(backends())('hostile HTTP input on $name', (backend) => {
  let service: Service;
  let api: Client;

  beforeAll(async () => {
    service = await backend.open({ rateLimit: { perSecond: 1e9, burst: 1e9 } });
    api = await keyed(service, 'test');
  }, 60_000);
  afterAll(() => backend.cleanup());

  it('answers every generated call with a 2xx or a 4xx problem document', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), body, fc.constantFrom('application/json', 'text/plain', ''), fc.boolean(), async ([method, path], text, type, admin) => {
        const key = admin ? ADMIN : api.key;
        const init: RequestInit = { method, headers: { authorization: `Bearer ${key}`, ...(type ? { 'content-type': type } : {}) } };
        if (method !== 'GET') init.body = text;
        const res = await service.app.request(path, init);
        const out = await res.text();
        expect(res.status, `${method} ${path} ${text.slice(0, 200)} → ${out.slice(0, 300)}`).toBeLessThan(500);
        if (res.status >= 400) expect(isProblem(res.status, res.headers.get('content-type'), out), out.slice(0, 300)).toBe(true);
      }),
      SEED,
    );
    expect((await service.app.request('/healthz')).status).toBe(200);
  }, 240_000);

  it('answers valid bodies with one value replaced by a nasty one in the same way', async () => {
    await api.post('/v1/schemes/hostile/versions', { source: SCHEME });
    await api.post('/v1/schemes/hostile/activate', { version: 1 });
    await api.post('/v1/payout-points', { id: 'pop_h', currencies: ['EUR'], scheme: 'hostile' });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...VALID), fc.nat(), nasty, async ([method, path, template], pick, value) => {
        const leaves = leafPaths(template);
        const mutated = setAt(template, leaves[pick % leaves.length]!, value);
        const res = await api.call(method, path, mutated);
        expect(res.status, `${method} ${path} ${JSON.stringify(mutated).slice(0, 300)} → ${JSON.stringify(res.body).slice(0, 300)}`).toBeLessThan(500);
      }),
      { seed: SEED.seed, numRuns: 600 },
    );
  }, 240_000);

  it('answers generated list filters and cursors with a 2xx or a 4xx problem document', async () => {
    await fc.assert(
      fc.asyncProperty(query, async (pairs) => {
        const path = `/v1/payout-gateway/payout-requests?${pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`;
        const res = await service.app.request(path, { headers: { authorization: `Bearer ${api.key}` } });
        const out = await res.text();
        expect(res.status, `${path} → ${out.slice(0, 300)}`).toBeLessThan(500);
        if (res.status >= 400) expect(isProblem(res.status, res.headers.get('content-type'), out), out.slice(0, 300)).toBe(true);
      }),
      { seed: SEED.seed, numRuns: 600 },
    );
  }, 240_000);

  it('answers an oversized body with 413 and keeps serving', async () => {
    const res = await api.post('/v1/compile', JSON.stringify({ source: 'x'.repeat(5 * 1024 * 1024) }));
    expect(res.status).toBe(413);
    expect((await api.get('/v1/schemes')).status).toBe(200);
  });
});
