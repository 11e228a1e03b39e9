// Issue 13's figures, run by hand (not in npm test), after `npx tsc -p tsconfig.json`:
//   node --expose-gc dist/bench/compile-isolation.js
// 1. The heap after 100 saves of a 1 MB scheme, and after deciding with 20 of those versions
//    (each compiled on first use, into the byte-bounded cache); heap per source character.
// 2. /healthz latency, polled every 20 ms from this process, while `sluice serve` (a child
//    process) checks pathological and large sources on /v1/compile, and while it compiles a
//    1 MB version on its first decision (the part still on the request thread).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkSource } from '../compiler/check.js';
import { createService } from '../server/start.js';
import { generateRequests, generateRules, schemeSource } from './generate.js';
import { table } from './measure.js';
import { json, startServer } from './processes.js';

const ADMIN = 'sk_admin_bench';
const range = (n: number, f: (i: number) => string): string[] => Array.from({ length: n }, (_, i) => f(i));
const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

function heap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Issue 13's scheme: a one_of of 10,000 values and `branches` branches `when fields.f not in [20 values]`. */
function notInScheme(branches: number): string {
  const lines = ['scheme patho', `field f one_of ${range(10_000, (i) => `"v${i}"`).join(', ')}`, 'route a EUR', 'service s {'];
  for (let b = 0; b < branches; b++) lines.push(`  ${b ? '} else ' : ''}when fields.f not in [${range(20, (j) => `"v${(b * 20 + j) % 10_000}"`).join(', ')}] {`, '    optimal a');
  lines.push('  }', '}');
  return `${lines.join('\n')}\n`;
}

/** Stops at the analysis budget: 60 `not`s over 10,000 amounts, 18 branches. */
function deepNotScheme(): string {
  const lines = ['scheme patho', 'route a EUR', 'service s {'];
  for (let b = 0; b < 18; b++) lines.push(`  ${b ? '} else ' : ''}when ${'not '.repeat(60)}(amount in [${range(10_000, (i) => String((i * 7 + b) % 20_000)).join(', ')}]) {`, '    optimal a');
  lines.push('  }', '}');
  return `${lines.join('\n')}\n`;
}

