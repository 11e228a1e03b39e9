// The OpenAPI 3.1 document of every route; request bodies are the very schemas ajv checks.
import { PAYOUT_STATUSES } from '../runtime/payout-status.js';
import { MAX_BATCH, MAX_BATCH_BODY, MAX_LINE } from './batch-limits.js';
import { BODY_SCHEMAS, type BodyName } from './schemas.js';

type Op = Record<string, unknown>;

const problem = { description: 'A problem document', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
const json = (description: string, schema: Record<string, unknown> = { type: 'object' }) => ({ description, content: { 'application/json': { schema } } });
const withBody = (name: BodyName) => ({ required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } } });
const param = (name: string, schema: Record<string, unknown> = { type: 'string' }) => ({ name, in: 'path', required: true, schema });

function op(summary: string, responses: Record<string, unknown>, extra: Op = {}): Op {
  return { summary, ...extra, responses: { ...responses, '401': problem, '422': problem, default: problem } };
}

const PATHS: Record<string, Record<string, Op>> = {
  '/livez': { get: { summary: 'Liveness: the process answers (no I/O)', security: [], responses: { '200': json('ok') } } },
  '/healthz': { get: { summary: 'Liveness, as /livez (its older name)', security: [], responses: { '200': json('ok') } } },
  '/readyz': {
    get: {
      summary: 'Readiness: the database answers, its migrations are current and the active schemes are loaded',
      security: [],
      responses: { '200': json('ready, with each check'), '503': json('not ready: the checks say which failed') },
    },
  },
  '/metrics': {
    get: {
      summary: 'Prometheus metrics (text format 0.0.4): the admin key or SLUICE_METRICS_TOKEN as the bearer; absent (404) with SLUICE_METRICS=off',
      responses: { '200': { description: 'the exposition', content: { 'text/plain': { schema: { type: 'string' } } } }, '401': problem },
    },
  },
  '/openapi.json': { get: { summary: 'This document', security: [], responses: { '200': json('OpenAPI 3.1') } } },
  '/v1/api-keys': {
    post: op('Create an API key with a name and a role (admin key only); the key is shown once', { '201': json('the key') }, { requestBody: withBody('ApiKeyCreate') }),
    get: op('Every key: id, name, mode, role, created, last used, revoked; never the secret (admin key only)', { '200': json('keys') }),
  },
  '/v1/api-keys/{id}': { delete: op('Revoke an API key at once (admin key only)', { '204': { description: 'revoked' }, '404': problem }, { parameters: [param('id')] }) },
  '/v1/compile': {
    post: op(
      'Check a source (in a worker); diagnostics with positions; 503 when no checker is free in time',
      { '200': json('diagnostics'), '503': problem },
      { requestBody: withBody('Compile') },
    ),
  },
  '/v1/schemes': { get: op('Schemes of this mode with their latest and active versions', { '200': json('schemes') }) },
  '/v1/schemes/{name}/versions': {
    post: op(
      'Add an immutable version (200 when identical to the latest); 409 past the stored-version limits, 503 when no checker is free in time',
      { '201': json('created'), '200': json('identical to the latest'), '409': problem, '503': problem },
      { parameters: [param('name')], requestBody: withBody('VersionCreate') },
    ),
    get: op("A scheme's versions", { '200': json('versions'), '404': problem }, { parameters: [param('name')] }),
  },
  '/v1/schemes/{name}/versions/{version}': {
    get: op('One version: source, hash, message, created_at', { '200': json('version'), '404': problem }, { parameters: [param('name'), param('version', { type: 'integer' })] }),
  },
  '/v1/schemes/{name}/activate': {
    post: op(
      "Activate a version, in one transaction, on every instance (an approver's key); under the mode's require_approval, 202 with an activation request another approver decides",
      { '200': json('activated'), '202': json('activation request made'), '403': problem, '404': problem },
      { parameters: [param('name')], requestBody: withBody('Activate') },
    ),
  },
  '/v1/schemes/{name}/rollback': {
    post: op(
      'Activate the version that was active before (as activate: 202 under require_approval); 409 when there was none',
      { '200': json('activated'), '202': json('activation request made'), '409': problem },
      { parameters: [param('name')], requestBody: withBody('Rollback') },
    ),
  },
  '/v1/schemes/{name}/history': {
    get: op("The scheme's audit entries, newest first: saves, activations, requests, approvals, rollbacks", { '200': json('entries'), '404': problem }, { parameters: [param('name')] }),
  },
  '/v1/me': { get: op('The calling key: id, name, mode, role and rights (the admin key: {"admin": true})', { '200': json('the key') }) },
  '/v1/settings/{mode}': {
    get: op("A mode's settings (require_approval); the admin key or that mode's keys", { '200': json('settings'), '403': problem }, { parameters: [param('mode')] }),
    put: op('Set require_approval for a mode (admin key only)', { '200': json('settings') }, { parameters: [param('mode')], requestBody: withBody('Settings') }),
  },
  '/v1/activation-requests': {
    get: op("This mode's activation requests, newest first (?status=pending|approved|rejected)", { '200': json('requests') }),
  },
  '/v1/activation-requests/{id}': { get: op('One activation request', { '200': json('request'), '404': problem }, { parameters: [param('id')] }) },
  '/v1/activation-requests/{id}/approve': {
    post: op(
      'Approve and activate in one transaction (approver role; not the key that asked: 403 self-approval); 409 stale when another activation came first, or already decided',
      { '200': json('request'), '403': problem, '409': problem },
      { parameters: [param('id')], requestBody: withBody('ActivationDecision') },
    ),
  },
  '/v1/activation-requests/{id}/reject': {
    post: op('Reject (approver role; not the key that asked)', { '200': json('request'), '403': problem, '409': problem }, { parameters: [param('id')], requestBody: withBody('ActivationDecision') }),
  },
  '/v1/audit': {
    get: op(
      'The audit trail, newest first: filters action, scheme, actor (key id or name), since, until, mode (admin key); cursor pages (limit 1–200, next_cursor)',
      { '200': json('entries and next_cursor'), '400': problem },
    ),
  },
  '/v1/schemes/{name}/decide': {
    post: op(
      'Decide one request (DESIGN.md Decision) against the active or a given version, on the stored or a given state; ' +
        'with its trace when "trace": true',
      {
        '200': json(
          'Decision ("trace": [] without "trace": true; with it, one compact entry per first-match chain run, ' +
            'which expandTrace turns into per-condition entries, as the decide section of the README shows), ' +
            'its "version", and "decision_id": the id the service gave this decision (the decision log\'s key)',
        ),
        '404': problem,
      },
      { parameters: [param('name')], requestBody: withBody('Decide') },
    ),
  },
  '/v1/schemes/{name}/decide-batch': {
    post: op(
      `Decide up to ${MAX_BATCH} requests with one version and one state, answers in request order ` +
        '(an invalid request is answered in its place, { status: "invalid", errors }; each decision has its own "decision_id"). ' +
        `JSON: the body is at most ${MAX_BATCH_BODY / (1024 * 1024)} MiB. ` +
        `NDJSON: a request a line (at most ${MAX_LINE / 1024} KiB), options in the query, the stored state; ` +
        'one answer line per input line, written as the lines are read (an unreadable line\'s answer carries its "line")',
      {
        '200': {
          description: 'the answers, streamed',
          content: {
            'application/json': { schema: { type: 'object', required: ['version', 'data'], properties: { version: { type: 'integer' }, data: { type: 'array', items: { type: 'object' } } } } },
            'application/x-ndjson': { schema: { type: 'string', description: 'a Decision or { status: "invalid", line, errors } a line' } },
          },
        },
        '400': problem,
        '404': problem,
        '413': problem,
      },
      {
        parameters: [
          param('name'),
          { name: 'version', in: 'query', required: false, schema: { type: 'integer', minimum: 1 }, description: 'NDJSON only: the version (default the active one)' },
          { name: 'trace', in: 'query', required: false, schema: { type: 'boolean', default: false }, description: 'NDJSON only: true adds each decision\'s trace' },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: { $ref: '#/components/schemas/DecideBatch' } },
            'application/x-ndjson': { schema: { type: 'string', description: `one request (JSON) a line, at most ${MAX_BATCH} lines` } },
          },
        },
      },
    ),
  },
  '/v1/routes/{route}': {
    put: op('Set stored route state', { '200': json('route state') }, { parameters: [param('route')], requestBody: withBody('RoutePut') }),
    get: op('Stored route state', { '200': json('route state'), '404': problem }, { parameters: [param('route')] }),
  },
  '/v1/routes/{route}/connector': {
    put: op(
      "Set the route's provider connector in this mode (secrets are write-only; a secret not given is kept, null removes it)",
      { '200': json('the connector, secrets shown as "set"') },
      { parameters: [param('route')], requestBody: withBody('ConnectorPut') },
    ),
    get: op(
      "The route's connector: kind, config, which secrets are set (never their values); the mode's default when none is configured",
      { '200': json('the connector') },
      { parameters: [param('route')] },
    ),
    delete: op(
      "Remove the route's connector: the mode's default pays again (test: test_outcome; live: nothing)",
      { '204': { description: 'removed' }, '404': problem },
      { parameters: [param('route')] },
    ),
  },
  '/v1/routes/{route}/p2p-payments': { post: op("Add payments to a p2p route's pool", { '201': json('added') }, { parameters: [param('route')], requestBody: withBody('P2PPayments') }) },
  '/v1/rates': { get: op("The mode's rate tables: { data: [{ rate_scheme, rates }] }", { '200': json('rate tables') }) },
  '/v1/rates/{rate_scheme}': {
    put: op(
      'Replace a rate table ("EUR/USD": "1.0850" means 1 EUR = 1.0850 USD); a table the runtime could not use is a 422',
      { '200': json('rates'), '422': problem },
      { parameters: [param('rate_scheme')], requestBody: withBody('RatesPut') },
    ),
    get: op('One rate table: { rate_scheme, rates }', { '200': json('rates'), '404': problem }, { parameters: [param('rate_scheme')] }),
  },
  '/v1/payout-points': {
    post: op('Create or replace a payout point', { '201': json('payout point') }, { requestBody: withBody('PayoutPoint') }),
    get: op("The mode's payout points: { data: [{ id, currencies, scheme }] }", { '200': json('payout points') }),
  },
  '/v1/payout-points/{id}': { get: op('One payout point: { id, currencies, scheme }', { '200': json('payout point'), '404': problem }, { parameters: [param('id')] }) },
  '/v1/payout-gateway/payout-requests': {
    get: op('Payout requests, newest first; filters and cursor pagination', { '200': json('a page: data and meta.next_cursor'), '400': problem }, {
      parameters: ['status', 'service', 'point_id', 'from', 'to', 'cursor', 'limit'].map((name) => ({
        name,
        in: 'query',
        required: false,
        schema: name === 'limit' ? { type: 'integer', minimum: 1, maximum: 500 } : { type: 'string' },
      })),
    }),
    post: op(
      'Create a payout request: blocks, routing, atomic reservation, provider, failover; 201 when final, 202 while its payouts are with their providers',
      { '201': json('payout request, final'), '202': json('payout request, processing'), '422': problem },
      {
        requestBody: withBody('PayoutRequest'),
        parameters: [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            schema: { type: 'string', maxLength: 255 },
            description: 'Replays the first answer for the same body; a different body under a used key is a 422 idempotency-key-reused',
          },
        ],
      },
    ),
  },
  '/v1/webhook-endpoints': {
    post: op(
      "Add a webhook endpoint to the key's mode (at most 20); the answer's secret is shown this once",
      { '201': json('{ id, url, secret, created_at }'), '409': problem },
      { requestBody: withBody('WebhookEndpointCreate') },
    ),
    get: op("The mode's webhook endpoints: { data: [{ id, url, created_at }] }", { '200': json('endpoints') }),
  },
  '/v1/webhook-endpoints/{id}': {
    delete: op(
      'Delete an endpoint: its secret is wiped, its pending deliveries cancelled',
      { '204': { description: 'deleted' }, '404': problem },
      { parameters: [param('id')] },
    ),
  },
  '/v1/webhook-endpoints/{id}/deliveries': {
    get: op("The endpoint's newest deliveries: event, status, attempts, last attempt, next attempt", { '200': json('{ data: [delivery] }'), '400': problem, '404': problem }, {
      parameters: [param('id'), { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 } }],
    }),
  },
  '/v1/webhook-endpoints/{id}/deliveries/{delivery_id}': {
    get: op('One delivery with its attempt log and the event as sent', { '200': json('delivery'), '404': problem }, { parameters: [param('id'), param('delivery_id')] }),
  },
  '/v1/webhook-endpoints/{id}/deliveries/{delivery_id}/resend': {
    post: op('Send a delivery again now, whatever its status, with a fresh retry window', { '200': json('delivery'), '404': problem }, { parameters: [param('id'), param('delivery_id')] }),
  },
  '/v1/payout-gateway/payouts': {
    get: op('Payouts of this mode, newest first (those of payout requests too)', { '200': json('payouts: data'), '400': problem }, {
      parameters: [
        { name: 'status', in: 'query', required: false, schema: { enum: [...PAYOUT_STATUSES] } },
        { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 500 } },
      ],
    }),
    post: op(
      'The payout operation: one payout to a named route, no routing; 201 when final, 202 while pending',
      { '201': json('payout, final'), '202': json('payout, pending'), '409': problem },
      { requestBody: withBody('Payout'), parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 } }] },
    ),
  },
  '/v1/payout-gateway/payouts/{id}': { get: op('A payout with its status (data.attributes.status) and events', { '200': json('payout'), '404': problem }, { parameters: [param('id')] }) },
  '/v1/providers/{route}/webhooks': {
    post: {
      summary: "A provider's webhook: no API key; the route's connector checks the signature, which decides the mode",
      security: [],
      parameters: [param('route')],
      responses: { '200': json('{ received, applied }'), '401': problem, '429': problem, default: problem },
    },
  },
  '/v1/payout-gateway/payout-requests/{id}': { get: op('A payout request with its payouts and event log', { '200': json('payout request'), '404': problem }, { parameters: [param('id')] }) },
};

export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'Sluice', version: '0.1.0', description: 'Payout routing: schemes, versions, decisions, payout requests.' },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    security: [{ bearer: [] }],
    paths: PATHS,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        ...BODY_SCHEMAS,
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status'],
          properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' } },
        },
      },
    },
  };
}
