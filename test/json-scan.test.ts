// The one pass over a body's text before JSON.parse: depth refused, and numbers flagged for the
// exact check. The flag may say "check" needlessly, never "skip" wrongly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inexactNumber } from '../runtime/json-numbers.js';
import { MAX_DEPTH, scanJsonText } from '../server/json-limits.js';
import { Problem } from '../server/problem.js';

const SEED = { seed: 20261204, numRuns: 500 };

const literal = fc
  .tuple(fc.boolean(), fc.stringMatching(/^(0|[1-9]\d{0,21})$/), fc.option(fc.stringMatching(/^\d{1,14}$/)), fc.option(fc.integer({ min: -400, max: 400 })))
  .map(([negative, int, fraction, exponent]) => `${negative ? '-' : ''}${int}${fraction === null ? '' : `.${fraction}`}${exponent === null ? '' : `e${exponent}`}`);

const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    literal,
    fc.string().map((s) => JSON.stringify(s)),
    fc.constantFrom('true', 'false', 'null', '"\\"1e5\\\\"'),
    fc.array(tie('value'), { maxLength: 4 }).map((xs) => `[${xs.join(', ')}]`),
    fc.array(fc.tuple(fc.string(), tie('value')), { maxLength: 4 }).map((kv) => `{${kv.map(([k, v]) => `${JSON.stringify(k)}: ${v}`).join(',')}}`),
  ),
}));

describe('scanJsonText', () => {
  it('flags every text that holds a number JSON.parse would round (fast-check, seed 20261204)', () => {
    fc.assert(
      fc.property(value, (text) => {
        expect(() => JSON.parse(text)).not.toThrow();
        if (inexactNumber(text) !== undefined) expect(scanJsonText(text)).toBe(true);
      }),
      SEED,
    );
  });

  it('skips the exact check for short numbers and for digits inside strings', () => {
    expect(scanJsonText('{"amount": "12345678901234567890.5", "n": 3, "r": -1.25}')).toBe(false);
    expect(scanJsonText('{"s": "a\\"b 1e5 \\\\", "t": [0, 123456789012345]}')).toBe(false);
    expect(scanJsonText('{"n": 1234567890123456}')).toBe(true);
    expect(scanJsonText('[1e2]')).toBe(true);
    expect(scanJsonText('[0.0000000000000001]')).toBe(true);
  });

  it(`refuses nesting past ${MAX_DEPTH} levels with the path, whatever strings and numbers sit between`, () => {
    const deep = (levels: number) => `${'{"k\\"": [1, '.repeat(levels)}0${']}'.repeat(levels)}`;
    expect(scanJsonText(deep(MAX_DEPTH / 2))).toBe(false);
    let problem: unknown;
    try {
      scanJsonText(deep(MAX_DEPTH / 2 + 1));
    } catch (e) {
      problem = e;
    }
    expect(problem).toBeInstanceOf(Problem);
    expect((problem as Problem).type).toBe('too-deep');
    expect((problem as Problem).message).toMatch(/^\/k"\/1\/k"\/1\//);
  });

  it('reads text that is not JSON without throwing (JSON.parse refuses it next)', () => {
    for (const text of ['"unterminated', '-', '1e', '{"a": 12345678901234567', '\\"', '[[[', ']]]}}}']) expect(() => scanJsonText(text)).not.toThrow();
  });
});
