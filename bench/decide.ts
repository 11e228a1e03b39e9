// Decide benchmark, on the path a library user calls: `decide(scheme, request, state)` with the
// request as JSON and a state object built for each call (as a caller reading it from its
// database would), with and without the trace, next to the same rules as a hand-written
// if-chain, json-rules-engine and zen-engine. Every engine's answers are checked equal to
// Sluice's on every request it is timed on, before any figure is printed.
import { compile, type CompiledScheme } from '../compiler/compile.js';
import { interpret } from '../compiler/interpret.js';
import { decide, expandTrace, prepareState } from '../index.js';
import { decideWith } from '../runtime/decide.js';
import { toRequest } from '../runtime/request.js';
import { parseState } from '../runtime/state.js';
import type { Decision } from '../runtime/types.js';
import type { InvalidRequest } from '../runtime/decide-request.js';
import { generateRequests, generateRules, schemeSource, type BenchRequest, type Rule } from './generate.js';
import { ifChain } from './if-chain.js';
import { header, medianMs, medianMsAsync, table } from './measure.js';
import { jsonRulesEngine, loadZen, zenEngine, type AsyncChain } from './rules-engines.js';

export const SIZES = [10, 100, 1000];
const REQUESTS = 20_000;

// A rate between each two of the generated routes' four currencies (fewer would filter routes,
// and the other engines, which only pick the route, would disagree); each value a new string.
const RATES: readonly (readonly [string, string, string])[] = [
  ['EUR/USD', '1.', '0850'],
  ['EUR/GBP', '0.', '8600'],
  ['EUR/PLN', '4.', '3000'],
  ['USD/GBP', '0.', '7900'],
  ['USD/PLN', '3.', '9600'],
  ['GBP/PLN', '5.', '0000'],
];

/** The state as a caller builds it per request from what it read: a new object and new strings. */
export function stateJson(): { rates: Record<string, string> } {
  const rates: Record<string, string> = {};
  for (const [pair, whole, frac] of RATES) rates[pair] = whole + frac;
  return { rates };
}

interface SyncEngine {
  readonly name: string;
  readonly run: (i: number) => string | null;
  /** false: checked against the others, not timed. */
  readonly timed?: false;
}

interface AsyncEngine {
  readonly name: string;
  readonly run: AsyncChain;
  /** Requests timed per repetition at each size: these engines are 100–10,000× slower. */
  readonly sample: (rules: number) => number;
  /** Requests whose answers are checked at each size (all of them unless that takes minutes). */
  readonly checked: (rules: number) => number;
}

export interface DecideRow {
  readonly rules: number;
  readonly engine: string;
  readonly ns: number;
  readonly requests: number;
  /** Requests whose answer was checked equal to Sluice's. */
  readonly checked: number;
}

export interface DecideResult {
  readonly rows: readonly DecideRow[];
  readonly notes: readonly string[];
  /** Per size: the mean trace JSON of 1,000 decisions, compact and expanded, in bytes. */
  readonly traceBytes: readonly (readonly [rules: number, compact: number, expanded: number])[];
}

export const PUBLIC = 'decide(scheme, request, state)';
export const TRACED = `${PUBLIC}, trace: true`;
const PREPARED = 'decide(scheme, request, prepareState(state))';
const INTERNAL = 'decideWith (internal: request and state read beforehand)';

function route(d: Decision | InvalidRequest): string | null {
  if (d.status === 'invalid') throw new Error(`bench request invalid: ${JSON.stringify(d.errors)}`);
  return d.route;
}

function publicEngines(scheme: CompiledScheme, raw: readonly BenchRequest[]): SyncEngine[] {
  const prepared = prepareState(stateJson());
  return [
    { name: PUBLIC, run: (i) => route(decide(scheme, raw[i], stateJson())) },
    { name: TRACED, run: (i) => route(decide(scheme, raw[i], stateJson(), { trace: true })) },
    { name: PREPARED, run: (i) => route(decide(scheme, raw[i], prepared)) },
  ];
}

/**
 * The internal path, on requests read beforehand. Measured after every public row: 20,000 read
 * requests kept alive make V8 allocate toRequest's objects in old space from then on
 * (pretenuring), which would slow the public path by half for the rest of the process.
 */
