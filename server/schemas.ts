// The JSON Schemas of every request body: ajv validates with them and /openapi.json publishes
// them, so the document and the checks cannot drift apart.
import { Ajv2020 as Ajv } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { LIMITS } from '../grammar/limits.js';
import { HTTP_CONFIG_SCHEMA, HTTP_SECRETS_SCHEMA } from './connectors/http.js';
import { TEST_OUTCOME_PATTERN } from '../runtime/test-outcome.js';
import { MAX_BATCH } from './batch-limits.js';
import { Problem } from './problem.js';
import { ROLES } from './roles.js';

type Schema = Readonly<Record<string, unknown>>;

const DECIMAL = { anyOf: [{ type: 'string', pattern: '^\\d{1,18}(\\.\\d{1,18})?$' }, { type: 'number', minimum: 0 }] };
const NAME = { type: 'string', pattern: '^[a-z_][a-z0-9_]*$', maxLength: 200 };
const CODE = { type: 'string', pattern: '^[A-Z]{3}$' };
const DATE_TIME = { type: 'string', format: 'date-time' };
const SOURCE = { type: 'string', maxLength: LIMITS.sourceLength };
const MESSAGE = { type: 'string', maxLength: 10_000 };
const VERSION = { type: 'integer', minimum: 1, maximum: 2_147_483_647 };
const TRACE = { type: 'boolean', default: false, description: 'true adds the trace; without it the answer\'s "trace" is [], which makes the decision several times cheaper' };

/** The gateway's JSON:API envelope: `{ "data": { "type", "attributes" } }`. */
function jsonApi<T extends string, A extends Schema>(type: T, attributes: A) {
  return {
    type: 'object',
    required: ['data'],
    properties: { data: { type: 'object', required: ['type', 'attributes'], properties: { type: { const: type }, attributes } } },
  } as const;
}

export const BODY_SCHEMAS = {
  ApiKeyCreate: {
    type: 'object',
    required: ['mode'],
    additionalProperties: false,
    properties: { mode: { enum: ['test', 'live'] }, name: { type: 'string', maxLength: 200 }, role: { enum: [...ROLES], description: 'absent: every right in its mode' } },
  },
  Compile: { type: 'object', required: ['source'], additionalProperties: false, properties: { source: SOURCE } },
  VersionCreate: {
    type: 'object',
    required: ['source'],
    additionalProperties: false,
    properties: { source: SOURCE, message: MESSAGE },
  },
  Activate: { type: 'object', required: ['version'], additionalProperties: false, properties: { version: VERSION, message: MESSAGE } },
  Rollback: { type: 'object', additionalProperties: false, properties: { message: MESSAGE } },
  ActivationDecision: { type: 'object', additionalProperties: false, properties: { message: MESSAGE } },
  Settings: { type: 'object', required: ['require_approval'], additionalProperties: false, properties: { require_approval: { type: 'boolean' } } },
  Decide: {
    type: 'object',
    required: ['request'],
    additionalProperties: false,
    properties: { request: { type: 'object' }, state: { type: 'object' }, version: VERSION, trace: TRACE },
  },
  DecideBatch: {
    type: 'object',
    required: ['requests'],
    additionalProperties: false,
    properties: {
      // Any value: one that is not a request for the scheme is answered in its place.
      requests: { type: 'array', maxItems: MAX_BATCH, items: { description: 'a request as for decide' } },
      state: { type: 'object', description: 'parsed once for the whole batch; without it, the stored state' },
      version: VERSION,
      trace: TRACE,
    },
  },
  RoutePut: {
    type: 'object',
    additionalProperties: false,
    properties: {
      balance: { anyOf: [DECIMAL, { type: 'null' }] },
      currency: CODE,
      enabled: { type: 'boolean' },
      test_outcome: { type: 'string', pattern: TEST_OUTCOME_PATTERN },
    },
  },
  ConnectorPut: {
    type: 'object',
    required: ['kind', 'config'],
    additionalProperties: false,
    properties: { kind: { enum: ['http'] }, config: HTTP_CONFIG_SCHEMA, secrets: HTTP_SECRETS_SCHEMA },
  },
  RatesPut: {
    type: 'object',
    propertyNames: { pattern: '^[A-Z]{3}/[A-Z]{3}$' },
    additionalProperties: { type: 'string', pattern: '^\\d{1,18}(\\.\\d{1,18})?$' },
  },
  P2PPayments: {
    type: 'array',
    maxItems: 10_000,
    items: {
      type: 'object',
      required: ['id', 'amount', 'created_at', 'expires_at'],
      additionalProperties: false,
      properties: { id: { type: 'string', minLength: 1, maxLength: 200 }, amount: DECIMAL, created_at: DATE_TIME, expires_at: DATE_TIME },
    },
  },
  PayoutPoint: {
    type: 'object',
    required: ['id', 'currencies', 'scheme'],
    additionalProperties: false,
    properties: { id: { type: 'string', minLength: 1, maxLength: 200 }, currencies: { type: 'array', minItems: 1, items: CODE }, scheme: NAME },
  },
  WebhookEndpointCreate: {
    type: 'object',
    required: ['url'],
    additionalProperties: false,
    properties: { url: { type: 'string', minLength: 1, maxLength: 2_000, description: 'an http or https URL; deliveries are POSTed to it' } },
  },
  PayoutRequest: jsonApi('payout-request', {
    type: 'object',
    required: ['point_amount', 'point_id', 'point_currency', 'service'],
    properties: {
      point_amount: DECIMAL,
      point_id: { type: 'string', minLength: 1 },
      point_currency: CODE,
      service: { type: 'string', minLength: 1 },
      test_mode: { type: 'boolean' },
      country: { type: 'string' },
      fields: { type: 'object' },
    },
  }),
  Payout: jsonApi('payout', {
    type: 'object',
    required: ['route', 'amount', 'currency', 'point_id'],
    properties: {
      route: NAME,
      amount: DECIMAL,
      currency: CODE,
      point_id: { type: 'string', minLength: 1, maxLength: 200 },
      fields: { type: 'object' },
    },
  }),
} as const satisfies Record<string, Schema>;

