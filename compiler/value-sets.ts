// Sets of one attribute's possible values, for the reachability analysis: unions of
// intervals (exact rational bounds) for numbers, finite or co-finite sets for everything
// else, and whether "absent" belongs to the set. Every set carries its attribute's domain,
// so complements stay inside what a request can actually carry. No operation enumerates a
// domain: `x != "a"` over a one_of of 10,000 values is one excluded item, not 9,999 included.
import { rat } from '../runtime/rational.js';
import { ALL, gaps, merge, normalize, type Interval } from './intervals.js';

export type Domain =
  | { readonly kind: 'num'; readonly int: boolean; readonly range: Interval; readonly optional: boolean }
  /** `universe` is null when the values are open-ended (strings, codes, names). */
  | { readonly kind: 'set'; readonly universe: ReadonlySet<string> | null; readonly optional: boolean };

/**
 * `co`: every value of the domain except `items`. Over a known universe, items always lie in
 * it (the checker refuses other values before the analysis sees them), and a set that names
 * every value of the universe is stored as its empty opposite: so `isEmpty` and "everything"
 * are read off the size alone.
 */
export interface Items {
  readonly kind: 'set';
  readonly items: ReadonlySet<string>;
  readonly co: boolean;
}

export type Values = { readonly kind: 'num'; readonly intervals: readonly Interval[] } | Items;

export interface ValueSet {
  readonly domain: Domain;
  readonly values: Values;
  readonly absent: boolean;
}

export function numDomain(int: boolean, optional: boolean, min?: number, max?: number): Domain {
  const bound = (n: number | undefined) => (n === undefined ? null : { value: rat(BigInt(n)), open: false });
  return { kind: 'num', int, range: { lo: bound(min), hi: bound(max) }, optional };
}

export function setDomain(universe: ReadonlySet<string> | null, optional: boolean): Domain {
  return { kind: 'set', universe, optional };
}

/** Values (never absent) given as intervals or as items; normalized to the domain. */
export function fromIntervals(domain: Domain, intervals: readonly Interval[]): ValueSet {
  return { domain, values: { kind: 'num', intervals: fix(domain, intervals) }, absent: false };
}

export function fromItems(domain: Domain, items: Iterable<string>, co: boolean): ValueSet {
  return { domain, values: fixItems(domain, new Set(items), co), absent: false };
}

/** Every value the attribute can take, absent included when it may be. */
export function full(domain: Domain): ValueSet {
  const values = domain.kind === 'num' ? { kind: 'num' as const, intervals: fix(domain, [ALL]) } : fixItems(domain, new Set(), true);
  return { domain, values, absent: domain.optional };
}

export function isEmpty(s: ValueSet): boolean {
  if (s.absent) return false;
  return s.values.kind === 'num' ? s.values.intervals.length === 0 : !s.values.co && s.values.items.size === 0;
}

export function complement(s: ValueSet): ValueSet {
  const absent = s.domain.optional && !s.absent;
  if (s.values.kind === 'set') return { domain: s.domain, values: fixItems(s.domain, s.values.items, !s.values.co), absent };
  return { domain: s.domain, values: { kind: 'num', intervals: fix(s.domain, gaps(s.values.intervals)) }, absent };
}

/** The union of sets of one attribute (at least one), in a single pass however many there are. */
export function union(first: ValueSet, ...rest: readonly ValueSet[]): ValueSet {
  if (rest.length === 0) return first; // already normalized
  let absent = first.absent;
  const intervals: Interval[] = [];
  const items: Items[] = [];
  for (const s of [first, ...rest]) {
    absent ||= s.absent;
    if (s.values.kind === 'num') for (const i of s.values.intervals) intervals.push(i);
    else items.push(s.values);
  }
  const { domain } = first;
  if (items.length === 0) return { domain, values: { kind: 'num', intervals: merge(intervals, isInt(domain)) }, absent };
  // Sets of one attribute always share a kind; a mix would be a caller's bug, answered by "anything".
  if (intervals.length > 0 || first.values.kind === 'num') return full(domain);
  const v = unionItems(items);
  return { domain, values: fixItems(domain, v.items, v.co), absent };
}

/** By De Morgan: the complement of the union of the complements. */
export function intersect(first: ValueSet, ...rest: readonly ValueSet[]): ValueSet {
  if (rest.length === 0) return first;
  return complement(union(complement(first), ...rest.map(complement)));
}

export function isInt(domain: Domain): boolean {
  return domain.kind === 'num' && domain.int;
}

function fix(domain: Domain, intervals: readonly Interval[]): Interval[] {
  return normalize(intervals, isInt(domain), domain.kind === 'num' ? domain.range : ALL);
}

function fixItems(domain: Domain, items: ReadonlySet<string>, co: boolean): Items {
  const universe = domain.kind === 'set' ? domain.universe : null;
  if (!universe || items.size !== universe.size) return { kind: 'set', items, co };
  // Every value of the universe named: the opposite of nothing (and over no values, nothing).
  return { kind: 'set', items: new Set(), co: universe.size > 0 && !co };
}

/** How much a set weighs in the analysis's work: its intervals or items, and one for the set. */
export function sizeOf(s: ValueSet): number {
  return 1 + (s.values.kind === 'num' ? s.values.intervals.length : s.values.items.size);
}

/** Finite sets add up; co-finite ones keep only the exclusions that no other set covers. */
function unionItems(sets: readonly Items[]): Items {
  const included = new Set<string>();
  let excluded: Set<string> | undefined;
  for (const s of sets) {
    if (!s.co) for (const v of s.items) included.add(v);
    else {
      const before = excluded;
      excluded = new Set(before ? [...s.items].filter((v) => before.has(v)) : s.items);
    }
  }
  if (!excluded) return { kind: 'set', items: included, co: false };
  for (const v of included) excluded.delete(v);
  return { kind: 'set', items: excluded, co: true };
}
