// A request read in one pass when it is plainly valid: the checks of the scheme's request schema
// that a valid request passes, and toRequest's reading, without ajv's general walk and without
// reading the amount twice. Whatever it is not sure of (an amount sent as a number, more decimal
// places than the currency has, a zero amount, an object with another prototype, any failed
// check) it leaves to the full reader, ajv then toRequest, which gives the errors. So a request
// it reads is one the full reader would accept, read to the same Request (test/fast-request.test.ts).
import { FIELD_SCHEMAS, REQUEST_PROPERTIES, type JsonSchema } from './attributes.js';
import { isCountry } from './countries.js';
import { interned } from './interned.js';
import { currencyScale } from './currencies.js';
import { parseDecimal } from './rational.js';
import { assembleRequest, FieldSlots, slotsOf, type AmountRead } from './request.js';
import type { FieldKind } from './strategy-names.js';
import type { FieldValue, Request } from './types.js';
import { REQUEST_FORMATS } from './validation.js';

/** The Request, or undefined: read it with the full reader, which says what is wrong if anything is. */
export type FastReader = (json: unknown) => Request | undefined;

interface FieldPlan {
  readonly name: string;
  readonly kind: FieldKind;
  readonly required: boolean;
  /** Its place in FieldSlots. */
  readonly slot: number;
  /** A `one_of` field's values. */
  readonly values: ReadonlySet<string> | undefined;
}

interface Plan {
  /** The properties the schema requires, as REQUIRED_BIT's bits. */
  readonly required: number;
  /** The declared fields by name. */
  readonly fields: ReadonlyMap<string, FieldPlan>;
  /** How many of them are required. */
  readonly requiredFields: number;
  /** Each field's slot in FieldSlots, and the values of a request that gives none. */
  readonly slots: ReadonlyMap<string, number>;
  readonly none: readonly undefined[];
}

/**
 * The properties read below, each checked as REQUEST_PROPERTIES' schema says (pinned by a
 * test), and `fields`; each with its bit in Plan.required (amount, currency and service are
 * checked whether required or not).
 */
const REQUIRED_BIT: ReadonlyMap<string, number> = new Map([
  ['amount', 0], ['currency', 0], ['service', 0], ['country', 1], ['point', 2], ['created_at', 4],
  ['last_error', 8], ['fields', 16], ['test_mode', 32], ['attempt', 64], ['exclude', 128],
]);
const READ_HERE: ReadonlySet<string> = new Set([...REQUIRED_BIT.keys()].filter((name) => name !== 'fields'));

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The fast reader of a request schema (compiler/schema.ts), or undefined when the schema holds anything it does not know. */
export function fastReaderOf(schema: JsonSchema, fieldKinds: ReadonlyMap<string, FieldKind>): FastReader | undefined {
  const plan = planOf(schema, fieldKinds);
  return plan && ((json) => read(json, plan));
}

function planOf(schema: JsonSchema, fieldKinds: ReadonlyMap<string, FieldKind>): Plan | undefined {
  const props = schema['properties'] as Record<string, JsonSchema> | undefined;
  const required = schema['required'];
  if (schema['type'] !== 'object' || props === undefined || !Array.isArray(required)) return undefined;
  const standard = Object.keys(props).filter((name) => name !== 'fields');
  if (standard.length !== READ_HERE.size || standard.some((name) => !READ_HERE.has(name) || !same(props[name], REQUEST_PROPERTIES[name]?.schema))) return undefined;
  if (!required.every((name) => typeof name === 'string' && REQUIRED_BIT.has(name))) return undefined;
  const fields = fieldPlans(props['fields'], fieldKinds);
  if (!fields) return undefined;
  return {
    required: (required as string[]).reduce((bits, name) => bits | REQUIRED_BIT.get(name)!, 0),
    fields: new Map(fields.map((f) => [f.name, f])),
    requiredFields: fields.filter((f) => f.required).length,
    slots: slotsOf(fieldKinds),
    none: fields.map(() => undefined),
  };
}

function fieldPlans(schema: JsonSchema | undefined, fieldKinds: ReadonlyMap<string, FieldKind>): FieldPlan[] | undefined {
  const props = schema?.['properties'] as Record<string, JsonSchema> | undefined;
  const required = (schema?.['required'] ?? []) as unknown[];
  if (schema?.['type'] !== 'object' || props === undefined || Object.keys(props).length !== fieldKinds.size) return undefined;
  const plans: FieldPlan[] = [];
  for (const [name, kind] of fieldKinds) {
    const s = props[name];
    if (s === undefined) return undefined;
    const values = kind === 'one_of' ? oneOfValues(s) : same(s, FIELD_SCHEMAS[kind]) ? null : undefined;
    if (values === undefined) return undefined;
    plans.push({ name, kind, required: required.includes(name), slot: plans.length, values: values ?? undefined });
  }
  return plans;
}

function oneOfValues(s: JsonSchema): ReadonlySet<string> | undefined {
  const values = s['enum'];
  const known = Object.keys(s).length === 2 && s['type'] === 'string' && Array.isArray(values) && values.every((v) => typeof v === 'string');
  return known ? new Set((values as string[]).map(interned)) : undefined;
}