function internalEngines(scheme: CompiledScheme, raw: readonly BenchRequest[]): SyncEngine[] {
  const state = parseState(stateJson()).state;
  const reqs = raw.map((r) => toRequest(r as unknown as Record<string, unknown>, scheme.fieldKinds));
  const reference = interpret(scheme.ast);
  return [
    { name: INTERNAL, run: (i) => decideWith(scheme.program, reqs[i]!, state, { trace: false }).route },
    { name: 'reference interpreter', run: (i) => decideWith(reference, reqs[i]!, state, { trace: false }).route, timed: false },
  ];
}

function asyncEngines(ruleSet: readonly Rule[], notes: string[]): AsyncEngine[] {
  // json-rules-engine takes ~35 ms a request at 1,000 rules: checking all 20,000 would take 12 minutes.
  const jre = (n: number) => (n >= 1000 ? 200 : n >= 100 ? 2000 : REQUESTS);
  const list: AsyncEngine[] = [{ name: 'json-rules-engine', run: jsonRulesEngine(ruleSet), sample: (n) => (n >= 1000 ? 100 : n >= 100 ? 500 : 2000), checked: jre }];
  const zen = loadZen();
  if (typeof zen === 'string') {
    if (!notes.some((n) => n.startsWith('zen-engine'))) notes.push(`zen-engine rows skipped: ${zen}.`);
  } else list.push({ name: 'zen-engine', run: zenEngine(zen, ruleSet), sample: (n) => (n >= 1000 ? 500 : 2000), checked: () => REQUESTS });
  return list;
}

function verifySync(list: readonly SyncEngine[], expected: readonly (string | null)[]): void {
  const count = expected.length;
  for (const e of list) {
    for (let i = 0; i < count; i++) {
      const got = e.run(i);
      if (got !== expected[i]) throw new Error(`request ${i}: ${e.name} chose ${got}, ${PUBLIC} chose ${expected[i]}`);
    }
  }
}

async function verifyAsync(e: AsyncEngine, raw: readonly BenchRequest[], expected: readonly (string | null)[], count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const got = await e.run(raw[i]!);
    if (got !== expected[i]) throw new Error(`request ${i}: ${e.name} chose ${got}, ${PUBLIC} chose ${expected[i]}`);
  }
}

function timeSync(n: number, e: SyncEngine, count: number): DecideRow {
  const ms = medianMs(() => {
    for (let i = 0; i < count; i++) e.run(i);
  }, 11);
  return { rules: n, engine: e.name, ns: (ms * 1e6) / count, requests: count, checked: count };
}

async function timeAsync(n: number, e: AsyncEngine, raw: readonly BenchRequest[], expected: readonly (string | null)[]): Promise<DecideRow> {
  const count = e.sample(n);
  const checked = Math.max(count, e.checked(n));
  await verifyAsync(e, raw, expected, checked);
  const ms = await medianMsAsync(async () => {
    for (let i = 0; i < count; i++) await e.run(raw[i]!);
  }, 3);
  return { rules: n, engine: e.name, ns: (ms * 1e6) / count, requests: count, checked };
}

interface Size {
  readonly rules: number;
  readonly scheme: CompiledScheme;
  /** The route each request was given by the public decide. */
  readonly expected: readonly (string | null)[];
}

async function measurePublic(n: number, raw: readonly BenchRequest[], notes: string[]): Promise<{ size: Size; rows: DecideRow[] }> {
  const ruleSet = generateRules(n);
  const scheme = compile(schemeSource(ruleSet)).scheme!;
  const chain = ifChain(ruleSet);
  const amounts = raw.map((r) => Number(r.amount));
  const sync = [...publicEngines(scheme, raw), { name: 'hand-written if-chain', run: (i: number) => chain(raw[i]!, amounts[i]!) }];
  const expected = raw.map((_, i) => sync[0]!.run(i));
  verifySync(sync, expected);
  const rows = sync.map((e) => timeSync(n, e, raw.length));
  for (const e of asyncEngines(ruleSet, notes)) rows.push(await timeAsync(n, e, raw, expected));
  return { size: { rules: n, scheme, expected }, rows };
}