export type BodyName = keyof typeof BODY_SCHEMAS;

/**
 * Where a body may hold U+0000 (refused everywhere else). The language allows it in a comment,
 * and the compiler reports it elsewhere with its own diagnostic; /v1/compile stores nothing.
 * A version's source is stored, so it is refused there.
 */
export const NUL_ALLOWED: Partial<Record<BodyName, readonly string[]>> = { Compile: ['/source'] };

/**
 * An ISO 8601 date-time in the years 1 to 9999 (in UTC): JavaScript takes years to ±275,760,
 * which PostgreSQL's timestamps and its driver cannot carry.
 */
export function isDateTime(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}T/.test(s)) return false;
  const year = new Date(s).getUTCFullYear();
  return year >= 1 && year <= 9999;
}

const ajv = new Ajv({ allErrors: true, strict: true });
ajv.addFormat('date-time', { type: 'string', validate: isDateTime });
const validators = new Map<BodyName, ValidateFunction>(
  Object.entries(BODY_SCHEMAS).map(([name, schema]) => [name as BodyName, ajv.compile(schema)]),
);

function describe(e: ErrorObject): { path: string; message: string } {
  if (e.keyword === 'required') return { path: `${e.instancePath}/${(e.params as { missingProperty: string }).missingProperty}`, message: 'is required' };
  if (e.keyword === 'additionalProperties') {
    return { path: `${e.instancePath}/${(e.params as { additionalProperty: string }).additionalProperty}`, message: 'is not a known property' };
  }
  return { path: e.instancePath || '/', message: e.message ?? 'is invalid' };
}

/** Checks a parsed body against its schema; throws a 422 problem listing every error's path. */
export function checkBody<T>(name: BodyName, body: unknown): T {
  const validate = validators.get(name)!;
  if (validate(body)) return body as T;
  const errors = (validate.errors ?? []).filter((e) => !e.schemaPath.includes('/anyOf/')).map(describe);
  throw new Problem(422, 'invalid-body', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
}
