// What metrics and logs cost the decide endpoint, measured on its own: the HTTP section's two
// instances differ by their process as well as by metrics and logs, and one pair of runs moves
// by 10–20% on this machine. Here each repetition starts a fresh pair (metrics and a JSON log
// line per request on, as by default; and SLUICE_METRICS=off SLUICE_LOG_LEVEL=silent), pinned to
// one core with the load generator pinned to the other, and loads both in turn, alternating which
// goes first; the figure is the median of the repetitions' ratios.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stateJson } from './decide.js';
import { generateRequests } from './generate.js';
import { benchScheme, CONNECTIONS, ENV, GENERATOR_CPU, middle, SERVER_CPU, testKey } from './http.js';
import { header, table } from './measure.js';
import { loadPinned, startServer, type Server } from './processes.js';

const REPS = Number(process.env['BENCH_OVERHEAD_REPS'] ?? 7);
const SECONDS = Number(process.env['BENCH_HTTP_SECONDS'] ?? 4);
const RULES = 10;
/** The same service with its metrics and per-request log lines off (they are on by default). */
const QUIET = { SLUICE_METRICS: 'off', SLUICE_LOG_LEVEL: 'silent' };

interface Instance {
  readonly server: Server;
  readonly url: string;
  readonly key: string;
}

async function instance(env: Record<string, string>, dir: string): Promise<Instance> {
  const server = await startServer(['bin/sluice.mjs', 'serve'], { ...ENV, ...env, SLUICE_DATA_DIR: dir }, SERVER_CPU);
  const key = await testKey(server);
  const name = await benchScheme(server, key, RULES);
  return { server, key, url: `${server.url}/v1/schemes/${name}/decide` };
}

/** requests/s and server CPU µs per request of one load. */
async function measure(i: Instance, body: string, seconds: number): Promise<{ rps: number; cpu: number }> {
  const before = i.server.cpuUs();
  const { result } = await loadPinned({ url: i.url, method: 'POST', headers: { authorization: `Bearer ${i.key}` }, body, connections: CONNECTIONS, seconds, expect: '"status":"routed"' }, GENERATOR_CPU);
  if (result.errors) throw new Error(`${result.errors} errors in the overhead load`);
  return { rps: result.rps, cpu: (i.server.cpuUs() - before) / result.requests };
}

async function repetition(rep: number, body: string): Promise<string[]> {
  const dirs = [mkdtempSync(join(tmpdir(), 'sluice-bench-')), mkdtempSync(join(tmpdir(), 'sluice-bench-'))];
  const on = await instance({}, dirs[0]!);
  const off = await instance(QUIET, dirs[1]!);
  try {
    const order = rep % 2 === 0 ? [on, off] : [off, on];
    for (const i of order) await measure(i, body, 1); // warm-up
    const [first, second] = [await measure(order[0]!, body, SECONDS), await measure(order[1]!, body, SECONDS)];
    const [a, b] = order[0] === on ? [first, second] : [second, first];
    return [String(rep + 1), order[0] === on ? 'on, off' : 'off, on', fmt(a.rps), fmt(b.rps), pct(1 - a.rps / b.rps), `${(a.cpu - b.cpu).toFixed(1)} µs`];
  } finally {
    on.server.stop();
    off.server.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (x: number): string => Math.round(x).toLocaleString('en');
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

export async function overheadSection(): Promise<string> {
  // The path a user calls: the state in the body.
  const body = JSON.stringify({ request: generateRequests(1)[0], state: stateJson() });
  const rows: string[][] = [];
  for (let rep = 0; rep < REPS; rep++) rows.push(await repetition(rep, body));
  const lost = middle(rows.map((r) => Number(r[4]!.slice(0, -1))));
  const added = middle(rows.map((r) => Number(r[5]!.split(' ')[0])));
  const spread = rows.map((r) => Number(r[4]!.slice(0, -1))).sort((x, y) => x - y);
  const note =
    `Decide at ${RULES} rules with the state in the body, ${REPS} repetitions, each a fresh pair of instances pinned to CPU ${SERVER_CPU}, the load generator (${CONNECTIONS} connections, ${SECONDS} s after 1 s of warm-up) pinned to CPU ${GENERATOR_CPU}, the pair loaded in turn, which first alternating.\n`;
  const summary = `\nMedian: ${lost.toFixed(1)}% of requests/s lost with metrics and logs on (repetitions from ${spread[0]}% to ${spread.at(-1)}%), ${added.toFixed(1)} µs of server CPU added per request. Target: under 5%: **${lost < 5 ? 'met' : 'missed'}**.\n`;
  return `${header('metrics and logs overhead')}${note}\n${table(['repetition', 'order', 'requests/s, on', 'requests/s, off', 'requests/s lost', 'server CPU added/request'], rows)}\n${summary}`;
}
