// POST /v1/schemes/{name}/decide-batch over a real server (the edge included), on PGlite and
// (with TEST_DATABASE_URL) PostgreSQL: the same answers as decide, in order, invalid requests in
// their place, one state for the batch, NDJSON streamed both ways, and its limits.
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BATCH, MAX_BATCH_BODY, MAX_LINE } from '../server/batch-limits.js';
import type { RunningService } from '../server/start.js';
import { backends, keyed } from './support/service.js';

const EXAMPLE = readFileSync(new URL('../examples/eu_payouts.sluice', import.meta.url), 'utf8');
const SOURCE = (name: string) => EXAMPLE.replace('scheme eu_payouts', `scheme ${name}`);

const REQUEST = { amount: '100.00', currency: 'EUR', service: 'sepa_eur', country: 'DE', fields: { kyc_level: 3, segment: 'retail' } };
/** From 10,000 EUR the example tries `balance acme_eur, bankco_eur` first. */
const LARGE = { ...REQUEST, amount: '20000.00' };
const STATE = { routes: { acme_eur: { balance: '50000.00' }, bankco_eur: { balance: '30000.00' } } };

/** Valid requests through each branch and block of the example, and invalid ones: bad values, bad shapes. */
const arbRequest = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      amount: fc.constantFrom('0.01', '100.00', '9999.99', '10000.00', '15000.00', '20000.00', '40000.00'),
      currency: fc.constant('EUR'),
      service: fc.constant('sepa_eur'),
      country: fc.constantFrom('DE', 'AT', 'FR', 'KP'),
      fields: fc.record({ kyc_level: fc.constantFrom(0, 1, 3), segment: fc.constantFrom('retail', 'business', 'vip') }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      amount: fc.constantFrom('100.00', 'ten', '-5', '1.001'),
      currency: fc.constantFrom('EUR', 'USD', 'XXX'),
      service: fc.constantFrom('sepa_eur', 'p2p_card', 'nope'),
      country: fc.constantFrom('DE', 'ZZ'),
      fields: fc.record({ kyc_level: fc.constantFrom(3, 'x'), segment: fc.constantFrom('retail', 'gold') }),
    }),
  },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, 42, 'text', [], {}) },
);

type Json = any; // answers are read by path

