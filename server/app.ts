// The HTTP service: keys and modes at the edge, then one router per resource.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type Context } from 'hono';
import type { Connectors } from './connectors/registry.js';
import type { Store } from './db/connect.js';
import { rateLimiter, securityHeaders, withSecurityHeaders, type RateLimit } from './guards.js';
import type { GatewayDeps } from './gateway.js';
import { andThen, type Awaitable } from './awaitable.js';
import { Authenticator, clientOf } from './auth.js';
import { refusedAtEdge, WHOLE_BODY, type AppEnv, type Gate } from './http.js';
import type { KeyIdentity, Keys } from './keys.js';
import { openApiDocument } from './openapi.js';
import type { Readiness } from './readiness.js';
import { requestInfo } from './request-log.js';
import { Problem, sendProblem } from './problem.js';
import { connectorRoutes } from './routes/connectors.js';
import { keyRoutes, meRoutes } from './routes/keys.js';
import { activationRequestRoutes, auditRoutes, settingsRoutes } from './routes/governance.js';
import { Activations } from './activations.js';
import { operationRoutes } from './routes/operations.js';
import { payoutPointRoutes, payoutRequestRoutes, payoutRoutes } from './routes/gateway.js';
import { providerWebhookHandler } from './routes/provider-webhooks.js';
import { batchIntake, compileRoute, schemeRoutes } from './routes/schemes.js';
import { rateRoutes, routeStateRoutes } from './routes/state.js';
import { webhookEndpointRoutes } from './routes/webhook-endpoints.js';
import type { Schemes } from './schemes.js';
import { accessOf, rightsOf, type Access } from './roles.js';

export interface AppDeps {
  readonly store: Store;
  readonly keys: Keys;
  /** The key check, shared with the edge so both count a client's unknown keys together. */
  readonly auth: Authenticator;
  readonly schemes: Schemes;
  /** The payout gateway's dependencies (database, schemes, provider, clock), shared with recovery. */
  readonly gateway: GatewayDeps;
  /** Each route's provider connector per mode. */
  readonly connectors: Connectors;
  /** The built editor's folder, served at `/` when present. */
  readonly editorDir?: string;
  /** Where lines go; they may hold request text (a path), so the sink escapes control characters. */
  readonly log?: (line: string) => void;
  /** Per-key request rate limit (default 2,000/s with bursts of 4,000). */
  readonly rateLimit?: RateLimit;
  /** What /readyz checks. */
  readonly readiness: Readiness;
  /** A bearer token for /metrics besides the admin key. */
  readonly metricsToken?: string | undefined;
}

/**
 * Admin key: key management, settings and the audit trail. Mode keys: their mode, as far as
 * their role's rights reach (roles.ts). A key seen before is admitted at once (neither the admin
 * key's hash nor the database is needed); a key the edge refused before reading the body is not
 * looked up twice.
 */
function keyCheck(auth: Authenticator, keys: Keys): (c: Context<AppEnv>, access: Access) => Awaitable<void> {
  return (c, access) => {
    const refused = refusedAtEdge(c);
    if (refused) throw refused;
    return andThen(auth.identify(c.req.header('authorization'), clientOf(c.env?.incoming)), (identity) => admit(c, identity, access, keys));
  };
}

function admit(c: Context<AppEnv>, identity: KeyIdentity | 'admin', access: Access, keys: Keys): void {
  if (identity === 'admin') {
    if (!access.admin) throw new Problem(403, 'forbidden', 'the admin key manages keys, settings and reads the audit trail; use a test or live key');
    c.set('actor', 'admin');
    return;
  }
  if (access.right === 'admin') throw new Problem(403, 'forbidden', 'only the admin key may do this');
  const rights = rightsOf(identity.role);
  const needed = access.right === 'activate' ? (rights.includes('approve') ? 'approve' : 'author') : access.right;
  if (!rights.includes(needed)) throw new Problem(403, 'forbidden', `a key with the ${identity.role} role may not do this (it needs the '${needed}' right)`, { role: identity.role, right: needed });
  c.set('mode', identity.mode);
  c.set('keyId', identity.id);
  c.set('actor', identity);
  keys.used(identity.id);
}

/** PostgreSQL refuses U+0000 in text: no path or query parameter may hold one. */
function refuseNul(c: Context<AppEnv>): void {
  if (c.req.url.includes('%00')) throw new Problem(400, 'invalid-parameter', 'the path or query holds U+0000 (%00), which is not accepted');
}

/** Errors that mean the database is away: the answer is 503, and the service recovers when it returns. */
function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  const message = e instanceof Error ? e.message : '';
  return (
    (typeof code === 'string' && (/^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|57P0[123]|08\d{3})$/.test(code))) ||
    /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED|PGlite is closed|driver has already been destroyed|pool after calling end/i.test(message)
  );
}

const answerProblem = (c: Context, p: Problem): Response => withSecurityHeaders(sendProblem(c, p));

type Handler = (c: Context<AppEnv>) => Awaitable<Response>;

/**
 * Every API handler runs behind the key check and the rate limit, and its answer gets the
 * security headers. A wrapper rather than middleware: Hono runs a route with one handler
 * directly, and a handler that answers at once (decide on cached state) stays synchronous, where
 * a middleware chain costs a promise per link and per request.
 */
function guard(auth: Authenticator, keys: Keys, limit: RateLimit): Guard {
  const check = keyCheck(auth, keys);
  const limited = rateLimiter(limit);
  const run = (c: Context<AppEnv>, handler: Handler): Awaitable<Response> => {
    limited(c);
    return andThen(handler(c), withSecurityHeaders);
  };
  return (handler, access) => (c) => {
    refuseNul(c);
    return andThen(check(c, access), () => run(c, handler));
  };
}

