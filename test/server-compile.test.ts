// Issue 13: no source can stall the service, and saved versions cannot exhaust its heap.
// Sources are checked in worker threads (the compiled workers in dist/: run `tsc` first, as
// `npm test` does); compiled versions live in a byte-bounded cache; stored versions are limited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide } from '../index.js';
import { CompilePool } from '../server/compile-pool.js';
import { BYTES_PER_SOURCE_CHAR } from '../server/compiled-cache.js';
import { openStore, type Store } from '../server/db/connect.js';
import { Problem } from '../server/problem.js';
import { Schemes } from '../server/schemes.js';
import type { Service } from '../server/start.js';
import { backends, keyed, type Client } from './support/service.js';

const range = (n: number, f: (i: number) => string): string[] => Array.from({ length: n }, (_, i) => f(i));

/** The issue's scheme, grown: a one_of of 10,000 values and `branches` branches `when fields.f not in [20 values]`. */
function pathological(branches: number): string {
  const lines = ['scheme patho', 'mode test', `field f one_of ${range(10_000, (i) => `"v${i}"`).join(', ')}`, 'route a EUR', 'service s {'];
  for (let b = 0; b < branches; b++) {
    const list = range(20, (j) => `"v${(b * 20 + j) % 10_000}"`).join(', ');
    lines.push(`  ${b ? '} else ' : ''}when fields.f not in [${list}] {`, '    optimal a');
  }
  lines.push('  }', '}');
  return `${lines.join('\n')}\n`;
}

/** A small scheme whose version is told by the route it picks: `r${n}`. */
const versioned = (name: string, n: number): string =>
  `scheme ${name}\nmode test\n${range(3, (i) => `route r${i} EUR`).join('\n')}\nservice s {\n  optimal r${n % 3}\n}\n# version ${n}\n`;

const REQUEST = { amount: '10.00', currency: 'EUR', service: 's', country: 'DE' };

