// Which branches of a chain (or blocks of a file) can never be taken. Per condition we know
// two things about each attribute it reads:
// - `exact`: when the condition depends on ONE attribute only, the exact set of that
//   attribute's values (absent included or not) for which it holds;
// - `necessary`: per attribute, a set the attribute must lie in for the condition to hold.
// A branch is unreachable when some attribute's necessary set is empty (its own condition
// never holds) or lies inside what the earlier branches with exact conditions on that
// attribute already take. Conditions mixing attributes are never "covered" by others: the
// analysis is sound (no false warnings), not complete.
// Its work grows with the sets it meets (the items and intervals the conditions write), not
// with the domains: still, it is metered, and past its Budget it stops and says where, so no
// source can make a check (in the editor or on the server) run unbounded.
import type { AttrRef, CompareOp, Expr, Membership, Value } from '../grammar/ast.js';
import { valueText } from '../grammar/format-expr.js';
import { cmp, parseDecimal, type Rat } from '../runtime/rational.js';
import { WEEKDAYS, type ResolvedAttr, type ValueType } from './attributes.js';
import { Cover } from './cover.js';
import {
  complement, fromIntervals, fromItems, intersect, isEmpty, numDomain, setDomain, sizeOf, union, type Domain, type ValueSet,
} from './value-sets.js';

export type Resolve = (attr: AttrRef) => ResolvedAttr | undefined;

/**
 * Why a branch can never be taken: its condition never holds; the branches above already
 * take every value of the key it allows; or they take every value of the key at all.
 */
export interface Verdict {
  readonly kind: 'never' | 'covered' | 'exhausted';
  /** `amount`, `amount@EUR` (amount converted to EUR), `country`, `fields.kyc_level`, ... */
  readonly key: string;
}

interface Facts {
  readonly exact: { readonly key: string; readonly set: ValueSet } | null;
  readonly necessary: ReadonlyMap<string, ValueSet>;
}

const UNKNOWN: Facts = { exact: null, necessary: new Map() };

/**
 * Steps one check's analysis may take, a step being an item or interval of a set it combines
 * or compares: twice what the heaviest plain sources within the limits need (2 MB of long
 * `amount not in [...]` lists takes 1.5 million), and one to three seconds on a busy core.
 */
export const ANALYSIS_BUDGET = 3_000_000;

/** The analysis's allowance for one check, shared by all its chains. */
export class Budget {
  private left: number;
  /** The condition at which the analysis stopped, once it has; no verdicts are given from there on. */
  stoppedAt: Expr | null = null;

  constructor(readonly steps: number = ANALYSIS_BUDGET) {
    this.left = steps;
  }

  spend(steps: number): void {
    this.left -= steps;
    if (this.left < 0) throw new OutOfBudget();
  }
}

class OutOfBudget extends Error {}

interface Analysis {
  readonly atoms: AtomFacts;
  readonly budget: Budget;
}

/**
 * One verdict per condition, in order; null stands for a plain `else`, and for every condition
 * from the one at which the budget ran out (so for all of them once it has).
 */
export function chainVerdicts(conditions: readonly (Expr | null)[], resolve: Resolve, budget: Budget): (Verdict | null)[] {
  const verdicts: (Verdict | null)[] = conditions.map(() => null);
  if (budget.stoppedAt) return verdicts;
  const covers = new Covers();
  const a: Analysis = { atoms: atomsOf(resolve), budget };
  let at = 0;
  try {
    for (; at < conditions.length; at++) verdicts[at] = verdictOf(conditions[at]!, covers, a);
  } catch (e) {
    if (!(e instanceof OutOfBudget)) throw e;
    verdicts.fill(null, at);
    budget.stoppedAt = conditions[at] ?? null;
  }
  return verdicts;
}

function verdictOf(c: Expr | null, covers: Covers, a: Analysis): Verdict | null {
  if (c === null) return covers.full;
  const f = facts(c, a);
  a.budget.spend(necessarySize(f));
  // An earlier branch that takes every value of its attribute leaves nothing for this one.
  const verdict = branchVerdict(f, covers) ?? covers.full;
  if (f.exact) covers.add(f.exact.key, f.exact.set);
  return verdict;
}

