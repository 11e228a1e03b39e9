import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile, type CompiledScheme } from '../compiler/compile.js';
import { interpret } from '../compiler/interpret.js';
import { decideWith } from '../runtime/decide.js';
import { parseDecimal, add, cmp, ZERO } from '../runtime/rational.js';
import { toRequest } from '../runtime/request.js';
import { parseState } from '../runtime/state.js';
import type { Decision, PlanDef } from '../runtime/types.js';
import { requestArb, schemeArb, stateArb } from './gen-scheme.js';

const SEED = { seed: 20261122, numRuns: 300 };

function compiled(source: string): CompiledScheme {
  const r = compile(source);
  if (!r.scheme) throw new Error(`generated scheme does not compile:\n${source}\n${r.diagnostics.map((d) => d.message).join('\n')}`);
  return r.scheme;
}

/** `request` passed the scheme's schema (generated valid, or checked by the caller). */
function run(scheme: CompiledScheme, request: object, state: Record<string, unknown>, which: 'program' | 'traced' | 'interpreted'): Decision {
  const req = toRequest(request as Record<string, unknown>, scheme.fieldKinds);
  const program = which === 'interpreted' ? interpret(scheme.ast) : scheme[which];
  return decideWith(program, req, parseState(state).state, { trace: which !== 'program' });
}

function outcome(d: Decision) {
  return { status: d.status, route: d.route, allocations: d.allocations, resolution: d.resolution, block: d.block, strategy: d.strategy };
}

/** One scheme and state with several requests: compiling once, deciding many. */
const input = fc.tuple(schemeArb, fc.array(requestArb, { minLength: 4, maxLength: 8 }), stateArb);

type Case = [source: string, requests: Record<string, unknown>[], state: Record<string, unknown>];

/** Runs `check` on every valid request of every generated case. */
function forEachDecision(check: (scheme: CompiledScheme, request: Record<string, unknown>, state: Record<string, unknown>) => void) {
  fc.assert(
    fc.property(input, ([source, requests, state]: Case) => {
      const scheme = compiled(source);
      for (const request of requests) if (!scheme.validate(request).length) check(scheme, request, state);
    }),
    SEED,
  );
}

