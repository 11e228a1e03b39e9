// Named declarations (fields, routes, blocks) compared attribute by attribute: each
// attribute has a key (its meaning) and a text (as the author wrote it, canonically laid out).
import type * as A from '../../grammar/ast.js';
import { exprText, percentText } from '../../grammar/format-expr.js';
import { layoutStatements } from '../../grammar/format-layout.js';
import { exprKey, numberKey, percentKey } from './normal.js';
import type { Detail, ItemChange } from './diff.js';

export interface Attr {
  readonly key: string;
  readonly text: string;
}

export type Attrs = ReadonlyMap<string, Attr>;

/** The details whose keys differ, in `order`; an absent attribute is null. */
export function attrDetails(before: Attrs, after: Attrs, order: readonly string[]): Detail[] {
  return order.flatMap((name) => {
    const a = before.get(name);
    const b = after.get(name);
    if (a?.key === b?.key) return [];
    return [{ attribute: name, old: a?.text ?? null, new: b?.text ?? null }];
  });
}

/** Compares two lists of named declarations; `attrs` reads one's attributes. */
export function diffNamed<T extends { readonly name: A.Ident }>(
  before: readonly T[],
  after: readonly T[],
  attrs: (t: T) => Attrs,
  order: readonly string[],
  text: (t: T) => string,
): ItemChange[] {
  const old = byName(before);
  const neu = byName(after);
  const changes: ItemChange[] = [];
  for (const [name, a] of old) {
    const b = neu.get(name);
    if (!b) changes.push({ change: 'removed', name, old: text(a), new: null, details: [] });
    else {
      const details = attrDetails(attrs(a), attrs(b), order);
      if (details.length) changes.push({ change: 'changed', name, old: text(a), new: text(b), details });
    }
  }
  for (const [name, b] of neu) if (!old.has(name)) changes.push({ change: 'added', name, old: null, new: text(b), details: [] });
  return changes;
}

/** The first declaration of each name (a compiled scheme has no duplicates). */
function byName<T extends { readonly name: A.Ident }>(items: readonly T[]): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) if (!map.has(item.name.name)) map.set(item.name.name, item);
  return map;
}

/** A top-level statement (not a service) as its canonical line. */
export function statementText(s: Exclude<A.TopStmt, A.ServiceStmt>): string {
  return layoutStatements([s])[0]!.text;
}

function attr(key: string, text: string = key): Attr {
  return { key, text };
}

export const FIELD_ATTRS = ['type', 'values', 'required'] as const;

export function fieldAttrs(f: A.FieldStmt): Attrs {
  // one_of values are a set: their order changes nothing a request can do.
  const values = f.values.map((v) => JSON.stringify(v.value));
  return new Map([
    ['type', attr(f.type)],
    ['values', attr([...new Set(values)].sort().join(','), f.values.map((v) => v.raw).join(', ') || '(none)')],
    ['required', attr(f.required ? 'yes' : 'no')],
  ]);
}

export const ROUTE_ATTRS = ['currency', 'fee', 'markup', 'min', 'max', 'daily', 'monthly', 'p2p', 'disabled'] as const;

export function routeAttrs(r: A.RouteStmt): Attrs {
  const map = new Map<string, Attr>([
    ['currency', attr(r.currency.code)],
    ['p2p', attr('no')],
    ['disabled', attr('no')],
  ]);
  for (const o of r.options) map.set(o.kind, routeOptionAttr(o));
  return map;
}

function routeOptionAttr(o: A.RouteOption): Attr {
  switch (o.kind) {
    case 'fee': {
      const p = o.percent ? percentKey(o.percent) : '0%';
      const text = [o.percent && percentText(o.percent), o.fixed?.text].filter(Boolean).join(' + ');
      return attr(`${p}+${o.fixed ? numberKey(o.fixed.text) : '0'}`, text);
    }
    case 'markup':
      return attr(percentKey(o.percent), percentText(o.percent));
    case 'min':
    case 'max':
    case 'daily':
    case 'monthly':
      return attr(numberKey(o.amount.text), o.amount.text);
    case 'p2p':
    case 'disabled':
      return attr('yes');
  }
}

export function blockAttrs(b: A.BlockStmt): Attrs {
  return new Map([['condition', attr(exprKey(b.condition), exprText(b.condition))]]);
}

/** When the blocks both schemes share are tested in another order, the first match can differ. */
export function blockOrder(before: readonly A.BlockStmt[], after: readonly A.BlockStmt[]): ItemChange[] {
  const afterNames = new Set(after.map((b) => b.name.name));
  const beforeNames = new Set(before.map((b) => b.name.name));
  const a = before.map((b) => b.name.name).filter((n) => afterNames.has(n));
  const b = after.map((x) => x.name.name).filter((n) => beforeNames.has(n));
  if (a.join(',') === b.join(',')) return [];
  return [{ change: 'reordered', name: 'blocks', old: a.join(', '), new: b.join(', '), details: [] }];
}
