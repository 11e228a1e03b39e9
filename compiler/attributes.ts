// How conditions' attributes and declared fields are typed for the checker and the compiler:
// the standard attributes' table is the runtime's (runtime/attributes.ts), read from here.
import type { AttrRef, FieldStmt } from '../grammar/ast.js';
import { ATTRIBUTES, WEEKDAYS, type ValueType } from '../runtime/attributes.js';

export { ATTRIBUTES, WEEKDAYS, type ValueType };

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
