import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateRequests, generateRules, schemeSource } from '../bench/generate.js';
import { compile, type CompiledScheme } from '../compiler/compile.js';
import { interpret } from '../compiler/interpret.js';
import { decideWith } from '../runtime/decide.js';
import { toRequest } from '../runtime/request.js';
import { parseState } from '../runtime/state.js';
import { expandTrace } from '../runtime/trace.js';
import type { Decision } from '../runtime/types.js';
import { requestArb, schemeArb, stateArb } from './gen-scheme.js';

function compiled(source: string): CompiledScheme {
  const r = compile(source);
  if (!r.scheme) throw new Error(`scheme does not compile:\n${source}`);
  return r.scheme;
}

/** The compiled traced decision (compact trace) and the reference interpreter's (expanded). */
function both(scheme: CompiledScheme, request: Record<string, unknown>, state: Record<string, unknown>): { traced: Decision; interpreted: Decision } {
  const req = toRequest(request, scheme.fieldKinds);
  const st = parseState(state).state;
  return { traced: decideWith(scheme.traced, req, st, { trace: true }), interpreted: decideWith(interpret(scheme.ast), req, st, { trace: true }) };
}

const RATES = { rates: { 'EUR/USD': '1.08', 'EUR/GBP': '0.86', 'EUR/PLN': '4.3', 'USD/GBP': '0.79', 'USD/PLN': '3.96', 'GBP/PLN': '5' } };
const bytes = (v: unknown): number => JSON.stringify(v).length;

describe('the compact trace', () => {
  it('expands to exactly the reference interpreter’s trace (generated schemes and requests)', () => {
    const input = fc.tuple(schemeArb, fc.array(requestArb, { minLength: 4, maxLength: 8 }), stateArb);
    fc.assert(
      fc.property(input, ([source, requests, state]) => {
        const scheme = compiled(source);
        for (const request of requests) {
          if (scheme.validate(request).length) continue;
          const { traced, interpreted } = both(scheme, request, state);
          expect({ ...traced, trace: expandTrace(scheme, traced.trace) }).toEqual(interpreted);
        }
      }),
      { seed: 20261203, numRuns: 150 },
    );
  });

  it('expands exactly on indexed chains spanning several switch functions (1,200 rules)', () => {
    const scheme = compiled(schemeSource(generateRules(1200, 11)));
    for (const request of generateRequests(400, 13)) {
      const { traced, interpreted } = both(scheme, request as unknown as Record<string, unknown>, RATES);
      expect(expandTrace(scheme, traced.trace)).toEqual(interpreted.trace);
    }
  });

  it('stays small at 1,000 rules: under 1 KB a decision, a small part of the expanded trace', () => {
    const scheme = compiled(schemeSource(generateRules(1000)));
    let compact = 0;
    let expanded = 0;
    for (const request of generateRequests(300)) {
      const { traced } = both(scheme, request as unknown as Record<string, unknown>, RATES);
      expect(bytes(traced.trace)).toBeLessThan(1024);
      compact += bytes(traced.trace);
      expanded += bytes(expandTrace(scheme, traced.trace));
    }
    expect(compact * 10).toBeLessThan(expanded);
  });

  it('records each chain once: what was tested, what held, the values read', () => {
    const scheme = compiled(
      [
        'scheme s',
        'field tier int',
        'route a EUR fee 0',
        'route b EUR fee 0',
        'block sanctions when country = KP',
        'service x {',
        '  when amount > 100 {',
        '    optimal a',
        '  } else when fields.tier >= 2 {',
        '    when country = DE {',
        '      optimal b',
        '    } else {',
        '      optimal a',
        '    }',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    const { traced } = both(scheme, { amount: '50.00', currency: 'EUR', service: 'x', country: 'FR', fields: { tier: 3 } }, {});
    expect(traced.trace.slice(0, 3)).toEqual([
      { step: 'blocks', tested: 1, block: null, values: { country: 'FR' } },
      { step: 'branches', path: 'x', tested: 2, taken: 1, values: { amount: '50.00 EUR', 'fields.tier': 3 } },
      { step: 'branches', path: 'x/1', tested: 2, taken: 1, values: { country: 'FR' } },
    ]);
    expect(expandTrace(scheme, traced.trace).slice(0, 5).map((e) => [e.step, e['line'], e['taken'] ?? e['matched']])).toEqual([
      ['block', 5, false],
      ['branch', 7, false],
      ['branch', 9, true],
      ['branch', 10, false],
      ['branch', 12, true],
    ]);
  });

  it('leaves entries of chains the scheme does not have as they are', () => {
    const scheme = compiled('scheme s\nroute a EUR fee 0\nservice x {\n  optimal a\n}\n');
    const foreign = [{ step: 'branches', path: 'gone', tested: 1, taken: 0, values: {} }];
    expect(expandTrace(scheme, foreign)).toEqual(foreign);
  });
});
