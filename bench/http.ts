// The HTTP section: Sluice's decide endpoint next to a bare Hono endpoint (same server setup,
// same load generator, one process each), and payout requests/s on PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { header, table } from './measure.js';
import { json, load, startServer, type Load, type LoadResult, type Server } from './processes.js';

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

const middle = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Endpoint {
  readonly name: string;
  readonly server: Server;
  readonly load: Load;
}

interface Run {
  readonly result: LoadResult;
  /** CPU time per request of the server process and of the load generator (this process), in µs. */
  readonly serverUs: number;
  readonly generatorUs: number;
}

async function measured(e: Endpoint): Promise<Run> {
  const server = e.server.cpuUs();
  const generator = process.cpuUsage();
  const result = await load(e.load);
  const used = process.cpuUsage(generator);
  return { result, serverUs: (e.server.cpuUs() - server) / result.requests, generatorUs: (used.user + used.system) / result.requests };
}

/**
 * Each repetition runs the bare endpoint and then every other one, so each is compared with a
 * bare run made moments before it: on a shared machine the load drifts between repetitions.
 */
async function alternated(endpoints: readonly Endpoint[]): Promise<Run[][]> {
  for (const e of endpoints) await load({ ...e.load, seconds: 1 }); // warm-up, not counted
  const runs: Run[][] = endpoints.map(() => []);
  for (let rep = 0; rep < REPS; rep++) for (const [i, e] of endpoints.entries()) runs[i]!.push(await measured(e));
  return runs;
}

function row(name: string, runs: readonly Run[], bare: readonly Run[]): string[] {
  const r = [...runs].sort((a, b) => a.result.rps - b.result.rps)[Math.floor(runs.length / 2)]!;
  const ratio = middle(runs.map((run, i) => run.result.rps / bare[i]!.result.rps));
  return [
    name,
    Math.round(r.result.rps).toLocaleString('en'),
    `${r.result.p50} ms`,
    `${r.result.p99} ms`,
    String(runs.reduce((n, run) => n + run.result.errors, 0)),
    `${Math.round(middle(runs.map((run) => run.serverUs)))} µs`,
    `${Math.round(middle(runs.map((run) => run.generatorUs)))} µs`,
    `${Math.round(ratio * 100)}%`,
  ];
}

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
    await json(`${sluice.url}/v1/routes/acme_eur`, key, 'PUT', { balance: '50000.00' });
    await json(`${sluice.url}/v1/routes/bankco_eur`, key, 'PUT', { balance: '90000.00' });
    const base = { connections: CONNECTIONS, seconds: SECONDS, method: 'POST' as const, verify: routed };
    const decide = (name: string, body: Record<string, unknown>): Endpoint => ({
      name,
      server: sluice,
      load: { ...base, url: `${sluice.url}/v1/schemes/eu_payouts/decide`, headers: { authorization: `Bearer ${key}` }, body: JSON.stringify(body) },
    });
    const endpoints = [
      { name: 'bare Hono, constant JSON', server: bare, load: { ...base, url: `${bare.url}/decide`, body: '{}' } },
      decide('decide, state in the body, `"trace": true`', { request: REQUEST, state: STATE, trace: true }),
      decide('decide, state in the body, no trace (the default)', { request: REQUEST, state: STATE }),
      decide('decide, stored state (PGlite), `"trace": true`', { request: REQUEST, trace: true }),
      decide('decide, stored state (PGlite), no trace (the default)', { request: REQUEST }),
    ];
    const runs = await alternated(endpoints);
    return endpoints.map((e, i) => row(e.name, runs[i]!, runs[0]!));
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
    return [`payout requests, PostgreSQL, ${workers} worker${workers > 1 ? 's' : ''}`, Math.round(r.rps).toLocaleString('en'), `${r.p50} ms`, `${r.p99} ms`, String(r.errors), '', '', ''];
  } finally {
    sluice.stop();
  }
}

export async function httpSection(): Promise<string> {
  const rows = await decideRows();
  const pgUrl = process.env['BENCH_DATABASE_URL'] ?? process.env['TEST_DATABASE_URL'];
  if (pgUrl) for (const workers of [1, 2]) rows.push(await payoutRows(pgUrl, workers));
  const note = pgUrl ? '' : '\nPayout requests on PostgreSQL: set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to measure them.\n';
  const setup = [
    `Both endpoints are served the same way: @hono/node-server, one Node process, 127.0.0.1, started by this process.`,
    `The load generator is autocannon in this process (one thread; ${CONNECTIONS} connections, 16 for payout requests), the same for every endpoint; it shares the machine's cores with the server, so the ratio is fair but the absolute figures are bounded by both.`,
    `${SECONDS} s per run after a 1 s warm-up; ${REPS} repetitions, each running the bare endpoint and then the others; requests/s, p50 and p99 are the median run's, "vs bare Hono" the median of each run's ratio to the bare run just before it.`,
    'Every response is checked (errors counts non-2xx answers and failed checks). CPU per request is the server process\'s user + system time (from /proc) and the generator\'s, divided by the requests served: unlike requests/s it hardly moves when other work shares the machine.',
  ].join(' ');
  return `${header('HTTP')}\n${setup}\n\n${table(['endpoint', 'requests/s', 'p50', 'p99', 'errors', 'server CPU/request', 'generator CPU/request', 'vs bare Hono'], rows)}\n${note}`;
}
