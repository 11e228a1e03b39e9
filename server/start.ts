// Starts the service: database (PGlite by default, PostgreSQL with a URL), migrations, example
// schemes on a first start, change notifications between instances, and the HTTP listener.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import { compile } from '../compiler/compile.js';
import { createApp } from './app.js';
import type { RateLimit } from './guards.js';
import { openStore, type DatabaseOptions, type Store } from './db/connect.js';
import { bufferBodies, type AppEnv } from './http.js';
import { generateSecret, Keys } from './keys.js';
import { subscribe } from './notifications.js';
import { testProvider } from './providers.js';
import { startRecovery } from './recovery.js';
import { Schemes } from './schemes.js';
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
  /** A request `processing` without a heartbeat for this long is resumed (default 30 s). */
  readonly recoverAfterMs?: number;
  /** Merchant webhook delivery: backoff, give-up window, timeout, polling, batch (defaults in DELIVERY_DEFAULTS). */
  readonly webhooks?: Partial<DeliveryOptions>;
}

export interface Service {
  readonly app: Hono<AppEnv>;
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
  const log = options.quiet ? () => {} : (line: string) => process.stderr.write(`${line}\n`);
  const db: DatabaseOptions = options.databaseUrl
    ? { url: options.databaseUrl, ...(options.databaseSchema ? { schema: options.databaseSchema } : {}) }
    : options.dataDir
      ? { dataDir: options.dataDir }
      : {};
  const store = await openStore(db);
  const adminKey = options.adminKey ?? generateSecret('sk_admin');
  const keys = new Keys(store.db, adminKey);
  const schemes = new Schemes(store.db);
  const states = new StateSnapshots(store.db, store.kind === 'postgres');
  await subscribe(store, [keys, schemes, states]);
  if (options.seedExamples !== false) await seedExamples(store, schemes, log);
  const gateway = { db: store.db, schemes, states, provider: testProvider(store.db), now: () => new Date() };
  const recovery = startRecovery(gateway, options.recoverAfterMs ?? 30_000, log);
  const webhooks = startWebhookDelivery(store.db, options.webhooks ?? {}, log);
  const app = createApp({
    store,
    keys,
    schemes,
    gateway,
    editorDir: join(projectRoot(), 'dist', 'editor'),
    log,
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
  });
  return {
    app,
    store,
    adminKey,
    close: async () => {
      recovery.stop();
      await webhooks.stop();
      await store.close();
    },
  };
}

export async function startService(options: ServiceOptions = {}): Promise<RunningService> {
  const service = await createService(options);
  const host = options.host ?? '127.0.0.1';
  const { server, port } = await new Promise<{ server: Server; port: number }>((resolve, reject) => {
    // @hono/node-server's listener, as serve() makes it, behind bufferBodies.
    const s = createServer(bufferBodies(getRequestListener(service.app.fetch, { hostname: host })));
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
