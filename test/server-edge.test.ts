// The service's edge (issue 13): over real sockets, a body is read only for a known route and a
// good key, and bodies held and connections open are bounded; through the app, NUL characters,
// deep nesting and out-of-range dates get 4xx problems, and log lines cannot be forged.
import { connect, type Socket } from 'node:net';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService, Service } from '../server/start.js';
import { ADMIN, backends, Client, keyed } from './support/service.js';

interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** A connection on which the test writes requests by hand, a body in as many parts as it likes. */
class Raw {
  private data = '';
  private closed = false;
  private waiting: (() => void) | undefined;

  private constructor(readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      this.data += d;
      this.waiting?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiting?.();
    });
    socket.on('error', () => {});
  }

  static open(url: string): Promise<Raw> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
      const s = connect(Number(port), hostname, () => resolve(new Raw(s)));
      s.once('error', reject);
    });
  }

  /** Sends a request's head: the body, if any, is sent with `send`. */
  head(method: string, path: string, headers: Record<string, string | number>): void {
    const lines = Object.entries({ host: 'localhost', ...headers }).map(([k, v]) => `${k}: ${v}\r\n`);
    this.socket.write(`${method} ${path} HTTP/1.1\r\n${lines.join('')}\r\n`);
  }

  send(bytes: string): void {
    this.socket.write(bytes);
  }

  /** The next answer, whole (as long as its Content-Length says). */
  async answer(): Promise<RawAnswer> {
    for (;;) {
      const parsed = this.parse();
      if (parsed) return parsed;
      if (this.closed) throw new Error(`connection closed before an answer: ${JSON.stringify(this.data)}`);
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }

  /** Resolves when the server has closed the connection. */
  async ended(): Promise<void> {
    while (!this.closed) await new Promise<void>((resolve) => (this.waiting = resolve));
  }

  private parse(): RawAnswer | undefined {
    const end = this.data.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine, ...lines] = this.data.slice(0, end).split('\r\n');
    const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    const length = Number(headers['content-length'] ?? 0);
    if (this.data.length < end + 4 + length) return undefined;
    const body = this.data.slice(end + 4, end + 4 + length);
    this.data = this.data.slice(end + 4 + length);
    return { status: Number(statusLine!.split(' ')[1]), headers, body };
  }

  close(): void {
    this.socket.destroy();
  }
}

const FOUR_MIB = 4 * 1024 * 1024;
const LIMIT = 32;

/** Asks until `ok` holds, for the server to see a connection close (a bounded wait, not a timing). */
async function eventually<T>(ask: () => Promise<T>, ok: (t: T) => boolean): Promise<T> {
  let last = await ask();
  for (let i = 0; i < 100 && !ok(last); i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    last = await ask();
  }
  return last;
}

