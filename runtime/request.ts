// A validated request's JSON becomes the runtime's Request: amounts exact, defaults applied,
// `hour` and `weekday` derived from `created_at` (UTC), the amount's integer views computed once.
import { WEEKDAYS } from './attributes.js';
import { minorUnits } from './currencies.js';
import { amountViews, type Int } from './int.js';
import { parseJsonDecimal, ratOfScaled, type Rat } from './rational.js';
import type { FieldKind } from './strategy-names.js';
import type { FieldValue, FieldValues, Request } from './types.js';


/** Most requests exclude no route: one shared empty set (read-only by its type) instead of one each. */
const NONE_EXCLUDED: ReadonlySet<string> = new Set();

export type { FieldKind };

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function fieldValue(kind: FieldKind, v: unknown): FieldValue | undefined {
  if (kind === 'decimal') return parseJsonDecimal(v);
  if (kind === 'int') return typeof v === 'number' ? v : undefined;
  if (kind === 'bool') return typeof v === 'boolean' ? v : undefined;
  return str(v);
}

/**
 * A request's field values in its scheme's field order, found by name through the scheme's
 * slots: a Map made and filled per request cost more than reading the fields.
 */
export class FieldSlots implements FieldValues {
  constructor(
    private readonly slots: ReadonlyMap<string, number>,
    private readonly values: readonly (FieldValue | undefined)[],
  ) {}

  get(name: string): FieldValue | undefined {
    const i = this.slots.get(name);
    return i === undefined ? undefined : this.values[i];
  }
}

/** Each field's slot, by the order of `fieldKinds` (one map per scheme). */
export function slotsOf(fieldKinds: ReadonlyMap<string, FieldKind>): ReadonlyMap<string, number> {
  let slots = SLOTS.get(fieldKinds);
  if (!slots) SLOTS.set(fieldKinds, (slots = new Map([...fieldKinds.keys()].map((name, i) => [name, i]))));
  return slots;
}

const SLOTS = new WeakMap<ReadonlyMap<string, FieldKind>, ReadonlyMap<string, number>>();

/** Assumes `json` passed the scheme's request schema (compiler/schema.ts); `amount` is its amount when already read (RequestReader). */
export function toRequest(json: Record<string, unknown>, fieldKinds: ReadonlyMap<string, FieldKind>, amount: Rat = parseJsonDecimal(json['amount'])!): Request {
  const rawFields = (json['fields'] ?? {}) as Record<string, unknown>;
  const values: (FieldValue | undefined)[] = [];
  for (const [name, kind] of fieldKinds) values.push(Object.hasOwn(rawFields, name) ? fieldValue(kind, rawFields[name]) : undefined);
  const fields = new FieldSlots(slotsOf(fieldKinds), values);
  const currency = json['currency'] as string;
  const scale = minorUnits(currency);
  const { units, micros } = amountViews(amount, scale);
  return assembleRequest(json, { exact: amount, digits: 0, places: 0, scale, units, micros }, fields);
}

/**
 * The amount and its views, as toRequest computes them (fast-request.ts reads them from the
 * digits): `exact` when already read, else the amount is `digits / 10^places`, made on first use.
 */
export interface AmountRead {
  readonly exact: Rat | undefined;
  readonly digits: number;
  readonly places: number;
  readonly scale: number;
  readonly units: Int;
  readonly micros: number;
}

/**
 * The Request of a valid request's JSON, its amount and fields read: one class builds every
 * Request, so all share one shape. The exact amount is a pair of bigints, and most decisions
 * compare only its integer views (units, micros): it is made when first read.
 */
class ReadRequest implements Request {
  readonly scale: number;
  readonly units: Int;
  readonly micros: number;
  readonly currency: string;
  readonly service: string;
  readonly country: string | undefined;
  readonly point: string | undefined;
  readonly createdAt: number | undefined;
  readonly hour: number | undefined;
  readonly weekday: string | undefined;
  readonly testMode: boolean;
  readonly attempt: number;
  readonly exclude: ReadonlySet<string>;
  readonly lastError: string | undefined;
  readonly fields: FieldValues;
  #amount: Rat | undefined;
  readonly #digits: number;
  readonly #places: number;

  constructor(json: Record<string, unknown>, a: AmountRead, fields: FieldValues) {
    const created = str(json['created_at']);
    const createdAt = created === undefined ? undefined : Date.parse(created);
    const time = createdAt === undefined || Number.isNaN(createdAt) ? undefined : new Date(createdAt);
    this.#amount = a.exact;
    this.#digits = a.digits;
    this.#places = a.places;
    this.scale = a.scale;
    this.units = a.units;
    this.micros = a.micros;
    this.currency = json['currency'] as string;
    this.service = json['service'] as string;
    this.country = str(json['country']);
    this.point = str(json['point']);
    this.createdAt = time ? time.getTime() : undefined;
    this.hour = time?.getUTCHours();
    // getUTCDay counts from Sunday, WEEKDAYS from Monday.
    this.weekday = time ? WEEKDAYS[(time.getUTCDay() + 6) % 7] : undefined;
    this.testMode = json['test_mode'] === true;
    this.attempt = typeof json['attempt'] === 'number' ? json['attempt'] : 1;
    this.exclude = Array.isArray(json['exclude']) ? new Set(json['exclude'] as string[]) : NONE_EXCLUDED;
    this.lastError = str(json['last_error']);
    this.fields = fields;
  }

  get amount(): Rat {
    return (this.#amount ??= ratOfScaled(this.#digits, this.#places));
  }
}

export function assembleRequest(json: Record<string, unknown>, a: AmountRead, fields: FieldValues): Request {
  return new ReadRequest(json, a, fields);
}
