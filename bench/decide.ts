// Decide benchmark: ns per decision for generated first-match schemes, next to the same rules
// as a hand-written if-chain. Every engine's answers are checked equal before timing.
import { compile } from '../compiler/compile.js';
import { interpret } from '../compiler/interpret.js';
import { decideWith } from '../runtime/decide.js';
import type { Program } from '../runtime/program.js';
import { toRequest } from '../runtime/request.js';
import { parseState } from '../runtime/state.js';
import type { Request, State } from '../runtime/types.js';
import { generateRequests, generateRules, schemeSource, type BenchRequest } from './generate.js';
import { ifChain } from './if-chain.js';
import { header, medianMs, table } from './measure.js';

const STATE = parseState({ rates: { 'EUR/USD': '1.0850', 'EUR/GBP': '0.8600', 'EUR/PLN': '4.3000', 'USD/GBP': '0.7900', 'USD/PLN': '3.9600', 'GBP/PLN': '5.0000' } }).state;

interface Engine {
  readonly name: string;
  readonly run: (i: number) => string | null;
}

function sluiceEngine(name: string, program: Program, reqs: readonly Request[], state: State): Engine {
  return { name, run: (i) => decideWith(program, reqs[i]!, state, { trace: false }).route };
}

function engines(rules: number, raw: readonly BenchRequest[]): Engine[] {
  const ruleSet = generateRules(rules);
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

function verify(list: readonly Engine[], count: number): void {
  for (let i = 0; i < count; i++) {
    const expected = list[0]!.run(i);
    for (const e of list.slice(1)) {
      const got = e.run(i);
      if (got !== expected) throw new Error(`request ${i}: ${e.name} chose ${got}, ${list[0]!.name} chose ${expected}`);
    }
  }
}

export function decideBench(sizes: readonly number[] = [10, 100, 1000], requests = 20_000): string {
  const raw = generateRequests(requests);
  const rows: string[][] = [];
  for (const n of sizes) {
    const list = engines(n, raw);
    verify(list, raw.length);
    for (const e of list) {
      const reps = e.name === 'reference interpreter' ? 3 : 7;
      const ms = medianMs(() => {
        for (let i = 0; i < raw.length; i++) e.run(i);
      }, reps);
      const ns = (ms * 1e6) / raw.length;
      rows.push([`${n}`, e.name, ns.toFixed(0), Math.round(1e9 / ns).toLocaleString('en-US')]);
    }
  }
  const note = `${requests.toLocaleString('en-US')} seeded requests; every engine's answers checked equal first. Sluice figures are full decisions (route, allocation with debit and fee; no trace).\n`;
  return `${header('decide')}${note}\n${table(['rules', 'engine', 'ns/decision', 'decisions/s'], rows)}\n`;
}
