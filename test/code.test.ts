import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { js, joinCode, member, NAMES } from '../compiler/code.js';
import { ATTRIBUTES, WEEKDAYS } from '../runtime/attributes.js';
import { toRequest } from '../runtime/request.js';

const SEED = { seed: 20261122, numRuns: 300 };

describe('js`...`', () => {
  it('inserts Code as code and any string as the literal that evaluates to it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const code = js`return ${s};`;
        expect(new Function(code.text)()).toBe(s);
      }),
      SEED,
    );
  });

  it('prints numbers and booleans as literals and joins Code with Code', () => {
    expect(js`f(${3}, ${-0.5}, ${true})`.text).toBe('f(3, -0.5, true)');
    expect(() => js`${Number.NaN}`).toThrow(RangeError);
    expect(joinCode([js`a`, js`${NAMES.r}.x`], js`, `).text).toBe('a, r.x');
  });

  it('reads a member by name, bracketed when the name is no identifier', () => {
    expect(member(NAMES.r, 'lastError').text).toBe('r.lastError');
    expect(member(NAMES.r, 'a"]; x; ["').text).toBe('r["a\\"]; x; [\\""]');
  });
});

describe('the standard attributes', () => {
  it('are each read from the Request field the table names', () => {
    const req = toRequest(
      { amount: '10.00', currency: 'EUR', service: 's', country: 'DE', point: 'p1', attempt: 2, last_error: 'E', created_at: '2026-11-23T05:00:00Z', test_mode: true },
      new Map(),
    );
    const values = Object.fromEntries([...ATTRIBUTES.values()].map((a) => [a.name, req[a.field]]));
    expect(values).toEqual({ amount: req.amount, currency: 'EUR', service: 's', country: 'DE', point: 'p1', attempt: 2, last_error: 'E', hour: 5, weekday: 'mon', test_mode: true });
  });

  it('name the weekday of created_at (UTC) for each day of a week', () => {
    const days = [16, 17, 18, 19, 20, 21, 22].map((d) => toRequest({ amount: '1', currency: 'EUR', service: 's', created_at: `2026-11-${d}T23:59:59Z` }, new Map()).weekday);
    expect(days).toEqual(WEEKDAYS);
  });
});
