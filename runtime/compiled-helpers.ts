// The helpers generated decision code calls (as `rt`): comparisons with LANGUAGE.md's rule
// that any comparison on an absent value is false, `!=` and `not in` included.
import { amountIn, asRat, shown, shownAmount } from './conditions.js';
import { cmp, type Rat } from './rational.js';
import { blocksTested, branchesTested } from './trace.js';
import type { FieldValue } from './types.js';

type Op = '=' | '!=' | '<' | '<=' | '>' | '>=';

function holds(c: number, op: Op): boolean {
  switch (op) {
    case '=':
      return c === 0;
    case '!=':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
  }
}

/** Exact comparison of a numeric value (Rat, or an int field's number) with a literal. */
function num(x: FieldValue | undefined, y: Rat, op: Op): boolean {
  const r = asRat(x);
  return r !== undefined && holds(cmp(r, y), op);
}

// Int comparisons, one helper per operator so that V8 inlines each into the generated code.
const ieq = (x: unknown, y: number): boolean => typeof x === 'number' && x === y;
const ine = (x: unknown, y: number): boolean => typeof x === 'number' && x !== y;
const ilt = (x: unknown, y: number): boolean => typeof x === 'number' && x < y;
const ile = (x: unknown, y: number): boolean => typeof x === 'number' && x <= y;
const igt = (x: unknown, y: number): boolean => typeof x === 'number' && x > y;
const ige = (x: unknown, y: number): boolean => typeof x === 'number' && x >= y;

function ne(x: unknown, y: unknown): boolean {
  return x !== undefined && x !== y;
}

/** 1 member, 0 not a member, -1 absent. */
function inSet(x: unknown, set: ReadonlySet<unknown>): 1 | 0 | -1 {
  return x === undefined ? -1 : set.has(x) ? 1 : 0;
}

function numIn(x: FieldValue | undefined, values: readonly Rat[]): 1 | 0 | -1 {
  const r = asRat(x);
  if (r === undefined) return -1;
  return values.some((v) => cmp(r, v) === 0) ? 1 : 0;
}

/** `amount in [10 EUR, 12 USD]`: each value compared with the amount in its currency. */
function moneyIn(xs: readonly (Rat | undefined)[], values: readonly Rat[]): 1 | 0 | -1 {
  if (xs.some((x) => x === undefined)) return -1;
  return values.some((v, i) => cmp(xs[i]!, v) === 0) ? 1 : 0;
}

function notIn(membership: 1 | 0 | -1): boolean {
  return membership === 0;
}

export const compiledHelpers = { amountIn, asRat, num, ieq, ine, ilt, ile, igt, ige, ne, inSet, numIn, moneyIn, notIn, branchesTested, blocksTested, shown, shownAmount };
export type CompiledHelpers = typeof compiledHelpers;
