// The standard attributes every request has (LANGUAGE.md §2 "Fields") and the value types
// that attributes and declared fields share; the checker and the compiler both read them.
import type { AttrRef, FieldStmt } from '../grammar/ast.js';

/** What a condition may compare an attribute or field with. */
export type ValueType =
  | { readonly kind: 'money' }
  | { readonly kind: 'int'; readonly min?: number; readonly max?: number }
  | { readonly kind: 'decimal' }
  | { readonly kind: 'string' }
  | { readonly kind: 'bool' }
  | { readonly kind: 'currency' }
  | { readonly kind: 'country' }
  | { readonly kind: 'name' }
  | { readonly kind: 'weekday' }
  | { readonly kind: 'one_of'; readonly values: readonly string[] };

export const WEEKDAYS: readonly string[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

interface Attribute {
  readonly type: ValueType;
  /** A request may lack it; then every comparison on it is false. */
  readonly optional: boolean;
}

// A Map: user-written names such as `__proto__` must never hit an inherited property.
export const ATTRIBUTES: ReadonlyMap<string, Attribute> = new Map<string, Attribute>([
  ['amount', { type: { kind: 'money' }, optional: false }],
  ['currency', { type: { kind: 'currency' }, optional: false }],
  ['service', { type: { kind: 'name' }, optional: false }],
  ['country', { type: { kind: 'country' }, optional: true }],
  ['point', { type: { kind: 'string' }, optional: true }],
  // `attempt` defaults to 1 and `test_mode` to false, so neither is ever absent.
  ['attempt', { type: { kind: 'int' }, optional: false }],
  ['last_error', { type: { kind: 'string' }, optional: true }],
  ['hour', { type: { kind: 'int', min: 0, max: 23 }, optional: true }],
  ['weekday', { type: { kind: 'weekday' }, optional: true }],
  ['test_mode', { type: { kind: 'bool' }, optional: false }],
]);

/** The value type a field declaration gives, or undefined for a type the parser could not read. */
export function fieldValueType(f: FieldStmt): ValueType | undefined {
  switch (f.type) {
    case 'int':
    case 'decimal':
    case 'string':
    case 'bool':
      return { kind: f.type };
    case 'one_of':
      // A value listed twice is an error the checker reports; the type lists it once.
      return { kind: 'one_of', values: [...new Set(f.values.map((v) => v.value))] };
    default:
      return undefined;
  }
}

export interface FieldInfo {
  readonly stmt: FieldStmt;
  readonly type: ValueType;
}

/** An attribute reference resolved: `key` names it in analyses (`amount`, `fields.kyc_level`). */
export interface ResolvedAttr {
  readonly key: string;
  readonly type: ValueType;
  readonly optional: boolean;
}

export function resolveAttr(attr: AttrRef, fields: ReadonlyMap<string, FieldInfo>): ResolvedAttr | undefined {
  if (attr.isField) {
    const f = fields.get(attr.name);
    return f && { key: `fields.${attr.name}`, type: f.type, optional: !f.stmt.required };
  }
  const a = ATTRIBUTES.get(attr.name);
  return a && { key: attr.name, type: a.type, optional: a.optional };
}

/** Ordering (`<`, `>=`, ...) applies to numbers and money only. */
export function isNumeric(t: ValueType): boolean {
  return t.kind === 'money' || t.kind === 'int' || t.kind === 'decimal';
}

/** How a message names what the attribute is compared with. */
export function describeType(t: ValueType): string {
  switch (t.kind) {
    case 'money':
      return 'money: a number like 100 (in the request currency) or an amount like 100 EUR';
    case 'int':
      if (t.min !== undefined && t.max !== undefined) return `a whole number from ${t.min} to ${t.max}`;
      if (t.min !== undefined) return `a whole number of at least ${t.min}`;
      return t.max !== undefined ? `a whole number of at most ${t.max}` : 'a whole number like 2';
    case 'decimal':
      return 'a number like 2.5';
    case 'string':
      return 'a string in double quotes like "text"';
    case 'bool':
      return 'true or false';
    case 'currency':
      return 'a currency code like EUR (no quotes)';
    case 'country':
      return 'a country code like DE (no quotes)';
    case 'name':
      return 'a service name like sepa_eur (no quotes)';
    case 'weekday':
      return `one of ${WEEKDAYS.join(', ')}`;
    case 'one_of':
      return `one of ${t.values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
}