/**
 * The earlier branches' exact sets per attribute, and the first attribute (in the order the
 * chain met them) they take entirely: covers only grow, so that is known as they grow, not
 * asked of every attribute at every branch.
 */
class Covers {
  private readonly byKey = new Map<string, { readonly cover: Cover; readonly order: number }>();
  private fullAt = Infinity;
  full: Verdict | null = null;

  get(key: string): Cover | undefined {
    return this.byKey.get(key)?.cover;
  }

  add(key: string, set: ValueSet): void {
    let entry = this.byKey.get(key);
    if (!entry) this.byKey.set(key, (entry = { cover: new Cover(set.domain), order: this.byKey.size }));
    entry.cover.add(set);
    if (entry.order < this.fullAt && entry.cover.coversAll()) {
      this.fullAt = entry.order;
      this.full = { kind: 'exhausted', key };
    }
  }
}

/** How a message names a key: `amount@EUR` is the amount converted to EUR. */
export function describeKey(key: string): string {
  const at = key.indexOf('@');
  return at < 0 ? key : `${key.slice(0, at)} (in ${key.slice(at + 1)})`;
}

function branchVerdict(f: Facts, covers: Covers): Verdict | null {
  for (const [key, set] of f.necessary) if (isEmpty(set)) return { kind: 'never', key };
  for (const [key, set] of f.necessary) if (covers.get(key)?.covers(set)) return { kind: 'covered', key };
  return null;
}

/** What asking about (or combining) these facts' sets costs: their items and intervals. */
function necessarySize(f: Facts): number {
  let size = 1;
  for (const set of f.necessary.values()) size += sizeOf(set);
  return size;
}

function partsSize(parts: readonly Facts[]): number {
  let size = 0;
  for (const f of parts) size += necessarySize(f);
  return size;
}

/** The facts of one comparison. */
type AtomFacts = (attr: AttrRef, op: CompareOp, value: Value) => Facts;

/** Facts by a value's text as written (valueText): equal texts of one kind have equal facts. */
type ByText = Map<string, Facts>;
type ByKind = Map<Value['kind'], ByText>;
type ByOp = Map<CompareOp, ByKind>;

// Branches repeat their comparisons (`currency = EUR` in hundreds of them): their facts are
// kept per resolver, which is one per check, so one per scheme's fields. Facts are never mutated.
// Found through nested maps by attribute, operator, kind and text: joining those into one key
// string per comparison cost more than the rest of the analysis.
const atomCaches = new WeakMap<Resolve, AtomFacts>();

function atomsOf(resolve: Resolve): AtomFacts {
  let atoms = atomCaches.get(resolve);
  if (!atoms) {
    const byName: [Map<string, ByOp>, Map<string, ByOp>] = [new Map(), new Map()];
    atoms = (attr, op, value) => {
      const known = inner(inner(inner(byName[attr.isField ? 1 : 0], attr.name), op), value.kind);
      const text = valueText(value);
      let f = known.get(text);
      if (!f) known.set(text, (f = atom(attr, op, value, resolve)));
      return f;
    };
    atomCaches.set(resolve, atoms);
  }
  return atoms;
}

/** The map under `key`, made empty on first use. */
function inner<K, K2, V>(map: Map<K, Map<K2, V>>, key: K): Map<K2, V> {
  let found = map.get(key);
  if (!found) map.set(key, (found = new Map()));
  return found;
}

function facts(e: Expr, a: Analysis): Facts {
  switch (e.kind) {
    case 'Paren':
      return facts(e.inner, a);
    case 'Not':
      return negate(facts(e.operand, a), a.budget);
    case 'And':
    case 'Or':
      // Long `a and b and c ...` chains are left-deep: fold them in a loop, not by recursion.
      return (e.kind === 'And' ? both : either)(operands(e).map((x) => facts(x, a)), a.budget);
    case 'Compare':
      a.budget.spend(1);
      return a.atoms(e.attr, e.op, e.value);
    case 'In':
      return membership(e, a);
  }
}

function operands(e: Expr & { kind: 'And' | 'Or' }): Expr[] {
  const out: Expr[] = [];
  let cur: Expr = e;
  while (cur.kind === e.kind && (cur.kind === 'And' || cur.kind === 'Or')) {
    out.push(cur.right);
    cur = cur.left;
  }
  out.push(cur);
  return out.reverse();
}