/** Measured after all timing: traces kept alive while deciding would make V8 allocate new ones in old space. */
function traceBytes(scheme: CompiledScheme, raw: readonly BenchRequest[]): [compact: number, expanded: number] {
  const traces = raw.slice(0, 1000).flatMap((r) => {
    const d = decide(scheme, r, stateJson(), { trace: true });
    return d.status === 'invalid' ? [] : [d.trace];
  });
  const mean = (f: (t: (typeof traces)[number]) => string) => traces.reduce((sum, t) => sum + f(t).length, 0) / traces.length;
  return [mean((t) => JSON.stringify(t)), mean((t) => JSON.stringify(expandTrace(scheme, t)))];
}

function measureInternal({ rules, scheme, expected }: Size, raw: readonly BenchRequest[]): DecideRow[] {
  const engines = internalEngines(scheme, raw);
  verifySync(engines, expected);
  return engines.filter((e) => e.timed !== false).map((e) => timeSync(rules, e, raw.length));
}

async function measureDecide(): Promise<DecideResult> {
  const raw = generateRequests(REQUESTS);
  const notes: string[] = [];
  const rows: DecideRow[] = [];
  const sizes: Size[] = [];
  for (const n of SIZES) {
    const measured = await measurePublic(n, raw, notes);
    sizes.push(measured.size);
    rows.push(...measured.rows);
  }
  for (const size of sizes) rows.push(...measureInternal(size, raw));
  rows.sort((a, b) => a.rules - b.rules);
  return { rows, notes, traceBytes: sizes.map((s) => [s.rules, ...traceBytes(s.scheme, raw)] as const) };
}

export function fmtNs(ns: number): string {
  return ns >= 100_000 ? `${(ns / 1000).toFixed(0)} µs` : ns >= 10_000 ? `${(ns / 1000).toFixed(1)} µs` : `${ns.toFixed(0)} ns`;
}

export async function decideSection(): Promise<string> {
  const { rows, notes, traceBytes: bytes } = await measureDecide();
  const sluice = new Map(rows.filter((r) => r.engine === PUBLIC).map((r) => [r.rules, r.ns]));
  const body = rows.map((r) => [
    `${r.rules}`,
    r.engine,
    fmtNs(r.ns),
    Math.round(1e9 / r.ns).toLocaleString('en-US'),
    `${(r.ns / sluice.get(r.rules)!).toFixed(2)}×`,
    r.requests.toLocaleString('en-US'),
    r.checked.toLocaleString('en-US'),
  ]);
  const note =
    `${REQUESTS.toLocaleString('en-US')} seeded requests as JSON; a state of six rates built for each call (a new object and new strings). ` +
    `Before any figure is printed each engine's answers are checked equal to Sluice's on the requests counted under "checked" ` +
    `(all of them, but for json-rules-engine at 100 and 1,000 rules, where that would take minutes); the reference interpreter is checked, not timed. ` +
    `Sluice's rows are full decisions (request checked, state read, route, allocation with debit and fee); the others only pick the route. ` +
    `json-rules-engine and zen-engine are asynchronous and time a sample of the requests ("timed").\n`;
  const extra = notes.length ? `\n${notes.join('\n')}\n` : '';
  return `${header('decide')}${note}${extra}\n${table(['rules', 'engine', 'per decision', 'decisions/s', 'time vs decide', 'timed', 'checked'], body)}\n${targets(rows)}${scalingTable(rows)}${traceTable(bytes)}`;
}

/** The targets of issue 15, met or not, from the rows measured. */
function targets(rows: readonly DecideRow[]): string {
  const ns = (rules: number, engine: string) => rows.find((r) => r.rules === rules && r.engine === engine)?.ns;
  const large = SIZES[SIZES.length - 1]!;
  const lines: [string, number | undefined, (x: number) => boolean, (x: number) => string][] = [
    [`${PUBLIC} at ${SIZES[0]} rules < 1 µs`, ns(SIZES[0]!, PUBLIC), (x) => x < 1000, fmtNs],
    [`faster than the if-chain at ${large} rules`, ratio(ns(large, 'hand-written if-chain'), ns(large, PUBLIC)), (x) => x > 1, (x) => `${x.toFixed(2)}× the if-chain's speed`],
    [`trace ≤ 2× no trace at ${large} rules`, ratio(ns(large, TRACED), ns(large, PUBLIC)), (x) => x <= 2, (x) => `${x.toFixed(2)}×`],
    [`≥ 100× zen-engine at ${large} rules`, ratio(ns(large, 'zen-engine'), ns(large, PUBLIC)), (x) => x >= 100, (x) => `${x.toFixed(0)}×`],
    [`≥ 1,000× json-rules-engine at ${large} rules`, ratio(ns(large, 'json-rules-engine'), ns(large, PUBLIC)), (x) => x >= 1000, (x) => `${x.toFixed(0)}×`],
  ];
  const body = lines.map(([what, x, ok, show]) => [what, x === undefined ? 'not measured' : show(x), x === undefined ? '—' : ok(x) ? 'met' : '**missed**']);
  return `\n${table(['target', 'measured', ''], body)}\n`;
}