function read(json: unknown, plan: Plan): Request | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const o = json as Record<string, unknown>;
  const { amount, currency, service, country, point, created_at: created, test_mode: testMode, attempt, exclude, last_error: lastError, fields } = o;
  // Checked after the reads, which tell the optimizing compiler the object's shape: it then
  // knows the prototype instead of asking the runtime. Own properties only (ajv's
  // ownProperties): a plain object's inherited ones are Object.prototype's.
  if (!isPlain(o)) return undefined;
  const scale = typeof currency === 'string' ? currencyScale(currency) : undefined;
  if (scale === undefined || typeof service !== 'string' || service.length === 0) return undefined;
  if (plan.required !== 0 && (plan.required & present(country, point, created, lastError, fields, testMode, attempt, exclude)) !== plan.required) return undefined;
  if (country !== undefined && (typeof country !== 'string' || !isCountry(country))) return undefined;
  if ((point !== undefined && typeof point !== 'string') || (lastError !== undefined && typeof lastError !== 'string') || (testMode !== undefined && typeof testMode !== 'boolean')) return undefined;
  if (created !== undefined && (typeof created !== 'string' || !REQUEST_FORMATS['date-time'].validate(created))) return undefined;
  if (attempt !== undefined && (typeof attempt !== 'number' || !Number.isInteger(attempt) || attempt < 1)) return undefined;
  if (exclude !== undefined && (!Array.isArray(exclude) || !allStrings(exclude))) return undefined;
  const read = amountOf(amount, scale);
  const values = read && fieldsOf(fields, plan);
  return values && assembleRequest(o, read!, values);
}

/** The bits of REQUIRED_BIT for the properties a request has. */
function present(country: unknown, point: unknown, created: unknown, lastError: unknown, fields: unknown, testMode: unknown, attempt: unknown, exclude: unknown): number {
  return (
    (country === undefined ? 0 : 1) |
    (point === undefined ? 0 : 2) |
    (created === undefined ? 0 : 4) |
    (lastError === undefined ? 0 : 8) |
    (fields === undefined ? 0 : 16) |
    (testMode === undefined ? 0 : 32) |
    (attempt === undefined ? 0 : 64) |
    (exclude === undefined ? 0 : 128)
  );
}

function isPlain(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

// By index, as ajv checks items: a hole in an array is no string.
function allStrings(list: readonly unknown[]): boolean {
  for (let i = 0; i < list.length; i++) if (typeof list[i] !== 'string') return false;
  return true;
}

const FIFTEEN_DIGITS = 15;
/** 10^k for k ≤ 6: `10 ** k` with k unknown is a call to pow. */
const POW10 = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];

/**
 * A string amount of at most fifteen digits and at most `scale` decimal places, above zero; its
 * views read from the digits (n / 10^places: units n × 10^(scale − places), millionths
 * n × 10^(6 − places)), as amountViews computes them from the reduced fraction.
 */
function amountOf(v: unknown, scale: number): AmountRead | undefined {
  // Fifteen digits and a point at the most: a longer text is left whole to the full reader.
  if (typeof v !== 'string' || v.length > FIFTEEN_DIGITS + 1) return undefined;
  let n = 0;
  let digits = 0;
  let point = -1;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      n = n * 10 + (c - 48);
      digits++;
    } else if (c === 46 && point < 0 && digits > 0) point = digits;
    else return undefined;
  }
  const places = point < 0 ? 0 : digits - point;
  if (digits > FIFTEEN_DIGITS || point === digits || n === 0 || places > scale || scale > 6) return undefined;
  const units = n * POW10[scale - places]!;
  const micros = n * POW10[6 - places]!;
  if (units > Number.MAX_SAFE_INTEGER) return undefined;
  return { exact: undefined, digits: n, places, scale, units, micros: micros <= Number.MAX_SAFE_INTEGER ? micros : NaN };
}

/**
 * The declared fields, walked by the object's own keys (for-in reads each by its place in the
 * object; a load by a name that varies would go through V8's megamorphic cache); others are
 * ignored, as the schema allows. An array or an object of another prototype is refused before
 * any key is walked.
 */
function fieldsOf(raw: unknown, plan: Plan): FieldSlots | undefined {
  if (raw === undefined) return plan.requiredFields === 0 ? new FieldSlots(plan.slots, plan.none) : undefined;
  if (!isPlain(raw)) return undefined;
  const o = raw as Record<string, unknown>;
  const values: (FieldValue | undefined)[] = plan.none.slice();
  let required = 0;
  for (const name in o) {
    const f = plan.fields.get(name);
    const v = o[name];
    if (f === undefined || v === undefined) continue;
    const value = fieldValue(f, v);
    if (value === undefined) return undefined;
    values[f.slot] = value;
    if (f.required) required++;
  }
  return required === plan.requiredFields ? new FieldSlots(plan.slots, values) : undefined;
}

function fieldValue(f: FieldPlan, v: unknown): FieldValue | undefined {
  switch (f.kind) {
    case 'int':
      return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
    case 'decimal':
      return typeof v === 'string' ? parseDecimal(v) : undefined;
    case 'bool':
      return typeof v === 'boolean' ? v : undefined;
    case 'string':
      return typeof v === 'string' ? v : undefined;
    case 'one_of':
      return typeof v === 'string' && f.values!.has(v) ? v : undefined;
  }
}