/** All must hold: per attribute, the intersection of what each requires. */
function both(parts: readonly Facts[], budget: Budget): Facts {
  budget.spend(partsSize(parts));
  const exact = sameKey(parts);
  if (exact && parts.every(onlyExact)) return exactFacts(exact.key, intersect(...exact.sets));
  // Each attribute's sets intersected in one pass: pairwise, n parts on one attribute cost n².
  const necessary = new Map<string, ValueSet>();
  for (const [key, sets] of byKey(parts, () => true)) necessary.set(key, intersect(...sets));
  return { exact: exact && { key: exact.key, set: intersect(...exact.sets) }, necessary };
}

/** One must hold: an attribute is constrained only if every part constrains it. */
function either(all: readonly Facts[], budget: Budget): Facts {
  budget.spend(partsSize(all));
  // A part that never holds adds nothing to an `or`.
  const parts = all.filter((f) => !neverHolds(f));
  if (parts.length === 0) return all[0] ?? UNKNOWN;
  const exact = sameKey(parts);
  if (exact && parts.every(onlyExact)) return exactFacts(exact.key, union(...exact.sets));
  const necessary = new Map<string, ValueSet>();
  for (const [key, sets] of byKey(parts, (n) => n === parts.length)) necessary.set(key, union(...sets));
  return { exact: exact && { key: exact.key, set: union(...exact.sets) }, necessary };
}

/**
 * Whether all `f` says is its exact set (a comparison, a membership, a negation): for parts
 * that all are, on one attribute, the combined necessary set is the combined exact set, so it
 * is computed once (`country in [DE, FR, NL]` is three such parts).
 */
function onlyExact(f: Facts): boolean {
  return f.exact !== null && f.necessary.size === 1 && f.necessary.get(f.exact.key) === f.exact.set;
}

function exactFacts(key: string, set: ValueSet): Facts {
  return { exact: { key, set }, necessary: new Map<string, ValueSet>().set(key, set) };
}

/** The parts' necessary sets grouped by attribute, keeping attributes for which `keep(count)`. */
function byKey(parts: readonly Facts[], keep: (count: number) => boolean): Map<string, [ValueSet, ...ValueSet[]]> {
  const groups = new Map<string, [ValueSet, ...ValueSet[]]>();
  for (const f of parts) {
    for (const [key, set] of f.necessary) {
      const group = groups.get(key);
      if (group) group.push(set);
      else groups.set(key, [set]);
    }
  }
  for (const [key, group] of groups) if (!keep(group.length)) groups.delete(key);
  return groups;
}

/** When every part is exact on one and the same attribute: that attribute and the sets. */
function sameKey(parts: readonly Facts[]): { key: string; sets: [ValueSet, ...ValueSet[]] } | null {
  const first = parts[0]?.exact;
  if (!first) return null;
  const sets: [ValueSet, ...ValueSet[]] = [first.set];
  for (let i = 1; i < parts.length; i++) {
    const f = parts[i]!.exact;
    if (f?.key !== first.key) return null;
    sets.push(f.set);
  }
  return { key: first.key, sets };
}

function negate(f: Facts, budget: Budget): Facts {
  if (!f.exact) return UNKNOWN;
  // Complementing items flips a flag; intervals are rebuilt.
  budget.spend(f.exact.set.values.kind === 'num' ? sizeOf(f.exact.set) : 1);
  return exactFacts(f.exact.key, complement(f.exact.set));
}

function neverHolds(f: Facts): boolean {
  for (const set of f.necessary.values()) if (isEmpty(set)) return true;
  return false;
}

/** `x in [a, b]` is `x = a or x = b`; `x not in [a, b]` is `x != a and x != b`. */
function membership(e: Membership, a: Analysis): Facts {
  a.budget.spend(e.values.length);
  const parts = e.values.map((v) => a.atoms(e.attr, e.negated ? '!=' : '=', v));
  return parts.length === 0 ? UNKNOWN : (e.negated ? both : either)(parts, a.budget);
}

