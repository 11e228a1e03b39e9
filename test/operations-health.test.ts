// Liveness and readiness: /livez answers from the process alone, so it answers while the database
// is down, where /readyz answers 503 naming the failed check, and ready again once it is back; a
// database behind on its migrations is not ready; the active schemes are compiled before ready.
import { createServer } from 'node:net';
import { once } from 'node:events';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createService } from '../server/start.js';
import { parseExposition, total } from './support/prometheus.js';
import { serveProcess, type ServeProcess } from './support/process.js';
import { ADMIN, backends, keyed } from './support/service.js';
import { postgresBinaries, ThrowawayPostgres } from './support/throwaway-postgres.js';

async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as { port: number }).port;
  s.close();
  return port;
}

const probe = async (url: string) => {
  const started = performance.now();
  const res = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, ms: performance.now() - started };
};

async function until(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(!postgresBinaries)('a sluice serve process whose PostgreSQL stops', () => {
  let pg: ThrowawayPostgres | undefined;
  let proc: ServeProcess | undefined;
  afterAll(() => {
    proc?.child.kill('SIGKILL');
    pg?.destroy();
  });

  it('answers /livez while the database is down and /readyz 503, then ready again when it is back', async () => {
    pg = new ThrowawayPostgres(await freePort());
    pg.init();
    pg.start();
    proc = await serveProcess({ DATABASE_URL: pg.url, SLUICE_ADMIN_KEY: 'sk_admin_health', SLUICE_LOG_LEVEL: 'warn' });
    expect(await probe(`${proc.url}/livez`)).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await probe(`${proc.url}/readyz`)).toMatchObject({ status: 200, body: { status: 'ready', checks: { database: true, migrations: true, schemes: true } } });

    pg.stop();
    const live = await probe(`${proc.url}/livez`);
    expect(live).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect((await probe(`${proc.url}/healthz`)).status).toBe(200);
    const ready = await probe(`${proc.url}/readyz`);
    expect(ready).toMatchObject({ status: 503, body: { status: 'unavailable', checks: { database: false, migrations: false } } });

    pg.start();
    await until('/readyz to answer 200 again', async () => (await probe(`${proc!.url}/readyz`)).status === 200);
  }, 120_000);
});

describe.each(backends())('readiness on $name', (backend) => {
  afterAll(() => backend.cleanup());

  it('is not ready while a migration of this code has not run', async () => {
    const service = await backend.open();
    expect((await service.app.request('/readyz')).status).toBe(200);
    await sql`delete from kysely_migration where name = (select max(name) from kysely_migration)`.execute(service.store.db);
    const res = await service.app.request('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unavailable', checks: { database: true, migrations: false, schemes: true } });
    expect((await service.app.request('/livez')).status).toBe(200);
  });

});

describe('loading the active schemes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-ready-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('compiles the active versions as it starts, before it says ready, with no decision asked for', async () => {
    const options = { dataDir: dir, adminKey: ADMIN, seedExamples: false, quiet: true };
    const first = await createService(options);
    const api = await keyed(first, 'test');
    for (const name of ['warm_a', 'warm_b']) {
      await api.post(`/v1/schemes/${name}/versions`, { source: `scheme ${name}\nmode test\nroute a_eur EUR fee 1.00\n\nservice s {\n  cost a_eur\n}\n` });
      await api.post(`/v1/schemes/${name}/activate`, { version: 1 });
    }
    await first.close();
    const second = await createService(options);
    try {
      const res = await second.app.request('/readyz');
      expect(await res.json()).toEqual({ status: 'ready', checks: { database: true, migrations: true, schemes: true } });
      const compiled = parseExposition((await second.telemetry.metrics.exposition()).text);
      expect(total(compiled, 'sluice_compile_duration_seconds_count')).toBe(2);
      expect(total(compiled, 'sluice_decisions_total')).toBe(0);
    } finally {
      await second.close();
    }
  });
});