type Guard = (handler: Handler, access: Access) => Handler;

/** The router's routes under `base`, each handler guarded (in place of app.route behind middleware); routers hold handlers only. */
function mount(app: Hono<AppEnv>, base: string, router: Hono<AppEnv>, guarded: Guard): void {
  for (const r of router.routes) {
    const path = r.path === '/' ? base : base + r.path;
    app.on(r.method, path, guarded(r.handler as Handler, accessOf(r.method, path)));
  }
}

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { gateway } = deps;

  app.onError((e, c) => {
    if (e instanceof Problem) return answerProblem(c, e);
    if (isConnectionError(e)) return answerProblem(c, new Problem(503, 'unavailable', 'the database cannot be reached; try again shortly'));
    // One line, no stack and no request body (it may carry keys or personal data); the id ties
    // the log line to the answer the client got.
    const id = randomUUID();
    const request = requestInfo(c.env?.incoming)?.id;
    deps.log?.(`internal error ${id}${request ? ` (request ${request})` : ''} on ${c.req.method} ${c.req.path}: ${e instanceof Error ? `${e.name}: ${e.message}` : 'non-Error thrown'}`);
    return answerProblem(c, new Problem(500, 'internal', 'an internal error occurred; it has been logged', { instance: `urn:sluice:error:${id}` }));
  });
  app.notFound((c) => answerProblem(c, new Problem(404, 'not-found', `no such endpoint: ${c.req.method} ${c.req.path}`)));
  // Liveness answers from the process alone, so probing it costs no query; readiness asks the database.
  const { metrics } = gateway.telemetry;
  mount(app, '', operationRoutes({ readiness: deps.readiness, metrics, keys: deps.keys, auth: deps.auth, metricsToken: deps.metricsToken }), (handler) => handler);
  app.get('/openapi.json', (c) => withSecurityHeaders(c.json(openApiDocument())));

  const guarded = guard(deps.auth, deps.keys, deps.rateLimit ?? { perSecond: 2_000, burst: 4_000 });
  const activations = new Activations(deps.store.db, deps.schemes);
  mount(app, '/v1/api-keys', keyRoutes(deps.keys), guarded);
  mount(app, '/v1/me', meRoutes(), guarded);
  mount(app, '/v1/settings', settingsRoutes(activations), guarded);
  mount(app, '/v1/audit', auditRoutes(deps.store.db), guarded);
  mount(app, '/v1/activation-requests', activationRequestRoutes(activations), guarded);
  mount(app, '/v1/compile', compileRoute(deps.schemes), guarded);
  mount(app, '/v1/schemes', schemeRoutes(deps.schemes, activations, deps.store.db, gateway.states, gateway.now, gateway.telemetry.decisions), guarded);
  mount(app, '/v1/routes', routeStateRoutes(deps.store.db, gateway.states, gateway.now), guarded);
  mount(app, '/v1/routes', connectorRoutes(deps.connectors), guarded);
  mount(app, '/v1/rates', rateRoutes(deps.store.db, gateway.states), guarded);
  mount(app, '/v1/payout-points', payoutPointRoutes(deps.store.db), guarded);
  mount(app, '/v1/payout-gateway/payout-requests', payoutRequestRoutes(gateway), guarded);
  mount(app, '/v1/payout-gateway/payouts', payoutRoutes(gateway), guarded);
  // Providers hold no API key: the webhook's signature is its credential.
  const webhook = providerWebhookHandler(gateway, deps.auth);
  app.post('/v1/providers/:route/webhooks', async (c) => withSecurityHeaders(await webhook(c)));
  mount(app, '/v1/webhook-endpoints', webhookEndpointRoutes(deps.store.db), guarded);

  // The editor's files get the page headers.
  if (deps.editorDir && existsSync(deps.editorDir)) {
    app.get('/*', securityHeaders(), serveStatic({ root: deps.editorDir }));
  } else {
    app.get('/', (c) => withSecurityHeaders(c.text('Sluice is running. The editor is not built: run `npm run build`.\n')));
  }
  return app;
}

/** Providers send their webhooks without an API key: the signature, checked by the handler, is their credential. */
const PROVIDER_WEBHOOK = /^\/v1\/providers\/[^/?]+\/webhooks(\?|$)/;

/** The one route whose body is larger than WHOLE_BODY's, or streamed. */
const DECIDE_BATCH = /^\/v1\/schemes\/[^/]+\/decide-batch$/;

/** The edge's questions, answered by the app's router and key check. */
export function gate(app: Hono<AppEnv>, auth: Authenticator): Gate {
  return {
    endpoint: (method, path) => routePattern(app, method, path),
    intake: (method, path, contentType) => (method === 'POST' && DECIDE_BATCH.test(path) ? batchIntake(contentType) : WHOLE_BODY),
    identify: (incoming) => (PROVIDER_WEBHOOK.test(incoming.url ?? '') ? undefined : auth.identify(incoming.headers.authorization, clientOf(incoming))),
  };
}

/** The route pattern a request matches (`/v1/schemes/:name/decide`), for logs, metrics and the edge; undefined for none. */
export function routePattern(app: Hono<AppEnv>, method: string, path: string): string | undefined {
  type Matched = [[unknown, { path: string }], unknown][];
  return (app.router.match(method, path)[0] as Matched)[0]?.[0][1].path;
}