async function heapFigures(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-heap-'));
  const service = await createService({ dataDir: dir, adminKey: ADMIN, seedExamples: false, quiet: true });
  const call = async (key: string, method: string, path: string, body: unknown) => {
    const res = await service.app.request(path, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  try {
    const key = (await call(ADMIN, 'POST', '/v1/api-keys', { mode: 'test' })).body['key'] as string;
    const base = schemeSource(generateRules(8_800));
    const name = /^scheme (\S+)/.exec(base)![1]!;
    const before = heap();
    const started = performance.now();
    for (let i = 1; i <= 100; i++) {
      const res = await call(key, 'POST', `/v1/schemes/${name}/versions`, { source: `${base}# save ${i}\n` });
      if (res.status !== 201) throw new Error(`save ${i}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    }
    const saveSeconds = (performance.now() - started) / 1000;
    const afterSaves = heap();
    const request = generateRequests(1)[0]!;
    const decided: number[] = [];
    for (let v = 1; v <= 20; v++) {
      const res = await call(key, 'POST', `/v1/schemes/${name}/decide`, { version: v, request, state: {} });
      if (res.status !== 200) throw new Error(`decide ${v}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      if (v === 1) decided.push(heap());
    }
    const afterDecides = heap();
    const perChar = (decided[0]! - afterSaves) / base.length;
    return table(
      ['what', 'V8 heap used'],
      [
        ['service started, nothing saved', mib(before)],
        [`after 100 saves of a ${(base.length / 1e6).toFixed(2)} MB scheme (${saveSeconds.toFixed(0)} s)`, mib(afterSaves)],
        ['after deciding with version 1 (compiled on first use)', `${mib(decided[0]!)} (${perChar.toFixed(0)} bytes per source character)`],
        ['after deciding with versions 1–20 (the cache keeps what fits 256 MiB estimated)', mib(afterDecides)],
      ],
    );
  } finally {
    await service.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Polled {
  readonly compileMs: number;
  readonly status: number;
  readonly polls: number;
  readonly maxMs: number;
  readonly medianMs: number;
}

/** Polls /healthz one after another, every 20 ms, for as long as `work` runs. */
async function whilePolling(url: string, work: () => Promise<number>): Promise<Polled> {
  const latencies: number[] = [];
  let done = false;
  const poll = (async () => {
    while (!done) {
      const t = performance.now();
      await (await fetch(`${url}/healthz`)).text();
      latencies.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const t = performance.now();
  const status = await work();
  const compileMs = performance.now() - t;
  done = true;
  await poll;
  const sorted = [...latencies].sort((a, b) => a - b);
  return { compileMs, status, polls: latencies.length, maxMs: sorted[sorted.length - 1] ?? NaN, medianMs: sorted[sorted.length >> 1] ?? NaN };
}

/** A row of the latency table: what ran, on how large a source, and /healthz meanwhile. */
function row(what: string, source: string, p: Polled): string[] {
  const mb = `${(source.length / 1e6).toFixed(2)} MB`;
  return [what, mb, String(p.status), `${p.compileMs.toFixed(0)} ms`, String(p.polls), `${p.medianMs.toFixed(1)} ms`, `${p.maxMs.toFixed(1)} ms`];
}

async function latencyFigures(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-latency-'));
  const server = await startServer(['bin/sluice.mjs', 'serve'], { SLUICE_ADMIN_KEY: ADMIN, SLUICE_RATE_LIMIT: '1000000000', SLUICE_DATA_DIR: dir });
  try {
    const key = (await json(`${server.url}/v1/api-keys`, ADMIN, 'POST', { mode: 'test' }))['key'] as string;
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      await res.text();
      return res.status;
    };
    const large = schemeSource(generateRules(17_500));
    const sources: [string, string][] = [
      ['issue 13, 500 branches', notInScheme(500)],
      ['issue 13, 5,500 branches', notInScheme(5_500)],
      ['60 nots over 10,000 amounts (stops at the budget)', deepNotScheme()],
      ['17,500 generated rules', large],
    ];
    const idle = await whilePolling(server.url, () => new Promise((r) => setTimeout(() => r(0), 3000)));
    const rows: string[][] = [['nothing (3 s)', '', '', '', String(idle.polls), `${idle.medianMs.toFixed(1)} ms`, `${idle.maxMs.toFixed(1)} ms`]];
    for (const [what, source] of sources) {
      const p = await whilePolling(server.url, () => post('/v1/compile', { source }));
      rows.push(row(`POST /v1/compile: ${what}`, source, p));
    }
    // The part left on the request thread: code generation when a version first decides.
    const oneMb = schemeSource(generateRules(8_800));
    const name = /^scheme (\S+)/.exec(oneMb)![1]!;
    if ((await post(`/v1/schemes/${name}/versions`, { source: oneMb })) !== 201) throw new Error('save failed');
    const request = generateRequests(1)[0]!;
    const p = await whilePolling(server.url, () => post(`/v1/schemes/${name}/decide`, { version: 1, request, state: {} }));
    rows.push(row('first decide with a saved version (compiled on the request thread)', oneMb, p));
    return table(['while', 'source', 'status', 'took', '/healthz polls', 'median', 'max'], rows);
  } finally {
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function checkFigures(): string {
  const rows = [
    ['issue 13, 500 branches', notInScheme(500)],
    ['issue 13, 5,500 branches', notInScheme(5_500)],
    ['60 nots over 10,000 amounts', deepNotScheme()],
  ].map(([what, source]) => {
    const t = performance.now();
    const skipped = checkSource(source!).diagnostics.some((d) => d.code === 'W_REACHABILITY_SKIPPED');
    return [what!, `${(source!.length / 1e6).toFixed(2)} MB`, `${(performance.now() - t).toFixed(0)} ms`, skipped ? 'yes' : 'no'];
  });
  return table(['checkSource, in process', 'source', 'time', 'W_REACHABILITY_SKIPPED'], rows);
}

console.log(checkFigures());
console.log();
console.log(await latencyFigures());
console.log();
console.log(await heapFigures());
