// Indexed dispatch for first-match chains. For each attribute that many branches constrain to a
// finite set (currency, country, one_of fields) the chain keeps, per value, a bitset of the
// branches that can hold for it; a request intersects one bitset per attribute and tests only
// the branches left, lowest index first, so first-match order is kept. The conjuncts an index
// already decides are dropped from the branch's test (its residual).
import type * as A from '../grammar/ast.js';

export interface DispatchKey {
  readonly name: string;
  readonly isField: boolean;
}

/** One attribute's index: per value the branches that can hold; `other` for any other value. */
export interface KeyIndex {
  readonly key: DispatchKey;
  readonly byValue: ReadonlyMap<string, Int32Array>;
  readonly other: Int32Array;
}

export interface ChainIndex {
  readonly keys: readonly KeyIndex[];
  /** 32 branches a word. */
  readonly words: number;
  /** What is left to test of each branch's condition once the indexes hold (null: nothing). */
  readonly residuals: readonly (A.Expr | null)[];
}

/** Below this many branches a chain is tested in order: the indexes would cost more. */
const MIN_BRANCHES = 4;
const MAX_VALUES = 512;

function valueText(v: A.Value): string | undefined {
  return v.kind === 'Code' ? v.code : v.kind === 'String' ? v.value : v.kind === 'Ident' ? v.name : undefined;
}

function sameAttr(a: A.AttrRef, k: DispatchKey): boolean {
  return a.name === k.name && a.isField === k.isField;
}

/** The values `key` is tested against when `e` is exactly "key is one of them", else null. */
function exactValues(e: A.Expr, key: DispatchKey): string[] | null {
  if (e.kind === 'Paren') return exactValues(e.inner, key);
  if (e.kind === 'Compare') {
    const v = valueText(e.value);
    return e.op === '=' && v !== undefined && sameAttr(e.attr, key) ? [v] : null;
  }
  if (e.kind === 'In' && !e.negated && sameAttr(e.attr, key)) {
    const vs = e.values.map(valueText);
    return vs.every((v) => v !== undefined) ? (vs as string[]) : null;
  }
  return null;
}

/** The values `key` must take for `e` to hold, or null when `e` does not pin it down. */
export function requiredValues(e: A.Expr, key: DispatchKey): ReadonlySet<string> | null {
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
    case 'Compare':
    case 'In': {
      const vs = exactValues(e, key);
      return vs ? new Set(vs) : null;
    }
    case 'Not':
      return null;
  }
}

function keysOf(fieldTypes: ReadonlyMap<string, A.FieldType>): DispatchKey[] {
  const keys: DispatchKey[] = [{ name: 'currency', isField: false }, { name: 'country', isField: false }];
  for (const [name, type] of fieldTypes) if (type === 'one_of') keys.push({ name, isField: true });
  return keys;
}

function setBit(words: Int32Array, i: number): void {
  words[i >>> 5]! |= 1 << (i & 31);
}

/** The key's index, or undefined when too few branches constrain it or it has too many values. */
function keyIndex(key: DispatchKey, conditions: readonly (A.Expr | null)[], words: number): KeyIndex | undefined {
  const sets = conditions.map((c) => (c ? requiredValues(c, key) : null));
  if (sets.filter((s) => s !== null).length < 2) return undefined;
  const byValue = new Map<string, Int32Array>();
  for (const s of sets) for (const v of s ?? []) if (!byValue.has(v)) byValue.set(v, new Int32Array(words));
  if (byValue.size > MAX_VALUES) return undefined;
  const other = new Int32Array(words);
  sets.forEach((s, i) => {
    if (s === null) {
      setBit(other, i);
      for (const bits of byValue.values()) setBit(bits, i);
    } else for (const v of s) setBit(byValue.get(v)!, i);
  });
  return { key, byValue, other };
}

/** `e` without the top-level conjuncts that one of `keys` decides exactly (null: nothing left). */
function residual(e: A.Expr, keys: readonly DispatchKey[]): A.Expr | null {
  if (e.kind === 'Paren') return residual(e.inner, keys);
  if (e.kind === 'And') {
    const l = residual(e.left, keys);
    const r = residual(e.right, keys);
    return l && r ? (l === e.left && r === e.right ? e : { ...e, left: l, right: r }) : (l ?? r);
  }
  return keys.some((k) => exactValues(e, k) !== null) ? null : e;
}

/**
 * The chain's indexes, or null when none pays. Sound because each index keeps a branch for a
 * value whenever its condition can hold with it, and a conjunct is dropped only where the
 * index decides it exactly.
 */
export function chainIndex(conditions: readonly (A.Expr | null)[], fieldTypes: ReadonlyMap<string, A.FieldType>): ChainIndex | null {
  if (conditions.length < MIN_BRANCHES) return null;
  const words = Math.ceil(conditions.length / 32);
  const keys = keysOf(fieldTypes)
    .map((k) => keyIndex(k, conditions, words))
    .filter((k): k is KeyIndex => k !== undefined);
  if (keys.length === 0) return null;
  const used = keys.map((k) => k.key);
  return { keys, words, residuals: conditions.map((c) => (c ? residual(c, used) : null)) };
}