function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : a / b;
}

function scalingTable(rows: readonly DecideRow[]): string {
  const [small, large] = [SIZES[0]!, SIZES[SIZES.length - 1]!];
  const engines = [...new Set(rows.map((r) => r.engine))];
  const body = engines.flatMap((engine) => {
    const a = rows.find((r) => r.engine === engine && r.rules === small);
    const b = rows.find((r) => r.engine === engine && r.rules === large);
    return a && b ? [[engine, fmtNs(a.ns), fmtNs(b.ns), `${(b.ns / a.ns).toFixed(1)}×`]] : [];
  });
  const note = `Cost of a decision at ${large.toLocaleString('en-US')} rules relative to ${small} (same requests, figures of the decide section).\n`;
  return `\n### scaling\n\n${note}\n${table(['engine', `${small} rules`, `${large.toLocaleString('en-US')} rules`, 'ratio'], body)}\n`;
}

/**
 * What a public decision is made of, at the smallest size: each part timed alone on the same
 * requests; the decision on read requests last, as those requests are kept (see internalEngines).
 */
export function partsSection(): string {
  const raw = generateRequests(REQUESTS);
  const scheme = compile(schemeSource(generateRules(SIZES[0]!))).scheme!;
  const state = parseState(stateJson()).state;
  const time = (f: (i: number) => unknown): string => {
    const ms = medianMs(() => {
      for (let i = 0; i < raw.length; i++) f(i);
    }, 11);
    return fmtNs((ms * 1e6) / raw.length);
  };
  const rows = [
    [PUBLIC, time((i) => decide(scheme, raw[i], stateJson()))],
    ['the request checked and read in one pass (runtime/fast-request.ts: what decide does)', time((i) => scheme.fast!(raw[i]))],
    ['internal: the request checked by the full reader (ajv schema, then the amount read exactly: for a request the one-pass reader leaves, and its errors)', time((i) => scheme.read(raw[i]))],
    ['the state read (six rates, a new object each call)', time(() => parseState(stateJson()))],
    ["the state object built (the caller's part, included in the decide rows)", time(() => stateJson())],
    ["internal: the request read into the runtime's form after the full reader (toRequest)", time((i) => toRequest(raw[i] as unknown as Record<string, unknown>, scheme.fieldKinds))],
  ];
  const reqs = raw.map((r) => toRequest(r as unknown as Record<string, unknown>, scheme.fieldKinds));
  rows.push(['internal: the decision on a read request and state (decideWith)', time((i) => decideWith(scheme.program, reqs[i]!, state, { trace: false }))]);
  const note = `The parts of ${PUBLIC} at ${SIZES[0]} rules, each timed alone over the decide section's ${REQUESTS.toLocaleString('en-US')} requests. Rows marked internal are calls a user does not make: they say where the public decision's time goes.\n`;
  return `${header('parts')}${note}\n${table(['part', 'per request'], rows)}\n`;
}

function traceTable(bytes: DecideResult['traceBytes']): string {
  const body = bytes.map(([rules, compact, expanded]) => [rules.toLocaleString('en-US'), `${compact.toFixed(0)} B`, `${expanded.toFixed(0)} B`]);
  const note = 'Mean trace JSON of the first 1,000 requests with `trace: true`: as decide answers it, and expanded by expandTrace for a person to read.\n';
  return `\n### trace size\n\n${note}\n${table(['rules', 'compact', 'expanded'], body)}\n`;
}