describe('decision properties', () => {
  it('compiled (fast and traced) equals the reference interpreter', () => {
    forEachDecision((scheme, request, state) => {
      const expected = outcome(run(scheme, request, state, 'interpreted'));
      expect(outcome(run(scheme, request, state, 'program'))).toEqual(expected);
      expect(outcome(run(scheme, request, state, 'traced'))).toEqual(expected);
    });
  });

  it('allocations sum exactly to the amount, within each route’s limits and balance', () => {
    forEachDecision((scheme, request, state) => {
      const d = run(scheme, request, state, 'program');
      if (d.status !== 'routed') {
        expect(d.allocations).toEqual([]);
        expect(d.route).toBeNull();
        return;
      }
      const total = d.allocations.reduce((s, a) => add(s, parseDecimal(a.requestAmount)!), ZERO);
      expect(cmp(total, parseDecimal(request['amount'] as string)!)).toBe(0);
      const excluded = new Set((request['exclude'] as string[] | undefined) ?? []);
      const routes = (state['routes'] ?? {}) as Record<string, { balance?: string; enabled?: boolean }>;
      for (const a of d.allocations) {
        expect(excluded.has(a.route)).toBe(false);
        expect(routes[a.route]?.enabled).not.toBe(false);
        if (d.strategy === 'balance') {
          const balance = parseDecimal(routes[a.route]!.balance!)!;
          expect(cmp(add(parseDecimal(a.amount)!, parseDecimal(a.fee)!), balance)).toBeLessThanOrEqual(0);
        }
      }
    });
  });

  it('a routed decision’s routes are routes of the strategy that decided', () => {
    forEachDecision((scheme, request, state) => {
      const req = toRequest(request, scheme.fieldKinds);
      const st = parseState(state).state;
      const d = decideWith(scheme.program, req, st, { trace: false });
      if (d.status !== 'routed') return;
      const ctx = { req, state: st, settings: scheme.settings, trace: null };
      const plan = scheme.program.plan(ctx) as PlanDef;
      const strategy = plan.kind === 'strategies' ? plan.strategies.find((s) => s.key === d.strategyKey) : undefined;
      expect(strategy).toBeDefined();
      for (const a of d.allocations) expect(strategy!.routes.map((r) => r.name)).toContain(a.route);
    });
  });

  it('failover never repeats a route and ends in a resolution', () => {
    forEachDecision((scheme, request, state) => {
      const seen: string[] = [];
      for (let attempt = 1; attempt <= scheme.settings.attempts + 1; attempt++) {
        const d = run(scheme, { ...request, attempt, exclude: [...seen] }, state, 'program');
        if (d.status !== 'routed') {
          expect(d.resolution ?? d.block).not.toBeNull();
          return;
        }
        expect(seen).not.toContain(d.route);
        seen.push(d.route!);
      }
      throw new Error('attempts past the limit were still routed');
    });
  });

  it('a blocked request is never routed, and names a declared block', () => {
    forEachDecision((scheme, request, state) => {
      const d = run(scheme, request, state, 'traced');
      if (d.status !== 'blocked') return;
      expect(d.route).toBeNull();
      expect(d.allocations).toEqual([]);
      expect(d.resolution).toBeNull();
      expect(scheme.ast.statements.some((s) => s.kind === 'BlockStmt' && s.name.name === d.block)).toBe(true);
    });
  });

  it('sees every strategy and split decided at least 50 times at the fixed seed, and blocks and failures too', () => {
    const counts = new Map<string, number>();
    const count = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
    forEachDecision((scheme, request, state) => {
      const d = run(scheme, request, state, 'program');
      count(d.status === 'routed' ? d.strategy! : d.status);
      if (d.allocations.length > 1) count('split');
    });
    const seen = JSON.stringify(Object.fromEntries(counts));
    for (const kind of ['optimal', 'weight', 'balance', 'conversion', 'cost', 'split']) expect(counts.get(kind) ?? 0, `${kind} decisions (${seen})`).toBeGreaterThanOrEqual(50);
    for (const kind of ['blocked', 'failed']) expect(counts.get(kind) ?? 0, `${kind} decisions (${seen})`).toBeGreaterThanOrEqual(20);
  });

  it('the same input gives the same decision', () => {
    forEachDecision((scheme, request, state) => {
      expect(run(scheme, request, state, 'traced')).toEqual(run(scheme, request, state, 'traced'));
    });
  });
});

describe('indexed dispatch', () => {
  const RATES = { rates: { 'EUR/USD': '1.08', 'EUR/GBP': '0.86', 'EUR/PLN': '4.3', 'USD/GBP': '0.79', 'USD/PLN': '3.96', 'GBP/PLN': '5' } };

  it.each([
    { what: 'on generated rule sets', rules: 200, ruleSeed: 7, requests: 3000, requestSeed: 9 },
    { what: 'when a chain’s tests span several switch functions (over 128 branches)', rules: 1200, ruleSeed: 11, requests: 1500, requestSeed: 13 },
  ])('keeps first-match order $what (compiled equals interpreted)', async ({ rules, ruleSeed, requests, requestSeed }) => {
    const { generateRequests, generateRules, schemeSource } = await import('../bench/generate.js');
    const scheme = compiled(schemeSource(generateRules(rules, ruleSeed)));
    for (const request of generateRequests(requests, requestSeed)) {
      expect(outcome(run(scheme, request, RATES, 'program'))).toEqual(outcome(run(scheme, request, RATES, 'interpreted')));
    }
  });
});

describe('request validation', () => {
  const scheme = compile('scheme v\nservice s {\n  optimal a\n}\nroute a EUR fee 0\n').scheme!;

  it('names an unknown currency and country by their standards, and a bad amount by its rule', () => {
    const errors = scheme.validate({ amount: '1.005', currency: 'EURO', service: 's', country: 'XK' });
    expect(errors).toEqual([
      { path: '/currency', message: 'is not a known ISO 4217 currency code' },
      { path: '/country', message: 'is not a known ISO 3166 country code' },
    ]);
    expect(scheme.validate({ amount: '1.005', currency: 'EUR', service: 's', country: 'DE' })).toEqual([
      { path: '/amount', message: 'has more decimal places than EUR allows (2)' },
    ]);
  });

  it('refuses codes that only look like keys of an object', () => {
    for (const code of ['__proto__', 'constructor', 'toString']) {
      expect(scheme.validate({ amount: '1', currency: code, service: 's', country: code }).map((e) => e.path)).toEqual(['/currency', '/country']);
    }
  });
});
