// Turning a JSON Schema validator's verdict (ajv's, compiled in process or emitted by
// `sluice build`) into the request's validation errors, and what a schema cannot say: the
// amount positive and within its currency's minor unit. Shared by both, so they agree.
import type { ErrorObject } from 'ajv';
import { isCountry } from './countries.js';
import { isCurrency, minorUnits } from './currencies.js';
import { EXACT_DIGITS, isExactNumber } from './json-numbers.js';
import { parseJsonDecimal, pow10, type Rat } from './rational.js';

export interface ValidationError {
  /** JSON Pointer into the request, e.g. `/fields/kyc_level`. */
  readonly path: string;
  readonly message: string;
}

export type RequestValidator = (json: unknown) => ValidationError[];

/**
 * A request's JSON checked against its scheme: its errors, or its amount. The amount is parsed
 * once, here, and handed to toRequest: deciding should not read it twice.
 */
export type RequestRead = { readonly ok: true; readonly amount: Rat } | { readonly ok: false; readonly errors: ValidationError[] };
export type RequestReader = (json: unknown) => RequestRead;

/** A compiled JSON Schema: true when valid, else its errors in `errors`. */
export interface SchemaCheck {
  (json: unknown): boolean;
  errors?: readonly ErrorObject[] | null;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * The request schema's formats (ajv format definitions), in process and in built modules.
 * Currencies and countries are formats rather than enums: ajv tests an enum value against each
 * of its ~200 members in turn, which was most of a request's validation time.
 */
export const REQUEST_FORMATS = {
  'date-time': { type: 'string', validate: (s: string) => RFC3339.test(s) && !Number.isNaN(Date.parse(s)) },
  'iso-4217': { type: 'string', validate: isCurrency },
  'iso-3166-alpha-2': { type: 'string', validate: isCountry },
} as const;

function describe(e: ErrorObject): ValidationError {
  if (e.keyword === 'required') {
    const missing = (e.params as { missingProperty: string }).missingProperty;
    return { path: `${e.instancePath}/${missing}`, message: 'is required' };
  }
  if (e.keyword === 'enum' && e.instancePath.startsWith('/fields/')) {
    const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
    return { path: e.instancePath, message: `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}` };
  }
  if (e.keyword === 'format' && e.instancePath === '/currency') return { path: e.instancePath, message: 'is not a known ISO 4217 currency code' };
  if (e.keyword === 'format' && e.instancePath === '/country') return { path: e.instancePath, message: 'is not a known ISO 3166 country code' };
  if (e.keyword === 'anyOf' && e.instancePath === '/amount') return { path: '/amount', message: 'must be a positive decimal such as "100.00"' };
  return { path: e.instancePath || '/', message: e.message ?? 'is invalid' };
}

const INEXACT_NUMBER = `as a number may have at most ${EXACT_DIGITS} significant digits, which a number holds exactly; send it as a string such as "90071992547409.93"`;

const badAmount = (message: string): RequestRead => ({ ok: false, errors: [{ path: '/amount', message }] });

/**
 * What a schema cannot say: the amount positive, within its currency's minor unit, and, when a
 * number, one that a double holds exactly (json-numbers.ts).
 */
function readAmount(json: Record<string, unknown>): RequestRead {
  const amount = parseJsonDecimal(json['amount']);
  if (amount === undefined) return badAmount('must be a plain decimal such as "100.00" (no exponent)');
  if (amount.n <= 0n) return badAmount('must be greater than zero');
  if (typeof json['amount'] === 'number' && !isExactNumber(json['amount'])) return badAmount(INEXACT_NUMBER);
  const scale = minorUnits(json['currency'] as string);
  if (!fitsScale(amount.d, scale)) return badAmount(`has more decimal places than ${json['currency']} allows (${scale})`);
  return { ok: true, amount };
}

// In lowest terms, an amount has at most `scale` decimal places iff its denominator divides
// 10^scale; a denominator of a decimal is at most 10^15 here most of the time, a double.
function fitsScale(d: bigint, scale: number): boolean {
  if (d === 1n) return true;
  const small = Number(d);
  return small <= 1e15 && scale <= 15 ? 10 ** scale % small === 0 : pow10(scale) % d === 0n;
}

function dedupe(errors: ValidationError[]): ValidationError[] {
  const seen = new Set<string>();
  return errors.filter((e) => !seen.has(`${e.path} ${e.message}`) && seen.add(`${e.path} ${e.message}`) !== undefined);
}

/** The request reader over a compiled schema. */
export function requestReaderOf(check: SchemaCheck): RequestReader {
  return (json) => {
    if (!check(json)) {
      // Dropping anyOf's per-branch noise keeps one clear message per problem.
      const errors = (check.errors ?? []).filter((e) => !e.schemaPath.includes('/anyOf/'));
      return { ok: false, errors: dedupe(errors.map(describe)) };
    }
    return readAmount(json as Record<string, unknown>);
  };
}

/** The errors alone, for callers that only check. */
export function validatorOf(read: RequestReader): RequestValidator {
  return (json) => {
    const r = read(json);
    return r.ok ? [] : r.errors;
  };
}
