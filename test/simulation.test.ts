import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';
import { add, cmp, mul, parseDecimal, rat, sub, ZERO, type Rat } from '../runtime/rational.js';
import { toRequest } from '../runtime/request.js';
import { Simulation } from '../runtime/simulation.js';
import { EMPTY_STATE } from '../runtime/state.js';

const SEED = { seed: 20261122, numRuns: 60 };

const weights = fc.integer({ min: 2, max: 4 }).chain((n) =>
  fc.array(fc.integer({ min: 1, max: 20 }), { minLength: n, maxLength: n }).map((raw) => {
    const total = raw.reduce((a, b) => a + b, 0);
    const pct = raw.map((w) => Math.floor((w * 100) / total));
    pct[0]! += 100 - pct.reduce((a, b) => a + b, 0);
    return pct.filter((p) => p > 0);
  }),
);

const amounts = fc.array(fc.integer({ min: 1, max: 100_000 }).map((c) => (c / 100).toFixed(2)), { minLength: 1, maxLength: 60 });

function abs(r: Rat): Rat {
  return r.n < 0n ? { n: -r.n, d: r.d } : r;
}

describe('simulated sequences', () => {
  it('keep each route within one largest payout of its weight or optimal share', () => {
    fc.assert(
      fc.property(weights, amounts, fc.boolean(), (ws, seq, optimal) => {
        const routes = ws.map((_, i) => `r${i}`);
        const line = optimal ? `optimal ${routes.join(', ')}` : `weight ${routes.map((r, i) => `${r} ${ws[i]}%`).join(', ')}`;
        const source = `scheme w\n${routes.map((r) => `route ${r} EUR`).join('\n')}\n\nservice s {\n  ${line}\n}\n`;
        const scheme = compile(source).scheme!;
        const share = (i: number) => (optimal ? rat(1n, BigInt(routes.length)) : rat(BigInt(ws[i]!), 100n));
        const sim = new Simulation(scheme.program, EMPTY_STATE);
        const volume = new Map<string, Rat>();
        let total = ZERO;
        let largest = ZERO;
        for (const amount of seq) {
          const d = sim.step(toRequest({ amount, currency: 'EUR', service: 's' }, scheme.fieldKinds));
          const a = parseDecimal(amount)!;
          volume.set(d.route!, add(volume.get(d.route!) ?? ZERO, a));
          total = add(total, a);
          if (cmp(a, largest) > 0) largest = a;
          routes.forEach((r, i) => {
            const gap = abs(sub(volume.get(r) ?? ZERO, mul(share(i), total)));
            expect(cmp(gap, largest), `${r}: gap ${gap.n}/${gap.d}`).toBeLessThanOrEqual(0);
          });
        }
        // Every payout went to exactly one route: the volumes add up to what was paid.
        expect([...volume.values()].reduce(add, ZERO)).toEqual(total);
      }),
      SEED,
    );
  });
});
