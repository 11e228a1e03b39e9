// Starts the service: database (PGlite by default, PostgreSQL with a URL), migrations, example
// schemes on a first start, change notifications between instances, and the HTTP listener.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type IncomingMessage, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import { compile } from '../compiler/compile.js';
import { createApp, gate, routePattern } from './app.js';
import { Authenticator } from './auth.js';
import type { RateLimit } from './guards.js';
import { Connectors } from './connectors/registry.js';
import { openStore, type DatabaseOptions, type Store } from './db/connect.js';
import { within } from './awaitable.js';
import { Drain, SHUTDOWN_TIMEOUT_MS } from './drain.js';
import { bufferBodies, EDGE_LIMITS, limitConnections, type AppEnv, type EdgeLimits, type Gate } from './http.js';
import { generateSecret, Keys } from './keys.js';
import { handBack, type Lease } from './lease.js';
import { printable } from './log.js';
import { observedConnectors } from './observed-connectors.js';
import { Readiness } from './readiness.js';
import { endpointOf, IdentifiedResponse, observeRequests } from './request-log.js';
import { createTelemetry, type Telemetry, type TelemetryOptions } from './telemetry.js';
import { subscribe } from './notifications.js';
import type { GatewayDeps } from './gateway.js';
import { startRecovery } from './recovery.js';
import { Schemes, type SchemesOptions } from './schemes.js';
import { StateSnapshots } from './state-snapshots.js';
import { startWebhookDelivery, type DeliveryOptions } from './webhook-delivery.js';

export interface ServiceOptions {
  readonly port?: number;
  readonly host?: string;
  /** PGlite's directory; ignored with databaseUrl. */
  readonly dataDir?: string;
  readonly databaseUrl?: string;
  /** A PostgreSQL schema to keep to (tests). */
  readonly databaseSchema?: string;
  readonly adminKey?: string;
  /** Load examples/ as test-mode schemes when the database has no scheme yet (default true). */
  readonly seedExamples?: boolean;
  readonly quiet?: boolean;
  readonly rateLimit?: RateLimit;
  /** Unknown keys per client before 429 (default 20/s with bursts of 100). */
  readonly unknownKeyLimit?: RateLimit;
  /** Bodies held and connections open at once (startService). */
  readonly edgeLimits?: EdgeLimits;
  /** Where message lines go (default: the JSON log at level warn), control characters escaped. */
  readonly log?: (line: string) => void;
  /** Log level and destination, metrics on or off, the decision log (telemetry.ts); `quiet` makes the level silent. */
  readonly telemetry?: TelemetryOptions;
  /** A bearer token for /metrics besides the admin key. */
  readonly metricsToken?: string;
  /** On close, how long requests in flight get before they are cut off and their leases handed back (default 25 s). */
  readonly shutdownTimeoutMs?: number;
  /** A payout request's runner lease: one that has not written for this long is taken over (default 30 s). */
  readonly recoverAfterMs?: number;
  /** The first status query of a payout waits this long, each later one twice as long (default 1 s). */
  readonly pollBaseMs?: number;
  /** How often this instance checks due payouts and idle requests (default 1 s). */
  readonly sweepMs?: number;
  /** The compile pool, storage limits and compiled-version cache (defaults in schemes.ts). */
  readonly schemes?: SchemesOptions;
  /** Merchant webhook delivery: backoff, give-up window, timeout, polling, batch (defaults in DELIVERY_DEFAULTS). */
  readonly webhooks?: Partial<DeliveryOptions>;
}

export interface Service {
  readonly app: Hono<AppEnv>;
  readonly telemetry: Telemetry;
  /** What the edge asks before reading a body (startService). */
  readonly gate: Gate;
  readonly store: Store;
  readonly adminKey: string;
  /** Stops the background work, hands back the leases of runs still going, and closes the database. */
  close(): Promise<void>;
}

export interface RunningService extends Service {
  readonly url: string;
  /** Whether the last close let every request in flight finish (false: some were cut off at the timeout). */
  readonly drained: () => boolean | undefined;
}

/** The project's root: where package.json is, from src/ or from dist/. */
function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!readdirSync(dir).includes('package.json')) dir = dirname(dir);
  return dir;
}

async function seedExamples(store: Store, schemes: Schemes, log: (line: string) => void): Promise<void> {
  const any = await store.db.selectFrom('schemes').select('name').limit(1).executeTakeFirst();
  if (any) return;
  const dir = join(projectRoot(), 'examples');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.sluice')).sort()) {
    const source = readFileSync(join(dir, file), 'utf8');
    const settings = compile(source).scheme?.settings;
    if (settings?.mode !== 'test') continue;
    const v = await schemes.createVersion('test', settings.name, source, `example ${file}`, 'system');
    await schemes.activate('test', settings.name, v.version, { actor: 'system', action: 'activated', message: 'example loaded at first start' });
    log(`loaded example scheme ${settings.name} (test mode, version ${v.version}, active)`);
  }
}

