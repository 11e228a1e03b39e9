// The reachability analysis's cost: it grows with what the conditions write, never with the
// size of a one_of, and past its budget it stops with W_REACHABILITY_SKIPPED instead of
// running on. Its verdicts are checked against brute force over small domains.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSource } from '../compiler/check.js';

const SEED = { seed: 20261313, numRuns: 300 };
const range = (n: number, f: (i: number) => string): string[] => Array.from({ length: n }, (_, i) => f(i));

/** A service of one chain: `when c1 { optimal a } else when c2 ... else { optimal a }`. */
function chain(head: readonly string[], conditions: readonly (string | null)[]): string {
  const lines = ['scheme x', ...head, 'route a EUR', 'service s {'];
  conditions.forEach((c, i) => lines.push(`  ${i ? '} else ' : ''}${c === null ? '' : `when ${c} `}{`, '    optimal a'));
  lines.push('  }', '}');
  return `${lines.join('\n')}\n`;
}

/** The issue's scheme: a one_of of 10,000 values and 500 branches `when fields.f not in [20 values]`. */
function issueScheme(): string {
  const field = `field f one_of ${range(10_000, (i) => `"v${i}"`).join(', ')}`;
  const branches = range(500, (b) => `fields.f not in [${range(20, (j) => `"v${(b * 20 + j) % 10_000}"`).join(', ')}]`);
  return chain([field], [...branches, null]);
}

function codesAt(source: string, analysisBudget?: number): string[] {
  const { diagnostics } = checkSource(source, analysisBudget === undefined ? {} : { analysisBudget });
  return diagnostics.filter((d) => d.code === 'W_UNREACHABLE' || d.code === 'W_REACHABILITY_SKIPPED').map((d) => `${d.span.start.line} ${d.code}`);
}

describe('reachability: bounded work', () => {
  it('analyses the issue-13 scheme in fewer steps than its source has characters, finding every covered branch', () => {
    const source = issueScheme();
    const found = codesAt(source, source.length);
    expect(found).not.toContainEqual(expect.stringContaining('W_REACHABILITY_SKIPPED'));
    // The first two branches exclude disjoint values, so together they take every value: the
    // 498 branches after them are unreachable (the else is not: f may be absent).
    expect(found).toHaveLength(498);
  });

  it('stops at its budget with one W_REACHABILITY_SKIPPED where it stopped, keeping the verdicts found before', () => {
    const costly = `amount in [${range(3000, (i) => String(i + 100)).join(', ')}]`;
    const source = chain([], ['amount > 10', 'amount > 20', costly, 'amount > 30', null]);
    expect(codesAt(source, 1000)).toEqual(['6 W_UNREACHABLE', '8 W_REACHABILITY_SKIPPED']);
    // With the default budget the same chain is analysed to its end (the else takes amounts up to 10).
    expect(codesAt(source)).toEqual(['6 W_UNREACHABLE', '8 W_UNREACHABLE', '10 W_UNREACHABLE']);
  });

  it('gives no verdicts in chains after the budget ran out, and says so once', () => {
    const costly = `amount in [${range(3000, (i) => String(i + 100)).join(', ')}]`;
    const source = `${chain([], [costly, 'amount > 10'])}service t {\n  when amount > 1 {\n    optimal a\n  } else when amount > 2 {\n    optimal a\n  }\n}\n`;
    expect(codesAt(source)).toEqual(['13 W_UNREACHABLE']);
    expect(codesAt(source, 1000)).toEqual(['4 W_REACHABILITY_SKIPPED']);
  });

  it(
    'checks a pathological scheme within the limits (60 nots over 10,000 amounts per branch) within the default budget, and says it stopped',
    () => {
      const list = (b: number) => range(10_000, (i) => String((i * 7 + b) % 20_000)).join(', ');
      const source = chain([], range(18, (b) => `${'not '.repeat(60)}(amount in [${list(b)}])`));
      expect(source.length).toBeGreaterThan(1_000_000);
      const found = codesAt(source);
      expect(found.filter((f) => f.endsWith('W_REACHABILITY_SKIPPED'))).toHaveLength(1);
    },
    60_000,
  );
});