describe.each(backends())('the edge over sockets on $name', (backend) => {
  let service: RunningService;
  let key: string;
  const opened: Raw[] = [];
  const raw = async (): Promise<Raw> => {
    const r = await Raw.open(service.url);
    opened.push(r);
    return r;
  };
  const compile = (body: string, k = key) => fetch(`${service.url}/v1/compile`, { method: 'POST', headers: { authorization: `Bearer ${k}`, 'content-type': 'application/json' }, body });

  beforeAll(async () => {
    service = await backend.serve({ edgeLimits: { bodyBytes: 5 * 1024 * 1024, connections: LIMIT }, unknownKeyLimit: { perSecond: 0.001, burst: 3 } });
    key = (await keyed(service, 'test')).key;
  }, 60_000);
  afterEach(() => {
    for (const r of opened.splice(0)) r.close();
  });
  afterAll(() => backend.cleanup());

  it('reads the body of a known key on a known route and answers it', async () => {
    const res = await compile(JSON.stringify({ source: 'scheme x\n' }));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { ok: boolean }).ok).toBe(true);
  });

  it('answers a missing or unknown key with 401 before the body arrives', async () => {
    for (const headers of [{}, { authorization: 'Bearer sk_test_nobody' }] as Record<string, string>[]) {
      const r = await raw();
      r.head('POST', '/v1/compile', { ...headers, 'content-type': 'application/json', 'content-length': FOUR_MIB });
      r.send('{"source":"');
      const answer = await r.answer();
      expect(answer.status).toBe(401);
      expect(answer.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('answers an unknown route with 404 and an oversized declaration with 413, before the body arrives', async () => {
    const r = await raw();
    r.head('POST', '/v1/nothing-here', { authorization: `Bearer ${key}`, 'content-length': FOUR_MIB });
    expect((await r.answer()).status).toBe(404);
    const big = await raw();
    big.head('POST', '/v1/compile', { authorization: `Bearer ${key}`, 'content-length': FOUR_MIB + 1 });
    expect((await big.answer()).status).toBe(413);
  });

  it('answers 503 while the bodies held would pass the limit, and reads bodies again once they are answered or abandoned', async () => {
    const size = 3 * 1024 * 1024;
    // Over the source's 2,000,000 characters: read whole, then refused by the schema (422).
    const body = JSON.stringify({ source: `scheme x\n#${'y'.repeat(size - 24)}` });
    expect(body.length).toBe(size);
    const start = async (): Promise<Raw> => {
      const r = await raw();
      r.head('POST', '/v1/compile', { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': size });
      r.send(body.slice(0, 1000));
      return r;
    };
    /** Two bodies of 3 MiB begun together: one is read, the other answered 503 (5 MiB would pass). */
    const holdOne = async (): Promise<{ holder: Raw; refused: RawAnswer }> => {
      const [a, b] = [await start(), await start()];
      const [first, refused] = await Promise.race([a.answer().then((x) => [a, x] as const), b.answer().then((x) => [b, x] as const)]);
      return { holder: first === a ? b : a, refused };
    };

    const { holder, refused } = await holdOne();
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.body).type).toMatch(/busy$/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    holder.send(body.slice(1000));
    const answered = await holder.answer();
    expect(answered.status).toBe(422);
    expect(JSON.parse(answered.body).errors[0].path).toBe('/source');
    expect((await eventually(() => compile(body), (r) => r.status !== 503)).status).toBe(422);

    const abandoned = await holdOne();
    expect(abandoned.refused.status).toBe(503);
    abandoned.holder.close();
    expect((await eventually(() => compile(body), (r) => r.status !== 503)).status).toBe(422);
  });

  it('answers 429 to a client past its unknown keys, before the body and without a lookup, while known keys go on', async () => {
    // The limit allows 3 unknown keys (the test above sent one); a known key never counts.
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await raw();
      r.head('POST', '/v1/compile', { authorization: `Bearer sk_test_guess_${i}`, 'content-length': FOUR_MIB });
      const answer = await r.answer();
      statuses.push(answer.status);
      if (answer.status === 429) expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    expect(statuses).toEqual([401, 401, 429, 429]);
    expect((await compile(JSON.stringify({ source: 'scheme x\n' }))).status).toBe(200);
  });

  it('answers 503 on connections past the limit and closes them, and takes connections again once others close', async () => {
    const held: Raw[] = [];
    for (let i = 0; i < LIMIT; i++) held.push(await raw());
    const extra = await raw();
    extra.head('GET', '/healthz', {});
    const answer = await extra.answer();
    expect(answer.status).toBe(503);
    expect(answer.headers['connection']).toBe('close');
    expect(JSON.parse(answer.body).type).toMatch(/busy$/);
    await extra.ended();
    for (const r of held) r.close();
    const again = await eventually(async () => {
      const r = await raw();
      r.head('GET', '/healthz', {});
      return r.answer();
    }, (a) => a.status === 200);
    expect(again.status).toBe(200);
  });
});

const N = '\u0000';
const SCHEME = 'scheme edge\nfield tier int\nroute r_eur EUR fee 1% + 0.10 daily 1000\nroute p2p_eur EUR p2p\nservice s {\n  optimal r_eur\n}\n';
const REQUEST = (attributes: Record<string, unknown>) => ({
  data: { type: 'payout-request', attributes: { point_amount: '10.00', point_id: 'pop_e', point_currency: 'EUR', service: 's', fields: { tier: 1 }, ...attributes } },
});
const cursor = (c: unknown) => Buffer.from(JSON.stringify(c)).toString('base64url');

/** [who, method, path, body, the path the problem names] — each once a 500 from PostgreSQL. */
const NUL_CASES: [who: 'admin' | 'test', method: string, path: string, body: unknown, named: string][] = [
  ['admin', 'POST', '/v1/api-keys', { mode: 'test', name: `a${N}` }, '/name'],
  ['admin', 'DELETE', '/v1/api-keys/a%00b', undefined, ''],
  ['test', 'POST', '/v1/schemes/edge/versions', { source: `${SCHEME}# a comment may hold ${N}\n` }, '/source'],
  ['test', 'POST', '/v1/schemes/edge/versions', { source: SCHEME, message: `m${N}` }, '/message'],
  ['test', 'POST', '/v1/schemes/edge/decide', { request: { amount: '1', currency: 'EUR', service: `s${N}`, fields: { tier: 1 } } }, '/request/service'],
  ['test', 'POST', '/v1/routes/p2p_eur/p2p-payments', [{ id: `p${N}`, amount: '1', created_at: '2026-01-01T00:00:00Z', expires_at: '2027-01-01T00:00:00Z' }], '/0/id'],
  ['test', 'POST', '/v1/payout-points', { id: `p${N}`, currencies: ['EUR'], scheme: 'edge' }, '/id'],
  ['test', 'GET', '/v1/payout-points/p%00', undefined, ''],
  ['test', 'POST', '/v1/payout-gateway/payout-requests', REQUEST({ point_id: `pop_e${N}` }), '/data/attributes/point_id'],
  ['test', 'POST', '/v1/payout-gateway/payout-requests', REQUEST({ service: `s${N}` }), '/data/attributes/service'],
  ['test', 'POST', '/v1/payout-gateway/payout-requests', REQUEST({ fields: { tier: 1, note: N } }), '/data/attributes/fields/note'],
  ['test', 'POST', '/v1/payout-gateway/payout-requests', REQUEST({ fields: { tier: 1, [`n${N}`]: 1 } }), `/data/attributes/fields/n${N}`],
  ['test', 'GET', '/v1/payout-gateway/payout-requests/a%00', undefined, ''],
  ['test', 'GET', '/v1/payout-gateway/payout-requests?status=a%00', undefined, ''],
  ['test', 'GET', '/v1/payout-gateway/payout-requests?service=a%00', undefined, ''],
  ['test', 'GET', '/v1/payout-gateway/payout-requests?point_id=a%00', undefined, ''],
  ['test', 'GET', `/v1/payout-gateway/payout-requests?cursor=${cursor({ at: '2026-01-01T00:00:00Z', id: `x${N}` })}`, undefined, ''],
];

describe.each(backends())('hostile text and shapes through the app on $name', (backend) => {
  let service: Service;
  let api: Client;
  let admin: Client;
  const logged: string[] = [];

  beforeAll(async () => {
    service = await backend.open({ rateLimit: { perSecond: 1e9, burst: 1e9 }, log: (line) => logged.push(line) });
    api = await keyed(service, 'test');
    admin = new Client(service, ADMIN);
    expect((await api.post('/v1/schemes/edge/versions', { source: SCHEME })).status).toBe(201);
    expect((await api.post('/v1/schemes/edge/activate', { version: 1 })).status).toBe(200);
    expect((await api.post('/v1/payout-points', { id: 'pop_e', currencies: ['EUR'], scheme: 'edge' })).status).toBe(201);
  }, 60_000);
  afterAll(() => backend.cleanup());

  it.each(NUL_CASES)('refuses U+0000 with a 4xx naming where it is: %s %s %s', async (who, method, path, body, named) => {
    const res = await (who === 'admin' ? admin : api).call(method, path, body);
    expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    if (body === undefined) expect(res.body.type).toMatch(/invalid-(parameter|body)$/);
    else expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(named);
  });

  it('stores nothing that holds U+0000: the lists are as before', async () => {
    expect((await api.get('/v1/payout-points')).body.data.map((p: { id: string }) => p.id)).toEqual(['pop_e']);
    expect((await api.get('/v1/schemes/edge/versions')).body.data).toHaveLength(1);
    expect((await api.get('/v1/payout-gateway/payout-requests')).body.data).toEqual([]);
  });

  it("gives a compiled source with U+0000 the compiler's own diagnostics", async () => {
    const outside = await api.post('/v1/compile', { source: `scheme edge${N}\n` });
    expect(outside.status).toBe(200);
    expect(outside.body.diagnostics[0]).toMatchObject({ code: 'E_LEX', line: 1, column: 12 });
    const inComment = await api.post('/v1/compile', { source: `${SCHEME}# ${N}\n` });
    expect(inComment.body.ok).toBe(true);
  });

  it('refuses a body nested past 64 levels with 422 too-deep naming the path, and takes 64', async () => {
    const nested = (n: number) => '['.repeat(n) + ']'.repeat(n);
    const deep = await api.post('/v1/payout-gateway/payout-requests', JSON.stringify(REQUEST({})).replace('"tier":1', `"tier":1,"x":${nested(5000)}`));
    expect(deep.status).toBe(422);
    expect(deep.body.type).toMatch(/too-deep$/);
    expect(deep.body.errors[0].path).toBe(`/data/attributes/fields/x${'/0'.repeat(60)}`);
    const decide = (x: string) => api.post('/v1/schemes/edge/decide', `{"request":{"amount":"1","currency":"EUR","service":"s","fields":{"tier":1}},"state":{"routes":{"r_eur":{}}},"x":${x}}`);
    // The body's own object and "x": 64 levels is the most, wherever they are.
    expect((await decide(nested(63))).body.errors).toEqual([{ path: '/x', message: 'is not a known property' }]);
    const over = await decide(nested(64));
    expect(over.body.type).toMatch(/too-deep$/);
    expect(over.body.errors[0].path).toBe(`/x${'/0'.repeat(63)}`);
    expect((await api.post('/v1/schemes/edge/decide', '{"a":"[[[[{{{{","b":' + nested(60) + '}')).body.type).toMatch(/invalid-body$/);
  });

  it('refuses dates PostgreSQL cannot hold in list filters and cursors with 400', async () => {
    const queries = [
      'from=-271821-04-20T00:00:00Z',
      'to=%2B275760-09-13T00:00:00Z',
      'from=99999-01-01T00:00:00Z',
      'to=0000-01-01T00:00:00Z',
      'to=0001-01-01T00:00:00%2B01:00',
      `cursor=${cursor({ at: '99999', id: 'x' })}`,
      `cursor=${cursor({ at: '+275760-09-13T00:00:00Z', id: 'x' })}`,
    ];
    for (const query of queries) {
      const res = await api.get(`/v1/payout-gateway/payout-requests?${query}`);
      expect(res.status, query).toBe(400);
    }
    expect((await api.get('/v1/payout-gateway/payout-requests?from=0001-01-01T00:00:00Z&to=9999-12-31T23:59:59Z')).status).toBe(200);
    expect((await api.get('/v1/payout-gateway/payout-requests?from=0001-01-01T00:00:00-01:00')).status).toBe(200);
  });

  it('writes each internal error on one line, control characters in the path escaped', async () => {
    await sql`drop table payout_points`.execute(service.store.db);
    const res = await api.get('/v1/payout-points/x%0Aforged%20line%0D%1B[31m');
    expect(res.status).toBe(500);
    const line = logged.find((l) => l.includes('forged'))!;
    expect(line).toMatch(/^internal error [0-9a-f-]{36} on GET \/v1\/payout-points\/x\\nforged line\\u000d\\u001b\[31m: /);
    expect(line).not.toMatch(/[\u0000-\u001f]/);
  });
});

describe.each(backends())('unknown keys through the app on $name', (backend) => {
  afterAll(() => backend.cleanup());

  it('answers 429 with Retry-After once a client has sent too many unknown keys, while a known key goes on', async () => {
    const service = await backend.open({ unknownKeyLimit: { perSecond: 0.001, burst: 3 } });
    const known = await keyed(service, 'test');
    expect((await known.get('/v1/schemes')).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await new Client(service, `sk_test_guess_${i}`).get('/v1/schemes')).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const limited = await new Client(service, 'sk_test_guess_x').get('/v1/schemes');
    expect(limited.body.type).toMatch(/rate-limited$/);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await known.get('/v1/schemes')).status).toBe(200);
  });
});