/** The service without a listener: for `app.request()` in tests, or to serve yourself. */
export async function createService(options: ServiceOptions = {}): Promise<Service> {
  const telemetry = await createTelemetry({ ...(options.quiet ? { logLevel: 'silent' as const } : {}), ...options.telemetry });
  const sink = options.log ?? (options.quiet ? undefined : (line: string) => telemetry.logger.warn(line));
  const log = sink ? (line: string) => sink(printable(line)) : () => {};
  const db: DatabaseOptions = options.databaseUrl
    ? { url: options.databaseUrl, ...(options.databaseSchema ? { schema: options.databaseSchema } : {}) }
    : options.dataDir
      ? { dataDir: options.dataDir }
      : {};
  const { tracing } = telemetry;
  const store = await openStore(tracing.enabled ? { ...db, onQuery: (text, started) => tracing.record('db.query', started, { 'db.system': 'postgresql', 'db.statement': text }) } : db);
  const adminKey = options.adminKey ?? generateSecret('sk_admin');
  const keys = new Keys(store.db, adminKey);
  const auth = new Authenticator(keys, options.unknownKeyLimit ?? { perSecond: 20, burst: 100 });
  const schemes = new Schemes(store.db, { onCompile: telemetry.metrics.compile, ...options.schemes });
  const states = new StateSnapshots(store.db, store.kind === 'postgres');
  const connectors = new Connectors(store.db);
  await subscribe(store, [keys, schemes, states, connectors]);
  if (options.seedExamples !== false) await seedExamples(store, schemes, log);
  const leases = new Set<Lease>();
  const gateway: GatewayDeps = {
    db: store.db,
    schemes,
    states,
    connectors: observedConnectors(connectors, telemetry),
    now: () => new Date(),
    leaseMs: options.recoverAfterMs ?? 30_000,
    pollBaseMs: options.pollBaseMs ?? 1_000,
    log,
    leases,
    telemetry,
  };
  const recovery = startRecovery(gateway, options.sweepMs ?? 1_000, log);
  const webhooks = startWebhookDelivery(store.db, { ...options.webhooks, metrics: telemetry.metrics }, log);
  const readiness = new Readiness(store, schemes, options.databaseSchema, log);
  void readiness.load();
  const app = createApp({
    store,
    keys,
    auth,
    schemes,
    gateway,
    connectors,
    editorDir: join(projectRoot(), 'dist', 'editor'),
    log,
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    readiness,
    metricsToken: options.metricsToken,
  });
  return {
    app,
    telemetry,
    gate: gate(app, auth),
    store,
    adminKey,
    close: async () => {
      // A sweep waiting on a slow provider is left going: its lease is handed back below.
      await within(options.shutdownTimeoutMs ?? SHUTDOWN_TIMEOUT_MS, recovery.stop());
      await webhooks.stop();
      await handBack(store.db, leases).catch((e: unknown) => log(`handing leases back failed: ${e instanceof Error ? e.message : String(e)}`));
      await keys.touch().catch((e: unknown) => log(`noting keys as used failed: ${e instanceof Error ? e.message : String(e)}`));
      await telemetry.close(2_000);
      await schemes.close();
      await store.close();
    },
  };
}

/**
 * A client gets 20 s for its headers and 60 s for its whole request (4 MiB at 70 KB/s) before
 * Node answers 408 and closes; the timers are checked every 2 s rather than every 30.
 */
const SERVER_TIMEOUTS: ServerOptions = { headersTimeout: 20_000, requestTimeout: 60_000, connectionsCheckingInterval: 2_000 };

export async function startService(options: ServiceOptions = {}): Promise<RunningService> {
  const service = await createService(options);
  const host = options.host ?? '127.0.0.1';
  const drain = new Drain();
  const { server, port } = await new Promise<{ server: Server; port: number }>((resolve, reject) => {
    // @hono/node-server's listener, as serve() makes it, behind bufferBodies; each request seen
    // (id, log line, metrics) and counted for draining.
    // The span starts once the body is read: the edge reads it in socket events, which would lose the span's context.
    const limits = options.edgeLimits ?? EDGE_LIMITS;
    const { request, metrics, tracing } = service.telemetry;
    const endpoint = endpoints(service.app);
    const listener = bufferBodies(tracing.listener(getRequestListener(service.app.fetch, { hostname: host }), endpoint), service.gate, limits);
    // A subclass of ServerResponse (its generic constructor type is narrower than Node's).
    const s = createServer({ ...SERVER_TIMEOUTS, ServerResponse: IdentifiedResponse as typeof ServerResponse }, observeRequests(drain.listener(listener), { request, metrics, endpointOf: endpoint }));
    limitConnections(s, limits.connections);
    drain.watch(s);
    s.once('error', reject);
    s.listen(options.port ?? 8080, host, () => resolve({ server: s, port: (s.address() as AddressInfo).port }));
  });
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  let drained: boolean | undefined;
  return {
    ...service,
    url,
    drained: () => drained,
    close: async () => {
      drained = await drain.drain(server, options.shutdownTimeoutMs ?? SHUTDOWN_TIMEOUT_MS);
      await service.close();
    },
  };
}

/** The route pattern a request matches, for logs, metrics and spans; `unmatched` for none. Matched once per request (request-log.ts). */
function endpoints(app: Hono<AppEnv>): (incoming: IncomingMessage) => string {
  const match = (method: string, path: string): string => routePattern(app, method, path) ?? 'unmatched';
  return (incoming) => endpointOf(incoming, match);
}
