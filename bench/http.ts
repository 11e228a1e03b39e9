// The HTTP section: Sluice's decide endpoint next to a bare Hono endpoint (same server setup,
// same load generator, one process each), and payout requests/s on PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { header, table } from './measure.js';
import { json, load, startServer, type LoadResult, type Server } from './processes.js';

const ADMIN = 'sk_admin_bench';
const SECONDS = Number(process.env['BENCH_HTTP_SECONDS'] ?? 10);
const CONNECTIONS = 32;
const REPS = 3;
const REQUEST = { amount: '100.00', currency: 'EUR', service: 'sepa_eur', country: 'DE', fields: { kyc_level: 3, segment: 'retail' } };
const STATE = { routes: { acme_eur: { balance: '50000.00' }, bankco_eur: { balance: '90000.00' } }, rates: { 'EUR/USD': '1.0850' } };
const ENV = { SLUICE_ADMIN_KEY: ADMIN, SLUICE_RATE_LIMIT: '1000000000' };

/** The median (by requests/s) of REPS runs. */
async function median(run: () => Promise<LoadResult>): Promise<LoadResult> {
  const results: LoadResult[] = [];
  for (let i = 0; i < REPS; i++) results.push(await run());
  results.sort((a, b) => a.rps - b.rps);
  return results[Math.floor(REPS / 2)]!;
}

const row = (name: string, r: LoadResult, base?: LoadResult): string[] => [
  name,
  Math.round(r.rps).toLocaleString('en'),
  `${r.p50} ms`,
  `${r.p99} ms`,
  String(r.errors),
  base ? `${Math.round((r.rps / base.rps) * 100)}%` : '100%',
];

async function testKey(s: Server): Promise<string> {
  return (await json(`${s.url}/v1/api-keys`, ADMIN, 'POST', { mode: 'test' }))['key'] as string;
}

const routed = (body: string) => body.includes('"status":"routed"');

async function decideRows(): Promise<string[][]> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-'));
  const bare = await startServer(['dist/bench/bare-hono.js']);
  const sluice = await startServer(['bin/sluice.mjs', 'serve'], { ...ENV, SLUICE_DATA_DIR: dir });
  try {
    const key = await testKey(sluice);
    const auth = { authorization: `Bearer ${key}` };
    await json(`${sluice.url}/v1/routes/acme_eur`, key, 'PUT', { balance: '50000.00' });
    await json(`${sluice.url}/v1/routes/bankco_eur`, key, 'PUT', { balance: '90000.00' });
    const decide = `${sluice.url}/v1/schemes/eu_payouts/decide`;
    const base = { connections: CONNECTIONS, seconds: SECONDS, method: 'POST' as const };
    const b = await median(() => load({ ...base, url: `${bare.url}/decide`, body: '{}', verify: routed }));
    const given = await median(() => load({ ...base, url: decide, headers: auth, body: JSON.stringify({ request: REQUEST, state: STATE }), verify: routed }));
    const stored = await median(() => load({ ...base, url: decide, headers: auth, body: JSON.stringify({ request: REQUEST }), verify: routed }));
    return [row('bare Hono, constant JSON', b), row('decide, state in the body', given, b), row('decide, stored state (PGlite)', stored, b)];
  } finally {
    bare.stop();
    sluice.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A fresh database on the PostgreSQL that BENCH_DATABASE_URL (or TEST_DATABASE_URL) names. */
async function freshDatabase(url: string, name: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(`drop database if exists ${name} with (force)`);
  await c.query(`create database ${name}`);
  await c.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function payoutRows(url: string, workers: number): Promise<string[]> {
  const sluice = await startServer(['bin/sluice.mjs', 'serve'], { ...ENV, DATABASE_URL: await freshDatabase(url, 'sluice_bench'), SLUICE_WORKERS: String(workers) });
  try {
    const key = await testKey(sluice);
    await json(`${sluice.url}/v1/payout-points`, key, 'POST', { id: 'pop_bench', currencies: ['EUR'], scheme: 'eu_payouts' });
    for (const route of ['acme_eur', 'bankco_eur']) await json(`${sluice.url}/v1/routes/${route}`, key, 'PUT', { balance: '1000000000.00' });
    const body = JSON.stringify({ data: { type: 'payout-request', attributes: { point_amount: '10.00', point_id: 'pop_bench', point_currency: 'EUR', service: 'sepa_eur', fields: { kyc_level: 3 } } } });
    const r = await median(() => load({ url: `${sluice.url}/v1/payout-gateway/payout-requests`, method: 'POST', headers: { authorization: `Bearer ${key}` }, body, connections: 16, seconds: SECONDS, verify: (t) => t.includes('"status":"processed"') }));
    return [`payout requests, PostgreSQL, ${workers} worker${workers > 1 ? 's' : ''}`, Math.round(r.rps).toLocaleString('en'), `${r.p50} ms`, `${r.p99} ms`, String(r.errors), ''];
  } finally {
    sluice.stop();
  }
}

export async function httpSection(): Promise<string> {
  const rows = await decideRows();
  const pgUrl = process.env['BENCH_DATABASE_URL'] ?? process.env['TEST_DATABASE_URL'];
  if (pgUrl) for (const workers of [1, 2]) rows.push(await payoutRows(pgUrl, workers));
  const note = pgUrl ? '' : '\nPayout requests on PostgreSQL: set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to measure them.\n';
  return `${header('HTTP')}\nautocannon, ${CONNECTIONS} connections (16 for payout requests), ${SECONDS} s per run, median of ${REPS} runs by requests/s; every response checked (errors counts non-2xx and failed checks). The load generator shares the machine's 2 cores with the server.\n\n${table(['endpoint', 'requests/s', 'p50', 'p99', 'errors', 'vs bare Hono'], rows)}\n${note}`;
}
