// What the trace costs (DESIGN.md: a traced decision at most 2× one without, at 1,000 rules too)
// on the bench's generated schemes: decideWith on requests read once, and the library's decide
// on JSON (request validated, state parsed each call); and the trace's JSON size, compact and
// expanded. A quick script, not part of `npm run bench`: node dist/bench/trace-cost.js
import { compile } from '../compiler/compile.js';
import { decide, expandTrace } from '../index.js';
import { decideWith } from '../runtime/decide.js';
import { toRequest } from '../runtime/request.js';
import { parseState } from '../runtime/state.js';
import { generateRequests, generateRules, schemeSource } from './generate.js';
import { medianMs } from './measure.js';

const RATES = { 'EUR/USD': '1.0850', 'EUR/GBP': '0.8600', 'EUR/PLN': '4.3000', 'USD/GBP': '0.7900', 'USD/PLN': '3.9600', 'GBP/PLN': '5.0000' };
const STATE = parseState({ rates: RATES }).state;
const REQUESTS = 20_000;
/** Rounds of untraced and traced timings, alternated; the least of each is kept (the machine is shared). */
const ROUNDS = 3;

function least(run: () => void, count: number): number {
  let best = Infinity;
  for (let k = 0; k < ROUNDS; k++) best = Math.min(best, (medianMs(run, 3) * 1e6) / count);
  return best;
}

function ratio(untraced: () => void, traced: () => void, count: number): string {
  const times: [number, number] = [Infinity, Infinity];
  for (let k = 0; k < ROUNDS; k++) {
    times[0] = Math.min(times[0], least(untraced, count));
    times[1] = Math.min(times[1], least(traced, count));
  }
  return `untraced ${times[0].toFixed(0)} ns, traced ${times[1].toFixed(0)} ns: ${(times[1] / times[0]).toFixed(2)}×`;
}

for (const n of [10, 1000]) {
  const scheme = compile(schemeSource(generateRules(n))).scheme!;
  const raw = generateRequests(REQUESTS);
  const reqs = raw.map((r) => toRequest(r as unknown as Record<string, unknown>, scheme.fieldKinds));
  const state = { rates: RATES };
  const withTrace = (trace: boolean) => {
    const program = trace ? scheme.traced : scheme.program;
    return () => {
      for (const r of reqs) decideWith(program, r, STATE, { trace });
    };
  };
  const library = (trace: boolean) => () => {
    for (const r of raw) decide(scheme, r, state, { trace });
  };
  console.log(`${n} rules, decideWith: ${ratio(withTrace(false), withTrace(true), reqs.length)}`);
  console.log(`${n} rules, library decide: ${ratio(library(false), library(true), raw.length)}`);
  // Only after timing: traces kept alive while deciding make V8 allocate new ones in old space.
  const traces = reqs.slice(0, 1000).map((r) => decideWith(scheme.traced, r, STATE, { trace: true }).trace);
  const compact = traces.reduce((s, t) => s + JSON.stringify(t).length, 0) / traces.length;
  const expanded = traces.reduce((s, t) => s + JSON.stringify(expandTrace(scheme, t)).length, 0) / traces.length;
  console.log(`${n} rules, trace JSON: ${compact.toFixed(0)} bytes compact, ${expanded.toFixed(0)} expanded (mean of 1,000 decisions)`);
}
