// The HTTP section: the decide endpoint at 10 and 1,000 rules (state in the body and stored,
// with and without the trace) and batch decide, next to a bare Hono endpoint served the same
// way; and payout requests/s on PostgreSQL. Two set-ups: the load generator in this process
// (sharing both cores with the server), and in its own process pinned to the other core.
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { batchBody } from './batch-body.js';
import { stateJson } from './decide.js';
import { generateRequests, generateRules, schemeSource, type BenchRequest } from './generate.js';
import { header, table } from './measure.js';
import { json, load, loadPinned, pinSelf, startServer, type Load, type LoadResult, type Server } from './processes.js';

const ADMIN = 'sk_admin_bench';
const SECONDS = Number(process.env['BENCH_HTTP_SECONDS'] ?? 5);
export const CONNECTIONS = 32;
const REPS = 3;
const SIZES = [10, 1000];
/** Requests in one batch decide call. */
const BATCH = 1000;
export const ENV = { SLUICE_ADMIN_KEY: ADMIN, SLUICE_RATE_LIMIT: '1000000000' };

type Generator = 'shared' | 'pinned';
export const SERVER_CPU = '0';
export const GENERATOR_CPU = '1';

interface Endpoint {
  readonly name: string;
  readonly server: Server;
  readonly load: Load;
  /** Decisions per HTTP request: 1, or the batch's size. */
  readonly decisions: number;
}

interface Run {
  readonly result: LoadResult;
  /** CPU time per HTTP request of the server process and of the load generator, in µs. */
  readonly serverUs: number;
  readonly generatorUs: number;
}

async function measured(e: Endpoint, generator: Generator): Promise<Run> {
  const server = e.server.cpuUs();
  if (generator === 'pinned') {
    const { result, cpuUs } = await loadPinned(e.load, GENERATOR_CPU);
    return { result, serverUs: (e.server.cpuUs() - server) / result.requests, generatorUs: cpuUs / result.requests };
  }
  const before = process.cpuUsage();
  const result = await load(e.load);
  const used = process.cpuUsage(before);
  return { result, serverUs: (e.server.cpuUs() - server) / result.requests, generatorUs: (used.user + used.system) / result.requests };
}

/**
 * Each repetition runs the bare endpoint and then every other one, so each is compared with a
 * bare run made moments before it: on a shared machine the load drifts between repetitions.
 */
async function alternated(endpoints: readonly Endpoint[], generator: Generator): Promise<Run[][]> {
  for (const e of endpoints) await load({ ...e.load, seconds: 1 }); // warm-up, not counted
  const runs: Run[][] = endpoints.map(() => []);
  for (let rep = 0; rep < REPS; rep++) for (const [i, e] of endpoints.entries()) runs[i]!.push(await measured(e, generator));
  return runs;
}

/** The middle item of `xs` by `by` (the median run). */
export const medianBy = <T>(xs: readonly T[], by: (x: T) => number): T => [...xs].sort((a, b) => by(a) - by(b))[Math.floor(xs.length / 2)]!;
export const middle = (xs: readonly number[]): number => medianBy(xs, (x) => x);

function row(e: Endpoint, runs: readonly Run[], bare: readonly Run[]): string[] {
  const r = medianBy(runs, (run) => run.result.rps);
  const ratio = middle(runs.map((run, i) => run.result.rps / bare[i]!.result.rps));
  return [
    e.name,
    Math.round(r.result.rps).toLocaleString('en'),
    Math.round(r.result.rps * e.decisions).toLocaleString('en'),
    `${r.result.p50} ms`,
    `${r.result.p99} ms`,
    String(runs.reduce((n, run) => n + run.result.errors, 0)),
    `${Math.round(middle(runs.map((run) => run.serverUs)))} µs`,
    `${Math.round(middle(runs.map((run) => run.generatorUs)))} µs`,
    e.decisions === 1 ? `${Math.round(ratio * 100)}%` : '',
  ];
}

export async function testKey(s: Server): Promise<string> {
  return (await json(`${s.url}/v1/api-keys`, ADMIN, 'POST', { mode: 'test' }))['key'] as string;
}

