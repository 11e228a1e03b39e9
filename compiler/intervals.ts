// Unions of intervals with exact rational bounds, kept sorted, disjoint and merged: the
// numeric half of the reachability analysis's value sets.
import { cmp, rat, type Rat } from '../runtime/rational.js';

export interface Bound {
  readonly value: Rat;
  readonly open: boolean;
}

/** A null bound is unbounded on that side. */
export interface Interval {
  readonly lo: Bound | null;
  readonly hi: Bound | null;
}

export const ALL: Interval = { lo: null, hi: null };

/** Clamped to `range`, rounded to integers when `int`, then sorted and merged. */
export function normalize(intervals: readonly Interval[], int: boolean, range: Interval): Interval[] {
  const clamped = intervals.map((i) =>
    toInts({ lo: cmpLo(i.lo, range.lo) >= 0 ? i.lo : range.lo, hi: cmpHi(i.hi, range.hi) <= 0 ? i.hi : range.hi }, int),
  );
  return merge(clamped.filter((i) => !isEmptyInterval(i)), int);
}

/** Sorted, with overlapping or touching intervals joined; the inputs are already normalized. */
export function merge(intervals: readonly Interval[], int: boolean): Interval[] {
  const merged: Interval[] = [];
  for (const i of [...intervals].sort((a, b) => cmpLo(a.lo, b.lo))) {
    const last = merged[merged.length - 1];
    if (last && touches(last, i, int)) merged[merged.length - 1] = { lo: last.lo, hi: maxHi(last.hi, i.hi) };
    else merged.push(i);
  }
  return merged;
}

/** What lies between the intervals (before normalizing: open ends may need rounding). */
export function gaps(intervals: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let lo: Bound | null = null;
  let rightOpen = true; // whether anything is left right of the last interval
  for (const i of intervals) {
    if (i.lo !== null) out.push({ lo, hi: { value: i.lo.value, open: !i.lo.open } });
    if (i.hi === null) rightOpen = false;
    else lo = { value: i.hi.value, open: !i.hi.open };
  }
  if (rightOpen) out.push({ lo, hi: null });
  return out;
}

/** Whether `i` lies inside `sorted` (merged, so inside one of its intervals); by binary search. */
export function contains(sorted: readonly Interval[], i: Interval): boolean {
  const at = lastIndex(sorted, (x) => cmpLo(x.lo, i.lo) <= 0);
  return at >= 0 && cmpHi(i.hi, sorted[at]!.hi) <= 0;
}

/** Adds `i` to `sorted` in place, merging with its neighbours: O(log n) comparisons. */
export function insert(sorted: Interval[], i: Interval, int: boolean): void {
  const from = lastIndex(sorted, (x) => cmpLo(x.lo, i.lo) <= 0 && !touches(x, i, int)) + 1;
  let cur = i;
  let to = from;
  for (; to < sorted.length; to++) {
    const x = sorted[to]!;
    const [left, right] = cmpLo(x.lo, cur.lo) <= 0 ? [x, cur] : [cur, x];
    if (!touches(left, right, int)) break;
    cur = { lo: left.lo, hi: maxHi(left.hi, right.hi) };
  }
  sorted.splice(from, to - from, cur);
}

/** The last index whose interval satisfies `test`, which holds for a prefix of `sorted`; -1 if none. */
function lastIndex(sorted: readonly Interval[], test: (x: Interval) => boolean): number {
  let [lo, hi, found] = [0, sorted.length - 1, -1];
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (test(sorted[mid]!)) [found, lo] = [mid, mid + 1];
    else hi = mid - 1;
  }
  return found;
}

/** Lower bounds in order: -∞ first; at equal values a closed bound starts earlier. */
function cmpLo(a: Bound | null, b: Bound | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  return cmp(a.value, b.value) || Number(a.open) - Number(b.open);
}

/** Upper bounds in order: +∞ last; at equal values an open bound ends earlier. */
function cmpHi(a: Bound | null, b: Bound | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  return cmp(a.value, b.value) || Number(b.open) - Number(a.open);
}

function maxHi(a: Bound | null, b: Bound | null): Bound | null {
  return cmpHi(a, b) >= 0 ? a : b;
}

function isEmptyInterval(i: Interval): boolean {
  if (i.lo === null || i.hi === null) return false;
  const c = cmp(i.lo.value, i.hi.value);
  return c > 0 || (c === 0 && (i.lo.open || i.hi.open));
}

/** True when `next` (starting no earlier than `cur`) overlaps or touches it, so they merge. */
function touches(cur: Interval, next: Interval, int: boolean): boolean {
  if (cur.hi === null || next.lo === null) return true;
  // On integers [1, 2] and [3, 4] leave no gap: compare with hi + 1.
  const end = int ? rat(cur.hi.value.n + cur.hi.value.d, cur.hi.value.d) : cur.hi.value;
  const c = cmp(next.lo.value, end);
  return c < 0 || (c === 0 && (int || !next.lo.open || !cur.hi.open));
}

/** On integers every bound becomes a closed integer: `> 2.5` is `>= 3`, `< 3` is `<= 2`. */
function toInts(i: Interval, int: boolean): Interval {
  if (!int) return i;
  const lo = i.lo && { value: rat(i.lo.open ? floor(i.lo.value) + 1n : ceil(i.lo.value)), open: false };
  const hi = i.hi && { value: rat(i.hi.open ? ceil(i.hi.value) - 1n : floor(i.hi.value)), open: false };
  return { lo, hi };
}

function floor(r: Rat): bigint {
  return r.n >= 0n ? r.n / r.d : -((-r.n + r.d - 1n) / r.d);
}

function ceil(r: Rat): bigint {
  return -floor({ n: -r.n, d: r.d });
}
