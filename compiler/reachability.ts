// Which branches of a chain (or blocks of a file) can never be taken. Per condition we know
// two things about each attribute it reads:
// - `exact`: when the condition depends on ONE attribute only, the exact set of that
//   attribute's values (absent included or not) for which it holds;
// - `necessary`: per attribute, a set the attribute must lie in for the condition to hold.
// A branch is unreachable when some attribute's necessary set is empty (its own condition
// never holds) or lies inside what the earlier branches with exact conditions on that
// attribute already take. Conditions mixing attributes are never "covered" by others: the
// analysis is sound (no false warnings), not complete.
import type { AttrRef, CompareOp, Expr, Membership, Value } from '../grammar/ast.js';
import { valueText } from '../grammar/format-expr.js';
import { cmp, parseDecimal, type Rat } from '../runtime/rational.js';
import { WEEKDAYS, type ResolvedAttr, type ValueType } from './attributes.js';
import { Cover } from './cover.js';
import {
  complement, fromIntervals, fromItems, intersect, isEmpty, numDomain, setDomain, union, type Domain, type ValueSet,
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

/** One verdict per condition, in order; null stands for a plain `else`. */
export function chainVerdicts(conditions: readonly (Expr | null)[], resolve: Resolve): (Verdict | null)[] {
  const covered = new Map<string, Cover>();
  const atoms = atomsOf(resolve);
  return conditions.map((c) => {
    if (c === null) return anyFull(covered);
    const f = facts(c, atoms);
    // An earlier branch that takes every value of its attribute leaves nothing for this one.
    const verdict = branchVerdict(f, covered) ?? anyFull(covered);
    if (f.exact) {
      const cover = covered.get(f.exact.key) ?? new Cover(f.exact.set.domain);
      cover.add(f.exact.set);
      covered.set(f.exact.key, cover);
    }
    return verdict;
  });
}

/** How a message names a key: `amount@EUR` is the amount converted to EUR. */
export function describeKey(key: string): string {
  const at = key.indexOf('@');
  return at < 0 ? key : `${key.slice(0, at)} (in ${key.slice(at + 1)})`;
}

function branchVerdict(f: Facts, covered: ReadonlyMap<string, Cover>): Verdict | null {
  for (const [key, set] of f.necessary) if (isEmpty(set)) return { kind: 'never', key };
  for (const [key, set] of f.necessary) if (covered.get(key)?.covers(set)) return { kind: 'covered', key };
  return null;
}

function anyFull(covered: ReadonlyMap<string, Cover>): Verdict | null {
  for (const [key, cover] of covered) if (cover.coversAll()) return { kind: 'exhausted', key };
  return null;
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

function facts(e: Expr, atoms: AtomFacts): Facts {
  switch (e.kind) {
    case 'Paren':
      return facts(e.inner, atoms);
    case 'Not':
      return negate(facts(e.operand, atoms));
    case 'And':
    case 'Or':
      // Long `a and b and c ...` chains are left-deep: fold them in a loop, not by recursion.
      return (e.kind === 'And' ? both : either)(operands(e).map((x) => facts(x, atoms)));
    case 'Compare':
      return atoms(e.attr, e.op, e.value);
    case 'In':
      return membership(e, atoms);
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
function both(parts: readonly Facts[]): Facts {
  const exact = sameKey(parts);
  if (exact && parts.every(onlyExact)) return exactFacts(exact.key, intersect(...exact.sets));
  // Usually every part constrains another attribute: no group to intersect.
  const necessary = new Map<string, ValueSet>();
  for (const f of parts) {
    for (const [key, set] of f.necessary) {
      const before = necessary.get(key);
      necessary.set(key, before ? intersect(before, set) : set);
    }
  }
  return { exact: exact && { key: exact.key, set: intersect(...exact.sets) }, necessary };
}

/** One must hold: an attribute is constrained only if every part constrains it. */
function either(all: readonly Facts[]): Facts {
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

function negate(f: Facts): Facts {
  if (!f.exact) return UNKNOWN;
  return exactFacts(f.exact.key, complement(f.exact.set));
}

function neverHolds(f: Facts): boolean {
  for (const set of f.necessary.values()) if (isEmpty(set)) return true;
  return false;
}

/** `x in [a, b]` is `x = a or x = b`; `x not in [a, b]` is `x != a and x != b`. */
function membership(e: Membership, atoms: AtomFacts): Facts {
  const parts = e.values.map((v) => atoms(e.attr, e.negated ? '!=' : '=', v));
  return parts.length === 0 ? UNKNOWN : (e.negated ? both : either)(parts);
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
  if (value === undefined || (universe && !universe.includes(value))) return undefined;
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

function universeOf(t: ValueType): readonly string[] | null {
  if (t.kind === 'bool') return ['true', 'false'];
  if (t.kind === 'weekday') return WEEKDAYS;
  if (t.kind === 'one_of') return t.values;
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