function atom(attr: AttrRef, op: CompareOp, value: Value, resolve: Resolve): Facts {
  const r = resolve(attr);
  const operand = r && operandOf(r, value);
  const set = operand && (typeof operand.value === 'string' ? itemAtom(operand.domain, op, operand.value) : numAtom(operand.domain, op, operand.value));
  if (!operand || !set) return UNKNOWN;
  return exactFacts(operand.key, set);
}

interface Operand {
  readonly key: string;
  readonly domain: Domain;
  readonly value: Rat | string;
}

/** The compared value in the attribute's terms; undefined when the types do not fit (the checker reports those). */
function operandOf(r: ResolvedAttr, v: Value): Operand | undefined {
  const t = r.type;
  if (t.kind === 'money' || t.kind === 'int' || t.kind === 'decimal') {
    const number = v.kind === 'Number' ? v : v.kind === 'Money' && t.kind === 'money' ? v.amount : undefined;
    const value = number && parseDecimal(number.text);
    const key = v.kind === 'Money' ? `${r.key}@${v.currency.code}` : r.key;
    const domain = domainOf(r);
    return value && inRange(domain, value) ? { key, domain, value } : undefined;
  }
  const value = itemOf(t, v);
  const domain = domainOf(r);
  const universe = domain.kind === 'set' ? domain.universe : null;
  // A value outside the attribute's values is an error the checker reports; no warning on top.
  if (value === undefined || (universe && !universe.has(value))) return undefined;
  return { key: r.key, domain, value };
}

// One domain per attribute (resolved attributes are looked up once per check: check-context.ts).
const domains = new WeakMap<ResolvedAttr, Domain>();

function domainOf(r: ResolvedAttr): Domain {
  let domain = domains.get(r);
  if (!domain) {
    const t = r.type;
    if (t.kind === 'int') domain = numDomain(true, r.optional, t.min, t.max);
    else if (t.kind === 'money' || t.kind === 'decimal') domain = numDomain(false, r.optional);
    else domain = setDomain(universeOf(t), r.optional);
    domains.set(r, domain);
  }
  return domain;
}

/** `hour = 30` is an error the checker reports; no warning on top. (The bounds of a domain are closed.) */
function inRange(domain: Domain, value: Rat): boolean {
  if (domain.kind !== 'num') return false;
  const { lo, hi } = domain.range;
  return (!domain.int || value.d === 1n) && (lo === null || cmp(value, lo.value) >= 0) && (hi === null || cmp(value, hi.value) <= 0);
}

function itemOf(t: ValueType, v: Value): string | undefined {
  switch (t.kind) {
    case 'bool':
      return v.kind === 'Bool' ? String(v.value) : undefined;
    case 'string':
    case 'one_of':
      return v.kind === 'String' ? v.value : undefined;
    case 'currency':
    case 'country':
      return v.kind === 'Code' ? v.code : undefined;
    default:
      return v.kind === 'Ident' ? v.name : undefined;
  }
}

function universeOf(t: ValueType): ReadonlySet<string> | null {
  if (t.kind === 'bool') return new Set(['true', 'false']);
  if (t.kind === 'weekday') return new Set(WEEKDAYS);
  if (t.kind === 'one_of') return new Set(t.values);
  return null;
}

function itemAtom(domain: Domain, op: CompareOp, value: string): ValueSet | undefined {
  if (op === '=') return fromItems(domain, [value], false);
  if (op === '!=') return fromItems(domain, [value], true);
  return undefined; // ordering on non-numbers: an error the checker reports
}

function numAtom(domain: Domain, op: CompareOp, value: Rat): ValueSet {
  const closed = { value, open: false };
  const open = { value, open: true };
  switch (op) {
    case '=':
      return fromIntervals(domain, [{ lo: closed, hi: closed }]);
    case '!=':
      return fromIntervals(domain, [{ lo: null, hi: open }, { lo: open, hi: null }]);
    case '<':
      return fromIntervals(domain, [{ lo: null, hi: open }]);
    case '<=':
      return fromIntervals(domain, [{ lo: null, hi: closed }]);
    case '>':
      return fromIntervals(domain, [{ lo: open, hi: null }]);
    case '>=':
      return fromIntervals(domain, [{ lo: closed, hi: null }]);
  }
}
