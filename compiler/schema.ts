// The request's JSON Schema, derived from the standard attributes and the scheme's `field`
// lines, compiled once with ajv. An invalid request is never routed.
import { Ajv2020 as Ajv } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type * as A from '../grammar/ast.js';
import { CURRENCY_CODES, minorUnits } from '../runtime/currencies.js';
import { parseJsonDecimal } from '../runtime/rational.js';
import { COUNTRY_CODES } from './countries.js';

export interface ValidationError {
  /** JSON Pointer into the request, e.g. `/fields/kyc_level`. */
  readonly path: string;
  readonly message: string;
}

export type JsonSchema = Readonly<Record<string, unknown>>;

const DECIMAL = '^\\d+(\\.\\d+)?$';
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

const ajv = new Ajv({ allErrors: true, strict: true });
ajv.addFormat('date-time', { type: 'string', validate: (s: string) => RFC3339.test(s) && !Number.isNaN(Date.parse(s)) });

function fieldSchema(f: A.FieldStmt): JsonSchema {
  switch (f.type) {
    case 'int':
      return { type: 'integer' };
    case 'decimal':
      return { anyOf: [{ type: 'number' }, { type: 'string', pattern: '^-?\\d+(\\.\\d+)?$' }] };
    case 'string':
      return { type: 'string' };
    case 'bool':
      return { type: 'boolean' };
    case 'one_of':
      return { type: 'string', enum: [...new Set(f.values.map((v) => v.value))] };
  }
}

export function requestSchema(file: A.SchemeFile): JsonSchema {
  const fields = file.statements.filter((s): s is A.FieldStmt => s.kind === 'FieldStmt');
  const required = [...new Set(fields.filter((f) => f.required).map((f) => f.name.name))];
  const properties = Object.fromEntries(fields.map((f) => [f.name.name, fieldSchema(f)]));
  const fieldsSchema = { type: 'object', properties, ...(required.length ? { required } : {}) };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Sluice payout request',
    type: 'object',
    required: ['amount', 'currency', 'service', ...(required.length ? ['fields'] : [])],
    properties: {
      amount: { anyOf: [{ type: 'string', pattern: DECIMAL }, { type: 'number', exclusiveMinimum: 0 }] },
      currency: { type: 'string', enum: CURRENCY_CODES },
      service: { type: 'string', minLength: 1 },
      country: { type: 'string', enum: COUNTRY_CODES },
      point: { type: 'string' },
      created_at: { type: 'string', format: 'date-time' },
      test_mode: { type: 'boolean' },
      attempt: { type: 'integer', minimum: 1 },
      exclude: { type: 'array', items: { type: 'string' } },
      last_error: { type: 'string' },
      fields: fieldsSchema,
    },
  };
}

function describe(e: ErrorObject): ValidationError {
  if (e.keyword === 'required') {
    const missing = (e.params as { missingProperty: string }).missingProperty;
    return { path: `${e.instancePath}/${missing}`, message: 'is required' };
  }
  if (e.keyword === 'enum' && e.instancePath.startsWith('/fields/')) {
    const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
    return { path: e.instancePath, message: `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}` };
  }
  if (e.keyword === 'enum') return { path: e.instancePath, message: `is not a known ${e.instancePath === '/currency' ? 'ISO 4217 currency' : 'ISO 3166 country'} code` };
  if (e.keyword === 'anyOf' && e.instancePath === '/amount') return { path: '/amount', message: 'must be a positive decimal such as "100.00"' };
  return { path: e.instancePath || '/', message: e.message ?? 'is invalid' };
}

/** What a schema cannot say: the amount positive and within its currency's minor unit. */
function amountErrors(json: Record<string, unknown>): ValidationError[] {
  const amount = parseJsonDecimal(json['amount']);
  if (amount === undefined) return [{ path: '/amount', message: 'must be a plain decimal such as "100.00" (no exponent)' }];
  if (amount.n <= 0n) return [{ path: '/amount', message: 'must be greater than zero' }];
  const scale = minorUnits(json['currency'] as string);
  const scaled = amount.n * 10n ** BigInt(scale);
  if (scaled % amount.d !== 0n) return [{ path: '/amount', message: `has more decimal places than ${json['currency']} allows (${scale})` }];
  return [];
}

export type RequestValidator = (json: unknown) => ValidationError[];

export function requestValidator(schema: JsonSchema): RequestValidator {
  const validate: ValidateFunction = ajv.compile(schema);
  return (json) => {
    if (!validate(json)) {
      // Dropping anyOf's per-branch noise keeps one clear message per problem.
      const errors = (validate.errors ?? []).filter((e) => !e.schemaPath.includes('/anyOf/'));
      return dedupe(errors.map(describe));
    }
    return amountErrors(json as Record<string, unknown>);
  };
}

function dedupe(errors: ValidationError[]): ValidationError[] {
  const seen = new Set<string>();
  return errors.filter((e) => !seen.has(`${e.path} ${e.message}`) && seen.add(`${e.path} ${e.message}`) !== undefined);
}
