// What metrics and logs cost the decide endpoint, measured on its own: the HTTP section's two
// instances differ by their process as well as by metrics and logs, and one pair of runs moves
// by 10–20% on this machine. Here each repetition starts a fresh pair (metrics and a JSON log
// line per request on, as by default; and SLUICE_METRICS=off SLUICE_LOG_LEVEL=silent), pinned to
// one core with the load generator pinned to the other, and loads them in short slices in the
// order ABBAABBA (which is A alternating), so that a slow spell of the machine falls on both; the
// figure is the median of the repetitions' ratios.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stateJson } from './decide.js';
import { generateRequests } from './generate.js';
import { benchScheme, CONNECTIONS, ENV, GENERATOR_CPU, middle, SERVER_CPU, testKey } from './http.js';
import { header, table } from './measure.js';
import { loadPinned, pinSelf, startServer, type Server } from './processes.js';

const REPS = Number(process.env['BENCH_OVERHEAD_REPS'] ?? 7);
/** Slices of load per repetition, each `SLICE` seconds, half of them on each instance. */
const SLICES = 8;
const SLICE = 1;
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

interface Totals {
  requests: number;
  seconds: number;
  cpuUs: number;
}

/** Adds one load of `seconds` to the instance's totals: requests served and server CPU µs. */
async function measure(i: Instance, body: string, seconds: number, totals: Totals): Promise<void> {
  const before = i.server.cpuUs();
  const { result } = await loadPinned({ url: i.url, method: 'POST', headers: { authorization: `Bearer ${i.key}` }, body, connections: CONNECTIONS, seconds, expect: '"status":"routed"' }, GENERATOR_CPU);
  if (result.errors) throw new Error(`${result.errors} errors in the overhead load`);
  totals.requests += result.requests;
  totals.seconds += seconds;
  totals.cpuUs += i.server.cpuUs() - before;
}

async function repetition(rep: number, body: string): Promise<string[]> {
  const dirs = [mkdtempSync(join(tmpdir(), 'sluice-bench-')), mkdtempSync(join(tmpdir(), 'sluice-bench-'))];
  const on = await instance({}, dirs[0]!);
  const off = await instance(QUIET, dirs[1]!);
  try {
    const order = rep % 2 === 0 ? [on, off] : [off, on];
    const warm: Totals = { requests: 0, seconds: 0, cpuUs: 0 };
    for (const i of order) await measure(i, body, 1, warm);
    const totals = new Map(order.map((i) => [i, { requests: 0, seconds: 0, cpuUs: 0 }]));
    // A B B A A B B A: each slice's neighbour is the other instance as often as itself.
    for (let k = 0; k < SLICES; k++) {
      const i = order[(k + 1) % 4 < 2 ? 0 : 1]!;
      await measure(i, body, SLICE, totals.get(i)!);
    }
    const [a, b] = [totals.get(on)!, totals.get(off)!];
    const [rpsOn, rpsOff] = [a.requests / a.seconds, b.requests / b.seconds];
    const [cpuOn, cpuOff] = [a.cpuUs / a.requests, b.cpuUs / b.requests];
    return [String(rep + 1), order[0] === on ? 'on first' : 'off first', fmt(rpsOn), fmt(rpsOff), pct(1 - rpsOn / rpsOff), `${(cpuOn - cpuOff).toFixed(1)} µs`, pct(cpuOn / cpuOff - 1)];
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
  pinSelf(GENERATOR_CPU);
  const rows: string[][] = [];
  for (let rep = 0; rep < REPS; rep++) rows.push(await repetition(rep, body));
  const lost = middle(rows.map((r) => Number(r[4]!.slice(0, -1))));
  const added = middle(rows.map((r) => Number(r[5]!.split(' ')[0])));
  const addedShare = middle(rows.map((r) => Number(r[6]!.slice(0, -1))));
  const spread = rows.map((r) => Number(r[4]!.slice(0, -1))).sort((x, y) => x - y);
  const note =
    `Decide at ${RULES} rules with the state in the body, ${REPS} repetitions, each a fresh pair of instances pinned to CPU ${SERVER_CPU}, the load generator (${CONNECTIONS} connections) and this process (which reads the instances' log lines) pinned to CPU ${GENERATOR_CPU}; after 1 s of warm-up each, the pair is loaded in ${SLICES} slices of ${SLICE} s in the order ABBAABBA, A alternating between repetitions. Requests/s and server CPU per request are each instance's totals over its slices.\n`;
  const summary = `\nMedian: ${lost.toFixed(1)}% of requests/s lost with metrics and logs on (repetitions from ${spread[0]}% to ${spread.at(-1)}%), ${added.toFixed(1)} µs (${addedShare.toFixed(1)}%) of server CPU added per request. Target: under 5%: **${lost < 5 ? 'met' : 'missed'}**.\n`;
  return `${header('metrics and logs overhead')}${note}\n${table(['repetition', 'order', 'requests/s, on', 'requests/s, off', 'requests/s lost', 'server CPU added/request', 'CPU added'], rows)}\n${summary}`;
}