// Brute force: single-attribute conditions over a small domain, evaluated on every value
// (and on absence, for an optional field); a comparison with an absent value never holds.
type Cond =
  | { readonly op: '=' | '!='; readonly v: number }
  | { readonly op: 'in' | 'not in'; readonly vs: readonly number[] }
  | { readonly op: 'not'; readonly c: Cond }
  | { readonly op: 'and' | 'or'; readonly l: Cond; readonly r: Cond };

const ABSENT = -1;

function holds(c: Cond, x: number): boolean {
  switch (c.op) {
    case '=':
      return x !== ABSENT && x === c.v;
    case '!=':
      return x !== ABSENT && x !== c.v;
    case 'in':
      return x !== ABSENT && c.vs.includes(x);
    case 'not in':
      return x !== ABSENT && !c.vs.includes(x);
    case 'not':
      return !holds(c.c, x);
    case 'and':
      return holds(c.l, x) && holds(c.r, x);
    case 'or':
      return holds(c.l, x) || holds(c.r, x);
  }
}

function text(c: Cond, value: (v: number) => string): string {
  switch (c.op) {
    case '=':
    case '!=':
      return `fields.f ${c.op} ${value(c.v)}`;
    case 'in':
    case 'not in':
      return `fields.f ${c.op} [${c.vs.map(value).join(', ')}]`;
    case 'not':
      return `not (${text(c.c, value)})`;
    default:
      return `(${text(c.l, value)} ${c.op} ${text(c.r, value)})`;
  }
}

/** The verdict brute force gives each branch (null: `else`), as the checker's line numbers. */
function expected(conditions: readonly (Cond | null)[], domain: readonly number[]): number[] {
  const taken = new Set<number>();
  const lines: number[] = [];
  conditions.forEach((c, i) => {
    const allows = c === null ? domain : domain.filter((x) => holds(c, x));
    const never = allows.length === 0;
    const covered = allows.every((x) => taken.has(x));
    const exhausted = domain.every((x) => taken.has(x));
    if (never || covered || exhausted) lines.push(5 + 2 * i);
    for (const x of allows) taken.add(x);
  });
  return lines;
}

const VALUES = 4;
const cond: fc.Arbitrary<Cond> = fc.letrec<{ c: Cond }>((tie) => ({
  c: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ op: fc.constantFrom('=' as const, '!=' as const), v: fc.nat(VALUES - 1) }),
    fc.record({ op: fc.constantFrom('in' as const, 'not in' as const), vs: fc.uniqueArray(fc.nat(VALUES - 1), { minLength: 1, maxLength: VALUES }) }),
    fc.record({ op: fc.constant('not' as const), c: tie('c') }),
    fc.record({ op: fc.constantFrom('and' as const, 'or' as const), l: tie('c'), r: tie('c') }),
  ),
})).c;

const conditions = fc.array(fc.option(cond, { freq: 6, nil: null }), { minLength: 1, maxLength: 6 });

describe('reachability: verdicts equal brute force', () => {
  const kinds = [
    { name: 'a required one_of', field: 'field f one_of "v0", "v1", "v2", "v3" required', optional: false, value: (v: number) => `"v${v}"`, others: [] },
    { name: 'an optional one_of', field: 'field f one_of "v0", "v1", "v2", "v3"', optional: true, value: (v: number) => `"v${v}"`, others: [] },
    // A string's other values behave alike: one stands for all of them.
    { name: 'an optional string', field: 'field f string', optional: true, value: (v: number) => `"v${v}"`, others: [VALUES] },
    { name: 'an optional int', field: 'field f int', optional: true, value: (v: number) => String(v), others: [VALUES] },
  ];
  for (const k of kinds) {
    it(`on ${k.name}, warns exactly of the branches no value (or absence) can reach`, () => {
      const domain = [...range(VALUES, String).map(Number), ...k.others, ...(k.optional ? [ABSENT] : [])];
      fc.assert(
        fc.property(conditions, (cs) => {
          // Branches after a plain else are an error of their own: end the chain at the first.
          const first = cs.indexOf(null);
          const chainOf = first < 0 ? cs : cs.slice(0, first + 1);
          const source = chain([k.field], chainOf.map((c) => (c === null ? null : text(c, k.value))));
          const lines = codesAt(source).map((f) => Number(f.split(' ')[0]));
          expect(lines).toEqual(expected(chainOf, domain));
        }),
        SEED,
      );
    });
  }
});
