// The standard attributes every request has (LANGUAGE.md §2 "Fields"), in one table: each
// one's value type, whether a request may lack it, and the Request field holding its value
// (its reader: generated code reads `r.<field>`, the reference interpreter `req[field]`);
// beside it, the JSON Schema of the request's properties they are read from.
//
// The table lives in the runtime because the runtime reads it (the request schema, the
// reference trace's values) and must not import the compiler. What only the compiler or the
// editor needs is keyed by AttributeName in a Record (the hover docs), so an attribute added
// here does not type-check until it has its entry there. Adding one: an entry here and its
// schema in REQUEST_PROPERTIES, its Request field (types.ts) filled by toRequest (request.ts),
// its doc (language/docs.ts), and LANGUAGE.md.
import type { FieldKind } from './strategy-names.js';
import type { FieldValue, Request } from './types.js';

/** A JSON Schema (2020-12) or a part of one. */
export type JsonSchema = Readonly<Record<string, unknown>>;

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

/** The weekdays as a condition names them, Monday first. */
export const WEEKDAYS: readonly string[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** The Request fields that can hold an attribute's value. */
type ValueField = { [F in keyof Request]-?: Request[F] extends FieldValue | undefined ? F : never }[keyof Request];

interface AttributeRow {
  readonly type: ValueType;
  /** A request may lack it; then every comparison on it is false. */
  readonly optional: boolean;
  readonly field: ValueField;
  /** The request property it is read from, when not its own name. */
  readonly from?: string;
}

// In the order messages and completion list them.
const TABLE = {
  amount: { type: { kind: 'money' }, optional: false, field: 'amount' },
  currency: { type: { kind: 'currency' }, optional: false, field: 'currency' },
  service: { type: { kind: 'name' }, optional: false, field: 'service' },
  country: { type: { kind: 'country' }, optional: true, field: 'country' },
  point: { type: { kind: 'string' }, optional: true, field: 'point' },
  // `attempt` defaults to 1 and `test_mode` to false, so neither is ever absent.
  attempt: { type: { kind: 'int' }, optional: false, field: 'attempt' },
  last_error: { type: { kind: 'string' }, optional: true, field: 'lastError' },
  // `hour` and `weekday` are read from `created_at` (UTC).
  hour: { type: { kind: 'int', min: 0, max: 23 }, optional: true, field: 'hour', from: 'created_at' },
  weekday: { type: { kind: 'weekday' }, optional: true, field: 'weekday', from: 'created_at' },
  test_mode: { type: { kind: 'bool' }, optional: false, field: 'testMode' },
} as const satisfies Record<string, AttributeRow>;

export type AttributeName = keyof typeof TABLE;

export interface StandardAttribute extends AttributeRow {
  readonly name: AttributeName;
}

// A Map: user-written names such as `__proto__` must never hit an inherited property.
export const ATTRIBUTES: ReadonlyMap<string, StandardAttribute> = new Map(
  Object.entries(TABLE).map(([name, row]) => [name, { name: name as AttributeName, ...row }]),
);

/** The attribute's value in the request (absent: undefined). */
export function readAttribute(req: Request, a: StandardAttribute): FieldValue | undefined {
  return req[a.field];
}

const DECIMAL = '^\\d+(\\.\\d+)?$';

/**
 * The request's properties besides `fields`, in the order the schema checks them (its errors
 * come in that order); `created_at` gives `hour` and `weekday`, `exclude` is no attribute.
 */
/** `required`: every request carries it; `requirable`: a scheme may make it required (`require`). */
export const REQUEST_PROPERTIES: Readonly<Record<string, { readonly schema: JsonSchema; readonly required?: true; readonly requirable?: true }>> = {
  amount: { schema: { anyOf: [{ type: 'string', pattern: DECIMAL }, { type: 'number', exclusiveMinimum: 0 }] }, required: true },
  currency: { schema: { type: 'string', format: 'iso-4217' }, required: true },
  service: { schema: { type: 'string', minLength: 1 }, required: true },
  country: { schema: { type: 'string', format: 'iso-3166-alpha-2' }, requirable: true },
  point: { schema: { type: 'string' }, requirable: true },
  created_at: { schema: { type: 'string', format: 'date-time' }, requirable: true },
  test_mode: { schema: { type: 'boolean' } },
  attempt: { schema: { type: 'integer', minimum: 1 } },
  exclude: { schema: { type: 'array', items: { type: 'string' } } },
  last_error: { schema: { type: 'string' }, requirable: true },
};

/** A declared field's schema by its type; a `one_of` field's is a string with its values as an enum. */
export const FIELD_SCHEMAS: Readonly<Record<Exclude<FieldKind, 'one_of'>, JsonSchema>> = {
  int: { type: 'integer' },
  decimal: { anyOf: [{ type: 'number' }, { type: 'string', pattern: '^-?\\d+(\\.\\d+)?$' }] },
  string: { type: 'string' },
  bool: { type: 'boolean' },
};

/** The request properties `require` may name (LANGUAGE.md §2), in the table's order. */
export const REQUIRABLE: readonly string[] = Object.entries(REQUEST_PROPERTIES).flatMap(([name, p]) => (p.requirable ? [name] : []));
