// What the earlier branches of a chain take, per attribute: the union of their exact sets,
// grown in place. A chain of n branches asks "is this inside?" and "add this" n times, so
// both take O(log n) comparisons for numbers and, otherwise, time in the size of the set
// asked about or added (never in the size of the domain), and never a copy of the cover.
import { contains, insert, type Interval } from './intervals.js';
import { full, isInt, type Domain, type ValueSet } from './value-sets.js';

export class Cover {
  private absent = false;
  private readonly intervals: Interval[] = [];
  private readonly included = new Set<string>();
  /** Set once a co-finite set is added, or every value of a known universe is included: then everything but these is covered. */
  private excluded: Set<string> | null = null;
  /** Every value of the domain, made once: asked after every branch of a chain. */
  private everything: ValueSet | undefined;
  private readonly universe: ReadonlySet<string> | null;

  constructor(readonly domain: Domain) {
    this.universe = domain.kind === 'set' ? domain.universe : null;
  }

  add(s: ValueSet): void {
    this.absent ||= s.absent;
    const v = s.values;
    if (v.kind === 'num') for (const i of v.intervals) insert(this.intervals, i, isInt(this.domain));
    else if (!v.co) for (const item of v.items) this.addItem(item);
    else if (this.excluded) this.excluded = intersection(this.excluded, v.items);
    else this.excluded = difference(v.items, this.included);
  }

  /** Whether every value of `s` is already covered. */
  covers(s: ValueSet): boolean {
    if (s.absent && !this.absent) return false;
    const v = s.values;
    if (v.kind === 'num') return v.intervals.every((i) => contains(this.intervals, i));
    const excluded = this.excluded;
    if (!v.co) return excluded ? isDisjoint(v.items, excluded) : isSubset(v.items, this.included);
    if (excluded) return isSubset(excluded, v.items);
    // Every value but v.items, against finitely many included values: only a known universe
    // can be covered so. Both sets lie in it, so count the included values v leaves in.
    if (!this.universe) return false;
    let inside = this.included.size;
    for (const x of v.items) if (this.included.has(x)) inside--;
    return inside === this.universe.size - v.items.size;
  }

  /** Whether every value of the domain is covered, absent included when it may be. */
  coversAll(): boolean {
    return this.covers((this.everything ??= full(this.domain)));
  }

  private addItem(item: string): void {
    if (this.excluded) this.excluded.delete(item);
    else this.included.add(item);
  }
}

// Loops, not spreads into arrays: asked once per branch and attribute of every chain.
function isSubset(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size > b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

function isDisjoint(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const x of a) if (b.has(x)) return false;
  return true;
}

/** Walks the smaller set: a long exclusion list met by a short one costs the short one. */
function intersection(a: ReadonlySet<string>, b: ReadonlySet<string>): Set<string> {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  const out = new Set<string>();
  for (const x of small) if (large.has(x)) out.add(x);
  return out;
}

function difference(a: ReadonlySet<string>, b: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const x of a) if (!b.has(x)) out.add(x);
  return out;
}