/** Stores and activates the generated scheme of `rules` rules, and the rates its decisions need. */
export async function benchScheme(s: Server, key: string, rules: number): Promise<string> {
  const name = `bench_${rules}`;
  const created = await json(`${s.url}/v1/schemes/${name}/versions`, key, 'POST', { source: schemeSource(generateRules(rules)) });
  await json(`${s.url}/v1/schemes/${name}/activate`, key, 'POST', { version: created['version'] });
  return name;
}

function endpoints(sluice: Server, bare: Server, node: Server, key: string, requests: readonly BenchRequest[]): Endpoint[] {
  const base = { connections: CONNECTIONS, seconds: SECONDS, method: 'POST' as const, headers: { authorization: `Bearer ${key}` } };
  const request = requests[0]!;
  const list: Endpoint[] = [
    { name: 'bare Hono, constant JSON', server: bare, decisions: 1, load: { ...base, headers: {}, url: `${bare.url}/decide`, body: '{}', expect: 'routed' } },
    { name: 'bare `node:http`, no framework, constant JSON (the floor)', server: node, decisions: 1, load: { ...base, headers: {}, url: `${node.url}/decide`, body: '{}', expect: 'routed' } },
    {
      name: 'bare Hono, constant JSON after parsing the body (`c.req.json()`, state in the body)',
      server: bare,
      decisions: 1,
      load: { ...base, headers: {}, url: `${bare.url}/decide-parsed`, body: JSON.stringify({ request, state: stateJson() }), expect: 'routed' },
    },
  ];
  for (const rules of SIZES) {
    const url = `${sluice.url}/v1/schemes/bench_${rules}/decide`;
    const decide = (how: string, body: Record<string, unknown>): Endpoint => ({
      name: `decide, ${rules.toLocaleString('en')} rules, ${how}`,
      server: sluice,
      decisions: 1,
      load: { ...base, url, body: JSON.stringify(body), expect: '"status":"routed"' },
    });
    list.push(
      decide('state in the body', { request, state: stateJson() }),
      decide('state in the body, `"trace": true`', { request, state: stateJson(), trace: true }),
      decide('stored state', { request }),
      decide('stored state, `"trace": true`', { request, trace: true }),
    );
  }
  for (const rules of SIZES) {
    list.push({
      name: `batch decide, ${rules.toLocaleString('en')} rules, ${BATCH.toLocaleString('en')} requests a call, stored state`,
      server: sluice,
      decisions: BATCH,
      load: { ...base, connections: 4, url: `${sluice.url}/v1/schemes/bench_${rules}/decide-batch`, body: batchBody(requests, BATCH), expect: '"data"' },
    });
  }
  return list;
}