describe.each(backends())('decide-batch on $name', (backend) => {
  let service: RunningService;
  let key: string;
  let liveKey: string;

  const call = async (method: string, path: string, body?: string, headers: Record<string, string> = {}, as = key) => {
    const res = await fetch(service.url + path, { method, body, headers: { authorization: `Bearer ${as}`, 'content-type': 'application/json', ...headers } });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type') ?? '', text, body: (() => { try { return JSON.parse(text) as Json; } catch { return undefined; } })() };
  };
  const batch = (name: string, body: unknown, as = key) => call('POST', `/v1/schemes/${name}/decide-batch`, JSON.stringify(body), {}, as);
  const ndjson = (name: string, text: string, query = '') => call('POST', `/v1/schemes/${name}/decide-batch${query}`, text, { 'content-type': 'application/x-ndjson' });
  const single = (name: string, body: unknown) => call('POST', `/v1/schemes/${name}/decide`, JSON.stringify(body));
  const lines = (text: string): Json[] => text.split('\n').slice(0, -1).map((l) => JSON.parse(l));

  /** A decision without its id (each decision has its own). */
  const unnamed = (d: Json): Json => {
    const { decision_id: _, ...rest } = d;
    return rest;
  };

  /** The single endpoint's answer as a batch item: without the version and id; a 422 as { status: "invalid", errors }. */
  const asItem = (r: { status: number; body: Json }) => {
    if (r.status === 422) return { status: 'invalid', errors: r.body.errors };
    const { version: _, ...decision } = r.body;
    return unnamed(decision);
  };

  beforeAll(async () => {
    service = await backend.serve();
    key = (await keyed(service, 'test')).key;
    liveKey = (await keyed(service, 'live')).key;
    for (const name of ['batched', 'other']) {
      await call('POST', `/v1/schemes/${name}/versions`, JSON.stringify({ source: SOURCE(name) }));
      await call('POST', `/v1/schemes/${name}/activate`, JSON.stringify({ version: 1 }));
    }
  }, 60_000);
  afterAll(() => backend.cleanup());

  it('answers as decide does, request by request and in order, invalid requests in their place (JSON and NDJSON)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbRequest, { maxLength: 25 }), fc.boolean(), fc.boolean(), async (requests, given, trace) => {
        const options = { ...(given ? { state: STATE } : {}), trace };
        const expected: (Json | undefined)[] = [];
        for (const request of requests) {
          const r = request !== null && typeof request === 'object' && !Array.isArray(request) ? await single('batched', { request, ...options }) : undefined;
          expected.push(r ? asItem(r) : undefined);
        }
        const res = await batch('batched', { requests, ...options });
        expect(res.status).toBe(200);
        expect(res.type).toContain('application/json');
        expect(res.body.version).toBe(1);
        expect(res.body.data).toHaveLength(requests.length);
        // Non-objects are refused by decide's body schema; in a batch they are invalid in place.
        res.body.data.forEach((item: Json, i: number) => expect(unnamed(item)).toEqual(expected[i] ?? { status: 'invalid', errors: [{ path: '/', message: 'must be object' }] }));
        // Every decision has an id of its own; an invalid request has none.
        const ids = res.body.data.filter((d: Json) => d.status !== 'invalid').map((d: Json) => d.decision_id);
        expect(new Set(ids).size).toBe(ids.length);
        for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
        expect(res.body.data.filter((d: Json) => d.status === 'invalid' && 'decision_id' in d)).toEqual([]);
        if (given) return;
        const streamed = await ndjson('batched', requests.map((r) => `${JSON.stringify(r)}\n`).join(''), trace ? '?trace=true' : '');
        expect(streamed.status).toBe(200);
        expect(lines(streamed.text).map(unnamed)).toEqual(res.body.data.map((item: Json, i: number) => (item.status === 'invalid' ? { ...item, line: i + 1 } : unnamed(item))));
      }),
      { seed: 1515, numRuns: backend.name === 'PGlite' ? 12 : 6, endOnFailure: true },
    );
  }, 120_000);

  it('parses the state once for the batch: the given one, else the stored one; a state with errors refuses the whole batch', async () => {
    const strategies = (r: { body: Json }) => r.body.data.map((d: Json) => [d.strategy, d.route]);
    const before = await batch('other', { requests: [LARGE, LARGE] });
    expect(strategies(before).map(([strategy]: string[]) => strategy)).toEqual(['weight', 'weight']);
    const given = await batch('other', { requests: [LARGE, { ...LARGE, amount: '15000.00' }], state: STATE });
    expect(strategies(given)).toEqual([['balance', 'acme_eur'], ['balance', 'acme_eur']]);
    await call('PUT', '/v1/routes/acme_eur', JSON.stringify({ balance: '25000.00', currency: 'EUR' }));
    await call('PUT', '/v1/routes/bankco_eur', JSON.stringify({ balance: '90000.00', currency: 'EUR' }));
    const stored = await batch('other', { requests: [LARGE, { ...LARGE, amount: '40000.00' }] });
    expect(strategies(stored)).toEqual([['balance', 'bankco_eur'], ['balance', 'bankco_eur']]);
    const bad = await batch('other', { requests: [REQUEST], state: { routes: { acme_eur: { balance: 'lots' } } } });
    expect(bad.status).toBe(422);
    expect(bad.body.type).toMatch(/invalid-request$/);
    expect(bad.body.errors[0].path).toBe('/state');
  });

  it('adds each trace with trace true, in both formats, and decides with a named version', async () => {
    const traced = await batch('batched', { requests: [REQUEST, REQUEST], state: STATE, trace: true });
    expect(traced.body.data.every((d: Json) => d.trace.length > 0)).toBe(true);
    const bare = await batch('batched', { requests: [REQUEST], state: STATE });
    expect(unnamed(bare.body.data[0])).toEqual({ ...unnamed(traced.body.data[0]), trace: [] });
    const ndTraced = await ndjson('batched', `${JSON.stringify(REQUEST)}\n`, '?trace=true&version=1');
    expect(lines(ndTraced.text)[0].trace.length).toBeGreaterThan(0);
    expect((await batch('batched', { requests: [REQUEST], version: 7 })).status).toBe(404);
    expect((await ndjson('batched', `${JSON.stringify(REQUEST)}\n`, '?version=7')).status).toBe(404);
  });

  it('answers an NDJSON line that is not a request in its place, with its line number', async () => {
    const input = [
      JSON.stringify(REQUEST),
      '{"amount": ',
      '',
      JSON.stringify({ ...REQUEST, fields: { kyc_level: 3, segment: 'gold' } }),
      'x'.repeat(MAX_LINE + 1),
      `${JSON.stringify(REQUEST)}\r`,
      '{"amount":"1\\u0000"}',
      '{"amount":90071992547409.93}',
      JSON.stringify(REQUEST),
    ].join('\n');
    const res = await ndjson('batched', input);
    expect(res.status).toBe(200);
    expect(res.type).toContain('application/x-ndjson');
    const answers = lines(res.text);
    expect(answers).toHaveLength(9);
    expect(answers.map((a) => a.status)).toEqual(['routed', 'invalid', 'invalid', 'invalid', 'invalid', 'routed', 'invalid', 'invalid', 'routed']);
    expect(answers[1]).toEqual({ status: 'invalid', line: 2, errors: [{ path: '/', message: 'is not valid JSON' }] });
    expect(answers[2]).toMatchObject({ line: 3, errors: [{ path: '/', message: 'is not valid JSON' }] });
    expect(answers[3]).toMatchObject({ line: 4, errors: [{ path: '/fields/segment' }] });
    expect(answers[4]).toEqual({ status: 'invalid', line: 5, errors: [{ path: '/', message: `is longer than ${MAX_LINE} bytes` }] });
    expect(answers[6]).toMatchObject({ line: 7, errors: [{ path: '/amount' }] });
    expect(answers[7]).toMatchObject({ line: 8, errors: [{ path: '/amount' }] });
  });

  it('reads NDJSON from a web Request too (app.request, no edge)', async () => {
    const res = await service.app.request('/v1/schemes/batched/decide-batch', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
      body: `${JSON.stringify(REQUEST)}\n[\n`,
    });
    expect(lines(await res.text()).map((a) => [a.status, a.line])).toEqual([['routed', undefined], ['invalid', 2]]);
  });

  it('writes NDJSON answers as the lines arrive, before the input ends', async () => {
    const url = new URL(`${service.url}/v1/schemes/batched/decide-batch`);
    const req = httpRequest(url, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' } });
    const res = await new Promise<IncomingMessage>((resolve) => {
      req.once('response', resolve);
      req.write(`${JSON.stringify(REQUEST)}\n`);
    });
    expect(res.statusCode).toBe(200);
    res.setEncoding('utf8');
    const reader = res[Symbol.asyncIterator]();
    let text = '';
    const nextLine = async () => {
      while (!text.includes('\n')) text += (await reader.next()).value as string;
      const line = text.slice(0, text.indexOf('\n'));
      text = text.slice(line.length + 1);
      return JSON.parse(line) as Json;
    };
    expect((await nextLine()).status).toBe('routed');
    req.write('not json\n');
    expect(await nextLine()).toMatchObject({ status: 'invalid', line: 2 });
    req.end(JSON.stringify({ ...REQUEST, country: 'FR' }));
    expect((await nextLine()).status).toBe('routed');
    expect((await reader.next()).done).toBe(true);
  });

  it(`refuses more than ${MAX_BATCH} requests, a body over its limit, and bad options; takes a full traced batch`, async () => {
    const tooMany = await batch('batched', { requests: Array.from({ length: MAX_BATCH + 1 }, () => REQUEST) });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.errors).toEqual([{ path: '/requests', message: `must NOT have more than ${MAX_BATCH} items` }]);
    const huge = await call('POST', '/v1/schemes/batched/decide-batch', JSON.stringify({ requests: [{ pad: 'x'.repeat(MAX_BATCH_BODY) }] }));
    expect(huge.status).toBe(413);
    expect(huge.body.type).toMatch(/body-too-large$/);
    const manyLines = await ndjson('batched', `${JSON.stringify(REQUEST)}\n`.repeat(MAX_BATCH + 5));
    const answers = lines(manyLines.text);
    expect(answers).toHaveLength(MAX_BATCH + 1);
    expect(answers[MAX_BATCH]).toEqual({ status: 'invalid', line: MAX_BATCH + 1, errors: [{ path: '/', message: `a batch is at most ${MAX_BATCH} lines; the rest was not read` }] });
    expect((await ndjson('batched', '', '?trace=yes')).status).toBe(400);
    expect((await ndjson('batched', '', '?version=0')).status).toBe(400);
    expect(await ndjson('batched', '')).toMatchObject({ status: 200, text: '' });
    expect((await batch('batched', { requests: [] })).body).toEqual({ version: 1, data: [] });
    expect((await ndjson('batched', '', '?state=x')).status).toBe(400);
    expect((await call('POST', '/v1/schemes/batched/decide-batch?trace=true', JSON.stringify({ requests: [] }))).status).toBe(400);
    expect((await call('POST', '/v1/schemes/batched/decide-batch', '{"requests": [')).status).toBe(400);
    const full = await batch('batched', { requests: Array.from({ length: MAX_BATCH }, () => REQUEST), state: STATE, trace: true });
    expect(full.body.data).toHaveLength(MAX_BATCH);
    expect(full.body.data[MAX_BATCH - 1].trace.length).toBeGreaterThan(0);
  }, 60_000);

  it('checks keys and modes as decide does', async () => {
    expect((await batch('batched', { requests: [REQUEST] }, 'sk_test_nope')).status).toBe(401);
    expect((await batch('batched', { requests: [REQUEST] }, liveKey)).status).toBe(404);
    expect((await call('POST', '/v1/schemes/batched/decide-batch', 'x\n', { 'content-type': 'application/x-ndjson' }, liveKey)).status).toBe(404);
  });
});
