// Indexed dispatch for first-match chains: the branches a request can possibly take, grouped
// by the value of an attribute every branch constrains to a finite set (currency, country,
// one_of fields). Only branches that cannot hold are pruned; the order of the rest is kept.
import type * as A from '../grammar/ast.js';
import type { DispatchTree } from '../runtime/dispatch-tree.js';

export type Dispatch =
  | { readonly kind: 'linear'; readonly branches: readonly number[] }
  | {
      readonly kind: 'switch';
      readonly attribute: string;
      readonly isField: boolean;
      readonly cases: readonly (readonly [string, Dispatch])[];
      readonly fallback: Dispatch;
    };

interface Key {
  readonly name: string;
  readonly isField: boolean;
}

const MIN_BRANCHES = 3;
const MAX_VALUES = 512;

function valueText(v: A.Value): string | undefined {
  return v.kind === 'Code' ? v.code : v.kind === 'String' ? v.value : v.kind === 'Ident' ? v.name : undefined;
}

function sameAttr(a: A.AttrRef, k: Key): boolean {
  return a.name === k.name && a.isField === k.isField;
}

/** The values `key` must take for `e` to hold, or null when `e` does not pin it down. */
export function requiredValues(e: A.Expr, key: Key): ReadonlySet<string> | null {
  switch (e.kind) {
    case 'Paren':
      return requiredValues(e.inner, key);
    case 'And': {
      const l = requiredValues(e.left, key);
      const r = requiredValues(e.right, key);
      return l && r ? new Set([...l].filter((v) => r.has(v))) : (l ?? r);
    }
    case 'Or': {
      const l = requiredValues(e.left, key);
      const r = requiredValues(e.right, key);
      return l && r ? new Set([...l, ...r]) : null;
    }
    case 'Compare': {
      const v = valueText(e.value);
      return e.op === '=' && v !== undefined && sameAttr(e.attr, key) ? new Set([v]) : null;
    }
    case 'In': {
      if (e.negated || !sameAttr(e.attr, key)) return null;
      const vs = e.values.map(valueText);
      return vs.every((v) => v !== undefined) ? new Set(vs as string[]) : null;
    }
    case 'Not':
      return null;
  }
}

function keysOf(fieldTypes: ReadonlyMap<string, A.FieldType>): Key[] {
  const keys: Key[] = [{ name: 'currency', isField: false }, { name: 'country', isField: false }];
  for (const [name, type] of fieldTypes) if (type === 'one_of') keys.push({ name, isField: true });
  return keys;
}

type Sets = readonly (ReadonlySet<string> | null)[];

/** Each branch's required values per key, computed once per chain (not once per tree node). */
function requiredTable(conditions: readonly (A.Expr | null)[], keys: readonly Key[]): Map<Key, Sets> {
  return new Map(keys.map((k) => [k, conditions.map((c) => (c ? requiredValues(c, k) : null))]));
}

function plan(table: ReadonlyMap<Key, Sets>, branches: readonly number[], keys: readonly Key[]): Dispatch {
  if (branches.length < MIN_BRANCHES || keys.length === 0) return { kind: 'linear', branches };
  let best: { key: Key; sets: Sets; constrained: number } | undefined;
  for (const key of keys) {
    const all = table.get(key)!;
    const sets = branches.map((i) => all[i]!);
    const constrained = sets.filter((s) => s !== null).length;
    if (!best || constrained > best.constrained) best = { key, sets, constrained };
  }
  const values = new Set(best!.sets.flatMap((s) => (s ? [...s] : [])));
  if (best!.constrained < 2 || values.size > MAX_VALUES) return { kind: 'linear', branches };
  const rest = keys.filter((k) => k !== best!.key);
  const pick = (v: string | null) => branches.filter((_, j) => best!.sets[j] === null || (v !== null && best!.sets[j]!.has(v)));
  return {
    kind: 'switch',
    attribute: best!.key.name,
    isField: best!.key.isField,
    cases: [...values].map((v) => [v, plan(table, pick(v), rest)] as const),
    fallback: plan(table, pick(null), rest),
  };
}

export function dispatchPlan(conditions: readonly (A.Expr | null)[], fieldTypes: ReadonlyMap<string, A.FieldType>): Dispatch {
  const keys = keysOf(fieldTypes);
  return plan(requiredTable(conditions, keys), conditions.map((_, i) => i), keys);
}

/** The dispatch as data for the runtime (runtime/dispatch-tree.ts): leaves list branch indices. */
export function dispatchTree(d: Dispatch): DispatchTree {
  if (d.kind === 'linear') return Int32Array.from(d.branches);
  return {
    attribute: d.attribute,
    isField: d.isField,
    cases: new Map(d.cases.map(([v, sub]) => [v, dispatchTree(sub)])),
    fallback: dispatchTree(d.fallback),
  };
}
