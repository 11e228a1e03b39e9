// Traced against untraced decisions (decideWith, the library's path without validation) on the
// bench's generated schemes: the ratio DESIGN.md bounds at 2×, and the trace's JSON size.
import { compile } from '../compiler/compile.js';
import { decideWith } from '../runtime/decide.js';
import { toRequest } from '../runtime/request.js';
import { parseState } from '../runtime/state.js';
import { generateRequests, generateRules, schemeSource } from './generate.js';
import { medianMs } from './measure.js';

const STATE = parseState({ rates: { 'EUR/USD': '1.0850', 'EUR/GBP': '0.8600', 'EUR/PLN': '4.3000', 'USD/GBP': '0.7900', 'USD/PLN': '3.9600', 'GBP/PLN': '5.0000' } }).state;
const REQUESTS = 20_000;

for (const n of [10, 1000]) {
  const scheme = compile(schemeSource(generateRules(n))).scheme!;
  const reqs = generateRequests(REQUESTS).map((r) => toRequest(r as unknown as Record<string, unknown>, scheme.fieldKinds));
  const time = (trace: boolean): number => {
    const program = trace ? scheme.traced : scheme.program;
    return (medianMs(() => {
      for (const r of reqs) decideWith(program, r, STATE, { trace });
    }, 11) * 1e6) / reqs.length;
  };
  const plain = time(false);
  const traced = time(true);
  const bytes = reqs.slice(0, 1000).reduce((s, r) => s + JSON.stringify(decideWith(scheme.traced, r, STATE, { trace: true }).trace).length, 0) / 1000;
  console.log(`${n} rules: untraced ${plain.toFixed(0)} ns, traced ${traced.toFixed(0)} ns, ratio ${(traced / plain).toFixed(2)}×, trace JSON ${bytes.toFixed(0)} bytes on average`);
}
