// Decide benchmark: ns per decision for generated first-match schemes, next to the same rules
// as a hand-written if-chain, json-rules-engine and zen-engine. Every engine's answers are
// checked equal to Sluice's on every request it is timed on, before any figure is printed.
import { compile } from '../compiler/compile.js';
import { interpret } from '../compiler/interpret.js';
import { decideWith } from '../runtime/decide.js';
import type { Program } from '../runtime/program.js';
import { toRequest } from '../runtime/request.js';
import { parseState } from '../runtime/state.js';
import type { Request, State } from '../runtime/types.js';
import { generateRequests, generateRules, schemeSource, type BenchRequest, type Rule } from './generate.js';
import { ifChain } from './if-chain.js';
import { header, medianMs, medianMsAsync, table } from './measure.js';
import { jsonRulesEngine, loadZen, zenEngine, type AsyncChain } from './rules-engines.js';

const STATE = parseState({ rates: { 'EUR/USD': '1.0850', 'EUR/GBP': '0.8600', 'EUR/PLN': '4.3000', 'USD/GBP': '0.7900', 'USD/PLN': '3.9600', 'GBP/PLN': '5.0000' } }).state;

export const SIZES = [10, 100, 1000];
const REQUESTS = 20_000;

interface SyncEngine {
  readonly name: string;
  readonly run: (i: number) => string | null;
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
}

function sluiceEngine(name: string, program: Program, reqs: readonly Request[], state: State): SyncEngine {
  return { name, run: (i) => decideWith(program, reqs[i]!, state, { trace: false }).route };
}

function syncEngines(ruleSet: readonly Rule[], raw: readonly BenchRequest[]): SyncEngine[] {
  const scheme = compile(schemeSource(ruleSet)).scheme!;
  const reqs = raw.map((r) => toRequest(r as unknown as Record<string, unknown>, scheme.fieldKinds));
  const chain = ifChain(ruleSet);
  const amounts = raw.map((r) => Number(r.amount));
  return [
    sluiceEngine('sluice compiled', scheme.program, reqs, STATE),
    sluiceEngine('reference interpreter', interpret(scheme.ast), reqs, STATE),
    { name: 'hand-written if-chain', run: (i) => chain(raw[i]!, amounts[i]!) },
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

function verifySync(list: readonly SyncEngine[], count: number): (string | null)[] {
  const expected = Array.from({ length: count }, (_, i) => list[0]!.run(i));
  for (const e of list.slice(1)) {
    for (let i = 0; i < count; i++) {
      const got = e.run(i);
      if (got !== expected[i]) throw new Error(`request ${i}: ${e.name} chose ${got}, ${list[0]!.name} chose ${expected[i]}`);
    }
  }
  return expected;
}

async function verifyAsync(e: AsyncEngine, raw: readonly BenchRequest[], expected: readonly (string | null)[], count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const got = await e.run(raw[i]!);
    if (got !== expected[i]) throw new Error(`request ${i}: ${e.name} chose ${got}, sluice compiled chose ${expected[i]}`);
  }
}

function timeSync(n: number, e: SyncEngine, count: number): DecideRow {
  const reps = e.name === 'reference interpreter' ? 5 : 11;
  const ms = medianMs(() => {
    for (let i = 0; i < count; i++) e.run(i);
  }, reps);
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

async function measureSize(n: number, raw: readonly BenchRequest[], notes: string[]): Promise<DecideRow[]> {
  const ruleSet = generateRules(n);
  const sync = syncEngines(ruleSet, raw);
  const expected = verifySync(sync, raw.length);
  const rows = sync.map((e) => timeSync(n, e, raw.length));
  for (const e of asyncEngines(ruleSet, notes)) rows.push(await timeAsync(n, e, raw, expected));
  return rows;
}

let cached: Promise<DecideResult> | undefined;

/** Measured once per process: the decide and scaling sections share the figures. */
export function measureDecide(): Promise<DecideResult> {
  cached ??= (async () => {
    const raw = generateRequests(REQUESTS);
    const notes: string[] = [];
    const rows: DecideRow[] = [];
    for (const n of SIZES) rows.push(...(await measureSize(n, raw, notes)));
    return { rows, notes };
  })();
  return cached;
}

function fmtNs(ns: number): string {
  return ns >= 100_000 ? `${(ns / 1000).toFixed(0)} µs` : ns >= 10_000 ? `${(ns / 1000).toFixed(1)} µs` : `${ns.toFixed(0)} ns`;
}

export async function decideSection(): Promise<string> {
  const { rows, notes } = await measureDecide();
  const sluice = new Map(rows.filter((r) => r.engine === 'sluice compiled').map((r) => [r.rules, r.ns]));
  const body = rows.map((r) => [
    `${r.rules}`,
    r.engine,
    fmtNs(r.ns),
    Math.round(1e9 / r.ns).toLocaleString('en-US'),
    `${(r.ns / sluice.get(r.rules)!).toFixed(r.engine === 'sluice compiled' ? 0 : 2)}×`,
    r.requests.toLocaleString('en-US'),
    r.checked.toLocaleString('en-US'),
  ]);
  const note =
    `${REQUESTS.toLocaleString('en-US')} seeded requests. Before any figure is printed each engine's answers are checked equal to Sluice's ` +
    `on the requests counted under "checked" (all of them, but for json-rules-engine at 100 and 1,000 rules, where that would take minutes). ` +
    `Sluice figures are full decisions (route, allocation with debit and fee; no trace) on requests read once beforehand; the others only pick the route. ` +
    `json-rules-engine and zen-engine are asynchronous and time a sample of the requests ("timed").\n`;
  const extra = notes.length ? `\n${notes.join('\n')}\n` : '';
  return `${header('decide')}${note}${extra}\n${table(['rules', 'engine', 'per decision', 'decisions/s', 'time vs sluice', 'timed', 'checked'], body)}\n`;
}

export async function scalingSection(): Promise<string> {
  const { rows } = await measureDecide();
  const [small, large] = [SIZES[0]!, SIZES[SIZES.length - 1]!];
  const engines = [...new Set(rows.map((r) => r.engine))];
  const body = engines.flatMap((engine) => {
    const a = rows.find((r) => r.engine === engine && r.rules === small);
    const b = rows.find((r) => r.engine === engine && r.rules === large);
    return a && b ? [[engine, fmtNs(a.ns), fmtNs(b.ns), `${(b.ns / a.ns).toFixed(1)}×`]] : [];
  });
  const note = `Cost of a decision at ${large.toLocaleString('en-US')} rules relative to ${small} (same requests, figures of the decide section).\n`;
  return `${header('scaling')}${note}\n${table(['engine', `${small} rules`, `${large.toLocaleString('en-US')} rules`, 'ratio'], body)}\n`;
}
