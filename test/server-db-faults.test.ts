// Database faults (issue 7): PostgreSQL stopped under load → 503 problem documents and /readyz
// 503; started again → the service recovers by itself within seconds, with no restart.
import { afterAll, describe, expect, it } from 'vitest';
import { createService, type Service } from '../server/start.js';
import { Client } from './support/service.js';
import { postgresBinaries, ThrowawayPostgres } from './support/throwaway-postgres.js';

const SCHEME = 'scheme faults\nmode test\nroute a_eur EUR\nservice s {\n  optimal a_eur\n}\n';
const DECIDE = { request: { amount: '1.00', currency: 'EUR', service: 's' } };

async function until(what: () => Promise<boolean>, ms: number): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < ms) {
    if (await what()) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not within ${ms} ms`);
}

describe.runIf(postgresBinaries)('PostgreSQL stopped and started again', () => {
  const pg = new ThrowawayPostgres(55_400 + (process.pid % 500));
  let service: Service;
  afterAll(async () => {
    await service?.close().catch(() => {});
    pg.destroy();
  });

  it('answers 503 problems while it is down and recovers by itself when it returns', async () => {
    pg.init();
    pg.start();
    service = await createService({ databaseUrl: pg.url, adminKey: 'sk_admin_faults', seedExamples: false, quiet: true });
    const admin = new Client(service, 'sk_admin_faults');
    const key = (await admin.post('/v1/api-keys', { mode: 'test' })).body.key as string;
    const api = new Client(service, key);
    await api.post('/v1/schemes/faults/versions', { source: SCHEME });
    await api.post('/v1/schemes/faults/activate', { version: 1 });
    expect((await api.post('/v1/schemes/faults/decide', DECIDE)).status).toBe(200);

    pg.stop();
    const down = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? api.get('/v1/schemes') : api.post('/v1/schemes/faults/decide', { ...DECIDE, state: {} }))));
    for (const res of down) {
      expect([200, 503]).toContain(res.status);
      if (res.status === 503) expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(down.some((r) => r.status === 503)).toBe(true);
    expect((await service.app.request('/readyz')).status).toBe(503);
    expect((await service.app.request('/healthz')).status).toBe(200);

    pg.start();
    const recovered = await until(async () => (await api.get('/v1/schemes')).status === 200, 15_000);
    expect((await service.app.request('/readyz')).status).toBe(200);
    expect((await api.post('/v1/schemes/faults/decide', DECIDE)).body.route).toBe('a_eur');
    expect(recovered).toBeLessThan(15_000);
  }, 120_000);
});