describe.each(backends())('compiling off the request thread, on $name', (backend) => {
  let service: Service;
  let test: Client;

  beforeAll(async () => {
    service = await backend.open({ schemes: { limits: { versionsPerScheme: 3, bytesPerScheme: 2_500, versionsPerMode: 5 } } });
    test = await keyed(service, 'test');
  }, 60_000);
  afterAll(() => backend.cleanup());

  it('answers /healthz while a 1.2 MB pathological scheme is being checked, before the check does', async () => {
    const source = pathological(5_500);
    expect(source.length).toBeGreaterThan(1_100_000);
    const order: string[] = [];
    const compiling = test.post('/v1/compile', { source }).then((r) => (order.push('compile'), r));
    const health = await service.app.request('/healthz');
    order.push('healthz');
    const compiled = await compiling;
    expect(health.status).toBe(200);
    expect(order).toEqual(['healthz', 'compile']);
    expect(compiled.status).toBe(200);
    expect(compiled.body.ok).toBe(true);
    expect(compiled.body.diagnostics.filter((d: { code: string }) => d.code === 'W_UNREACHABLE')).toHaveLength(5_498);
  }, 60_000);

  it('refuses a save past the per-scheme version limit with a 409 problem naming the limit', async () => {
    for (let n = 1; n <= 3; n++) expect((await test.post('/v1/schemes/capped/versions', { source: versioned('capped', n) })).status).toBe(201);
    const fourth = await test.post('/v1/schemes/capped/versions', { source: versioned('capped', 4) });
    expect(fourth.status).toBe(409);
    expect(fourth.headers.get('content-type')).toBe('application/problem+json');
    expect(fourth.body).toMatchObject({ type: 'https://sluice.dev/problems/scheme-limit', status: 409, limit: 3 });
    expect(fourth.body.detail).toBe("scheme 'capped' has 3 versions stored, the most it may keep");
    // Saving the latest source again stores nothing, so it is still answered.
    expect((await test.post('/v1/schemes/capped/versions', { source: versioned('capped', 3) })).status).toBe(200);
  });

  it("refuses a save past the per-scheme source bytes, and past the mode's version limit, with 409 problems", async () => {
    const padded = (n: number) => `${versioned('roomy', n)}# ${'x'.repeat(900)}\n`;
    expect((await test.post('/v1/schemes/roomy/versions', { source: padded(1) })).status).toBe(201);
    expect((await test.post('/v1/schemes/roomy/versions', { source: padded(2) })).status).toBe(201);
    const third = await test.post('/v1/schemes/roomy/versions', { source: padded(3) });
    expect(third.status).toBe(409);
    expect(third.body).toMatchObject({ type: 'https://sluice.dev/problems/scheme-limit', limit: 2_500 });
    expect(third.body.detail).toMatch(/^scheme 'roomy' stores \d+ bytes of versions; this one's \d+ would pass its limit of 2500$/);
    // capped (3) and roomy (2) fill the test mode's five versions.
    const other = await test.post('/v1/schemes/other/versions', { source: versioned('other', 1) });
    expect(other.status).toBe(409);
    expect(other.body.detail).toBe('test mode has 5 versions stored, the most it may keep');
  });
});

describe('a check past its deadline', () => {
  let service: Service;
  let test: Client;

  beforeAll(async () => {
    service = await backends()[0]!.open({ schemes: { pool: new CompilePool({ deadlineMs: 1 }) } });
    test = await keyed(service, 'test');
  }, 60_000);
  afterAll(() => service.close());

  it('answers a 503 problem for /v1/compile and for a save, and stores nothing', async () => {
    const source = pathological(2_000);
    const compiled = await test.post('/v1/compile', { source });
    expect(compiled.status).toBe(503);
    expect(compiled.body).toMatchObject({ type: 'https://sluice.dev/problems/compile-unavailable', status: 503 });
    expect(compiled.body.detail).toBe('the scheme could not be checked within 0.001 s; try again shortly');
    const saved = await test.post('/v1/schemes/patho/versions', { source });
    expect(saved.status).toBe(503);
    expect((await test.get('/v1/schemes/patho/versions')).status).toBe(404);
  }, 60_000);
});

describe('the compile pool', () => {
  it('checks one source per worker, queues up to its queue size, and refuses the next with 503 at once', async () => {
    const pool = new CompilePool({ workers: 1, queue: 1 });
    try {
      const source = versioned('q', 1);
      const running = pool.check(source);
      const queued = pool.check(source);
      const refused = await pool.check(source).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(Problem);
      expect(refused).toMatchObject({ status: 503, type: 'compile-unavailable', detail: '2 sources are being checked already; try again shortly' });
      const [a, b] = await Promise.all([running, queued]);
      expect(a.settings?.name).toBe('q');
      expect(b.diagnostics).toEqual(a.diagnostics);
      // Room again once they are done.
      expect((await pool.check(source)).settings?.name).toBe('q');
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('refuses with a 422 problem a source whose check outgrows the worker heap, and checks the next in a new worker', async () => {
    const pool = new CompilePool({ workers: 1, heapMb: 24 });
    try {
      const refused = await pool.check(pathological(8_000)).catch((e: unknown) => e);
      expect(refused).toMatchObject({ status: 422, type: 'scheme-too-complex' });
      expect((await pool.check(versioned('small', 1))).settings?.name).toBe('small');
    } finally {
      await pool.close();
    }
  }, 60_000);
});

describe('the compiled-version cache', () => {
  let store: Store;
  let schemes: Schemes;
  const sourceChars = versioned('cached', 1).length;
  // Room for two compiled versions of this size, not three.
  const budget = Math.floor(2.5 * sourceChars * BYTES_PER_SOURCE_CHAR);

  beforeAll(async () => {
    store = await openStore({});
    schemes = new Schemes(store.db, { cacheBytes: budget });
  }, 60_000);
  afterAll(async () => {
    await schemes.close();
    await store.close();
  });

  it('never holds more than its byte budget, and compiles an evicted version again when asked for it', async () => {
    for (let n = 1; n <= 6; n++) expect((await schemes.createVersion('test', 'cached', versioned('cached', n), undefined, 'system')).version).toBe(n);
    // Saving compiles nothing on this thread: the cache fills only as versions decide.
    expect(schemes.cache.size).toBe(0);
    const routeOf = async (v: number) => {
      const decision = decide((await schemes.resolve('test', 'cached', v)).scheme, REQUEST);
      return 'route' in decision ? decision.route : decision.status;
    };
    for (let v = 1; v <= 6; v++) {
      expect(await routeOf(v)).toBe(`r${v % 3}`);
      expect(schemes.cache.bytes).toBeLessThanOrEqual(budget);
      expect(schemes.cache.size).toBeLessThanOrEqual(2);
    }
    // Version 1 was evicted long ago: it is compiled again, and decides as version 1 does.
    expect(await routeOf(1)).toBe('r1');
    expect(schemes.cache.size).toBe(2);
  }, 60_000);
});
