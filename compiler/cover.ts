// What the earlier branches of a chain take, per attribute: the union of their exact sets,
// grown in place. A chain of n branches asks "is this inside?" and "add this" n times, so
// both take O(log n) comparisons for numbers and O(1) per value otherwise, never a copy.
import { contains, insert, type Interval } from './intervals.js';
import { full, isInt, type Domain, type ValueSet } from './value-sets.js';

export class Cover {
  private absent = false;
  private readonly intervals: Interval[] = [];
  private readonly included = new Set<string>();
  /** Set once a co-finite set is added: then everything but these is covered. */
  private excluded: Set<string> | null = null;
  /** Every value of the domain, made once: asked after every branch of a chain. */
  private everything: ValueSet | undefined;

  constructor(readonly domain: Domain) {}

  add(s: ValueSet): void {
    this.absent ||= s.absent;
    const v = s.values;
    if (v.kind === 'num') for (const i of v.intervals) insert(this.intervals, i, isInt(this.domain));
    else if (!v.co) for (const item of v.items) this.addItem(item);
    else if (this.excluded) this.excluded = new Set([...this.excluded].filter((e) => v.items.has(e)));
    else this.excluded = new Set([...v.items].filter((e) => !this.included.has(e)));
  }

  /** Whether every value of `s` is already covered. */
  covers(s: ValueSet): boolean {
    if (s.absent && !this.absent) return false;
    const v = s.values;
    if (v.kind === 'num') return v.intervals.every((i) => contains(this.intervals, i));
    const excluded = this.excluded;
    if (v.co) return excluded !== null && isSubset(excluded, v.items);
    return excluded ? isDisjoint(v.items, excluded) : isSubset(v.items, this.included);
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
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

function isDisjoint(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const x of a) if (b.has(x)) return false;
  return true;
}
