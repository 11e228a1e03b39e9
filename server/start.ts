// Starts the service: database (PGlite by default, PostgreSQL with a URL), migrations, example
// schemes on a first start, change notifications between instances, and the HTTP listener.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type Server, type ServerOptions } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import { compile } from '../compiler/compile.js';
import { createApp, gate } from './app.js';
import { Authenticator } from './auth.js';
import type { RateLimit } from './guards.js';
import { Connectors } from './connectors/registry.js';
import { openStore, type DatabaseOptions, type Store } from './db/connect.js';
import { bufferBodies, EDGE_LIMITS, limitConnections, type AppEnv, type EdgeLimits, type Gate } from './http.js';
import { generateSecret, Keys } from './keys.js';
import { printable } from './log.js';
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
  /** Where log lines go (default stderr), control characters escaped. */
  readonly log?: (line: string) => void;
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
  /** What the edge asks before reading a body (startService). */
  readonly gate: Gate;
  readonly store: Store;
  readonly adminKey: string;
  close(): Promise<void>;
}

export interface RunningService extends Service {
  readonly url: string;
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
    const v = await schemes.createVersion('test', settings.name, source, `example ${file}`);
    await schemes.activate('test', settings.name, v.version);
    log(`loaded example scheme ${settings.name} (test mode, version ${v.version}, active)`);
  }
}

/** The service without a listener: for `app.request()` in tests, or to serve yourself. */
export async function createService(options: ServiceOptions = {}): Promise<Service> {
  const sink = options.log ?? (options.quiet ? undefined : (line: string) => process.stderr.write(`${line}\n`));
  const log = sink ? (line: string) => sink(printable(line)) : () => {};
  const db: DatabaseOptions = options.databaseUrl
    ? { url: options.databaseUrl, ...(options.databaseSchema ? { schema: options.databaseSchema } : {}) }
    : options.dataDir
      ? { dataDir: options.dataDir }
      : {};
  const store = await openStore(db);
  const adminKey = options.adminKey ?? generateSecret('sk_admin');
  const keys = new Keys(store.db, adminKey);
  const auth = new Authenticator(keys, options.unknownKeyLimit ?? { perSecond: 20, burst: 100 });
  const schemes = new Schemes(store.db, options.schemes);
  const states = new StateSnapshots(store.db, store.kind === 'postgres');
  const connectors = new Connectors(store.db);
  await subscribe(store, [keys, schemes, states, connectors]);
  if (options.seedExamples !== false) await seedExamples(store, schemes, log);
  const gateway: GatewayDeps = {
    db: store.db,
    schemes,
    states,
    connectors,
    now: () => new Date(),
    leaseMs: options.recoverAfterMs ?? 30_000,
    pollBaseMs: options.pollBaseMs ?? 1_000,
    log,
  };
  const recovery = startRecovery(gateway, options.sweepMs ?? 1_000, log);
  const webhooks = startWebhookDelivery(store.db, options.webhooks ?? {}, log);
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
  });
  return {
    app,
    gate: gate(app, auth),
    store,
    adminKey,
    close: async () => {
      await recovery.stop();
      await webhooks.stop();
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
  const { server, port } = await new Promise<{ server: Server; port: number }>((resolve, reject) => {
    // @hono/node-server's listener, as serve() makes it, behind bufferBodies.
    const limits = options.edgeLimits ?? EDGE_LIMITS;
    const s = createServer(SERVER_TIMEOUTS, bufferBodies(getRequestListener(service.app.fetch, { hostname: host }), service.gate, limits));
    limitConnections(s, limits.connections);
    s.once('error', reject);
    s.listen(options.port ?? 8080, host, () => resolve({ server: s, port: (s.address() as AddressInfo).port }));
  });
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  return {
    ...service,
    url,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await service.close();
    },
  };
}
