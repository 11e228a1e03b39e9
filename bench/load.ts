// `npm run load`: the service under sustained load (autocannon, 64 connections, LOAD_SECONDS
// each, default 60) on decide and on payout requests: every response checked, errors counted,
// resident memory sampled each second after a warm-up. PostgreSQL with LOAD_DATABASE_URL,
// else embedded PGlite.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { table } from './measure.js';
import { json, load, startServer, type Load, type LoadResult, type Server } from './processes.js';

const SECONDS = Number(process.env['LOAD_SECONDS'] ?? 60);
const CONNECTIONS = 64;
const ADMIN = 'sk_admin_load';

interface Sampled {
  readonly result: LoadResult;
  readonly rss: readonly number[];
}

/** Runs a load while sampling the server's memory every second. */
async function sampled(server: Server, l: Load): Promise<Sampled> {
  const rss: number[] = [];
  const timer = setInterval(() => rss.push(server.rssMiB()), 1000);
  try {
    return { result: await load(l), rss };
  } finally {
    clearInterval(timer);
  }
}

function row(name: string, s: Sampled): string[] {
  const settled = s.rss.slice(Math.min(5, s.rss.length - 1));
  const first = settled[0] ?? NaN;
  const last = settled.at(-1) ?? NaN;
  return [
    name,
    s.result.requests.toLocaleString('en'),
    Math.round(s.result.rps).toLocaleString('en'),
    `${s.result.p50} ms`,
    `${s.result.p99} ms`,
    String(s.result.errors),
    `${first.toFixed(0)} → ${last.toFixed(0)} MiB (max ${Math.max(...settled).toFixed(0)})`,
  ];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-load-'));
  const dbUrl = process.env['LOAD_DATABASE_URL'];
  const server = await startServer(['bin/sluice.mjs', 'serve'], { SLUICE_ADMIN_KEY: ADMIN, SLUICE_RATE_LIMIT: '1000000000', SLUICE_DATA_DIR: dir, ...(dbUrl ? { DATABASE_URL: dbUrl } : {}) });
  try {
    const key = (await json(`${server.url}/v1/api-keys`, ADMIN, 'POST', { mode: 'test' }))['key'] as string;
    const headers = { authorization: `Bearer ${key}` };
    for (const route of ['acme_eur', 'bankco_eur']) await json(`${server.url}/v1/routes/${route}`, key, 'PUT', { balance: '1000000000.00' });
    await json(`${server.url}/v1/payout-points`, key, 'POST', { id: 'pop_load', currencies: ['EUR'], scheme: 'eu_payouts' });
    const decide: Load = {
      url: `${server.url}/v1/schemes/eu_payouts/decide`,
      method: 'POST',
      headers,
      body: JSON.stringify({ request: { amount: '100.00', currency: 'EUR', service: 'sepa_eur', country: 'DE', fields: { kyc_level: 3 } } }),
      connections: CONNECTIONS,
      seconds: SECONDS,
      expect: '{"status":"routed"',
    };
    const payouts: Load = {
      url: `${server.url}/v1/payout-gateway/payout-requests`,
      method: 'POST',
      headers,
      body: JSON.stringify({ data: { type: 'payout-request', attributes: { point_amount: '10.00', point_id: 'pop_load', point_currency: 'EUR', service: 'sepa_eur', country: 'DE', fields: { kyc_level: 3 } } } }),
      connections: CONNECTIONS,
      seconds: SECONDS,
      expect: '"status":"processed"',
    };
    process.stderr.write(`load: ${SECONDS} s per endpoint at ${CONNECTIONS} connections on ${dbUrl ? 'PostgreSQL' : 'PGlite'}\n`);
    const rows = [row('decide (stored state)', await sampled(server, decide)), row('payout requests', await sampled(server, payouts))];
    const health = await fetch(`${server.url}/healthz`);
    const columns = ['endpoint', 'requests', 'requests/s', 'p50', 'p99', 'errors', 'memory after warm-up → end'];
    process.stdout.write(
      `## Load (${dbUrl ? 'PostgreSQL' : 'PGlite'}, ${CONNECTIONS} connections, ${SECONDS} s each)\n\n` +
        `${table(columns, rows)}\n\n/healthz after the load: ${health.status}\n`,
    );
    if (rows.some((r) => r[5] !== '0') || health.status !== 200) process.exitCode = 1;
  } finally {
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