async function decideRows(generator: Generator): Promise<string[][]> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-'));
  const pin = generator === 'pinned' ? SERVER_CPU : undefined;
  // Pinned, this process (reading the servers' log lines) keeps off the server's core; shared, it may run anywhere.
  pinSelf(generator === 'pinned' ? GENERATOR_CPU : `0-${availableParallelism() - 1}`);
  const bare = await startServer(['dist/bench/bare-hono.js'], {}, pin);
  const node = await startServer(['dist/bench/bare-node.js'], {}, pin);
  const sluice = await startServer(['bin/sluice.mjs', 'serve'], { ...ENV, SLUICE_DATA_DIR: dir }, pin);
  try {
    const key = await testKey(sluice);
    for (const rules of SIZES) await benchScheme(sluice, key, rules);
    await json(`${sluice.url}/v1/rates/default`, key, 'PUT', stateJson().rates);
    const list = endpoints(sluice, bare, node, key, generateRequests(BATCH));
    const runs = await alternated(list, generator);
    return list.map((e, i) => row(e, runs[i]!, runs[0]!));
  } finally {
    bare.stop();
    node.stop();
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

async function payoutRow(url: string, workers: number): Promise<string[]> {
  const sluice = await startServer(['bin/sluice.mjs', 'serve'], { ...ENV, DATABASE_URL: await freshDatabase(url, 'sluice_bench'), SLUICE_WORKERS: String(workers) });
  try {
    const key = await testKey(sluice);
    await json(`${sluice.url}/v1/payout-points`, key, 'POST', { id: 'pop_bench', currencies: ['EUR'], scheme: 'eu_payouts' });
    for (const route of ['acme_eur', 'bankco_eur']) await json(`${sluice.url}/v1/routes/${route}`, key, 'PUT', { balance: '1000000000.00' });
    const attributes = { point_amount: '10.00', point_id: 'pop_bench', point_currency: 'EUR', service: 'sepa_eur', country: 'DE', fields: { kyc_level: 3 } };
    const body = JSON.stringify({ data: { type: 'payout-request', attributes } });
    const runs: LoadResult[] = [];
    for (let i = 0; i < REPS; i++) {
      runs.push(
        await load({
          url: `${sluice.url}/v1/payout-gateway/payout-requests`,
          method: 'POST',
          headers: { authorization: `Bearer ${key}` },
          body,
          connections: 16,
          seconds: SECONDS,
          expect: '"status":"processed"',
        }),
      );
    }
    const r = medianBy(runs, (run) => run.rps);
    return [`payout requests, PostgreSQL, ${workers} worker${workers > 1 ? 's' : ''}`, Math.round(r.rps).toLocaleString('en'), '', `${r.p50} ms`, `${r.p99} ms`, String(r.errors), '', '', ''];
  } finally {
    sluice.stop();
  }
}


const COLUMNS = ['endpoint', 'requests/s', 'decisions/s', 'p50', 'p99', 'errors', 'server CPU/request', 'generator CPU/request', 'vs bare Hono'];

const SETUPS: Record<Generator, string> = {
  shared: 'The load generator (autocannon) runs in this process, one thread, unpinned: it shares the two cores with the server, so the ratio is fair but the absolute figures are bounded by both.',
  pinned: `The server runs pinned to CPU ${SERVER_CPU} and the load generator (autocannon) in its own process pinned to CPU ${GENERATOR_CPU} (taskset), so neither takes the other's core; this process, which reads the server's log lines, is pinned to CPU ${GENERATOR_CPU} too.`,
};

function generators(): Generator[] {
  const asked = process.env['BENCH_HTTP_GENERATOR'];
  return asked === 'shared' || asked === 'pinned' ? [asked] : ['pinned', 'shared'];
}

export async function httpSection(): Promise<string> {
  const parts: string[] = [header('HTTP')];
  parts.push(
    [
      `Every endpoint is served the same way: @hono/node-server, one Node process, 127.0.0.1. ${CONNECTIONS} connections (4 for batch decide, 16 for payout requests);`,
      `${SECONDS} s per run after a 1 s warm-up; ${REPS} repetitions, each running the bare endpoint and then the others; ` +
        `requests/s, p50 and p99 are the median run's, "vs bare Hono" the median of each run's ratio to the bare run just before it.`,
      `The schemes are the decide section's generated ones, stored and activated; ` +
        'the state is its six rates (in the body, or stored with PUT /v1/rates/default); ' +
        `batch decide sends the first ${BATCH.toLocaleString('en')} generated requests in one call.`,
      'Every response is checked (errors counts non-2xx answers and failed checks). CPU per request is user + system time (the server\'s from /proc) divided by the HTTP requests served.',
      'The service runs as configured by default: metrics on and a JSON log line per request on stdout (read by this process through a pipe); ' +
        'what metrics and logs cost is the overhead section\'s.',
    ].join(' '),
  );
  for (const generator of generators()) {
    const rows = await decideRows(generator);
    parts.push(`\n### load generator ${generator === 'pinned' ? 'in its own process, pinned' : 'in process, shared cores'}\n\n${SETUPS[generator]}\n\n${table(COLUMNS, rows)}\n`);
  }
  const pgUrl = process.env['BENCH_DATABASE_URL'] ?? process.env['TEST_DATABASE_URL'];
  if (pgUrl) {
    const rows = [await payoutRow(pgUrl, 1), await payoutRow(pgUrl, 2)];
    parts.push(`\n### payout requests\n\nThe load generator in process, 16 connections.\n\n${table(COLUMNS, rows)}\n`);
  } else parts.push('\nPayout requests on PostgreSQL: set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to measure them.\n');
  return parts.join('\n');
}
