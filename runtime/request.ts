// A validated request's JSON becomes the runtime's Request: amounts exact, defaults applied,
// `hour` and `weekday` derived from `created_at` (UTC), the amount's integer views computed once.
import { WEEKDAYS } from './attributes.js';
import { minorUnits } from './currencies.js';
import { amountViews, type Int } from './int.js';
import { parseJsonDecimal, type Rat } from './rational.js';
import type { FieldKind } from './strategy-names.js';
import type { FieldValue, Request } from './types.js';


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

/** Assumes `json` passed the scheme's request schema (compiler/schema.ts); `amount` is its amount when already read (RequestReader). */
export function toRequest(json: Record<string, unknown>, fieldKinds: ReadonlyMap<string, FieldKind>, amount: Rat = parseJsonDecimal(json['amount'])!): Request {
  const rawFields = (json['fields'] ?? {}) as Record<string, unknown>;
  const fields = new Map<string, FieldValue>();
  for (const [name, kind] of fieldKinds) {
    if (!Object.hasOwn(rawFields, name)) continue;
    const v = fieldValue(kind, rawFields[name]);
    if (v !== undefined) fields.set(name, v);
  }
  const currency = json['currency'] as string;
  const scale = minorUnits(currency);
  const { units, micros } = amountViews(amount, scale);
  return assembleRequest(json, { amount, scale, units, micros }, fields);
}

/** The amount and its views, as toRequest computes them (fast-request.ts reads them from the digits). */
export interface AmountRead {
  readonly amount: Rat;
  readonly scale: number;
  readonly units: Int;
  readonly micros: number;
}

/** The Request of a valid request's JSON, its amount and fields read: one place builds every Request, so all share one shape. */
export function assembleRequest(json: Record<string, unknown>, a: AmountRead, fields: ReadonlyMap<string, FieldValue>): Request {
  const created = str(json['created_at']);
  const createdAt = created === undefined ? undefined : Date.parse(created);
  const time = createdAt === undefined || Number.isNaN(createdAt) ? undefined : new Date(createdAt);
  return {
    amount: a.amount,
    scale: a.scale,
    units: a.units,
    micros: a.micros,
    currency: json['currency'] as string,
    service: json['service'] as string,
    country: str(json['country']),
    point: str(json['point']),
    createdAt: time ? time.getTime() : undefined,
    hour: time?.getUTCHours(),
    // getUTCDay counts from Sunday, WEEKDAYS from Monday.
    weekday: time ? WEEKDAYS[(time.getUTCDay() + 6) % 7] : undefined,
    testMode: json['test_mode'] === true,
    attempt: typeof json['attempt'] === 'number' ? json['attempt'] : 1,
    exclude: Array.isArray(json['exclude']) ? new Set(json['exclude'] as string[]) : NONE_EXCLUDED,
    lastError: str(json['last_error']),
    fields,
  };
}
