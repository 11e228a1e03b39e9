// Opens the database: PostgreSQL through kysely's pg dialect when a URL is given, else embedded
// PGlite in a directory (or in memory). Both get the same migrations and the same notifications.
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql, type KyselyConfig } from 'kysely';
import pg from 'pg';
import { migrate } from './migrations.js';
import { pgliteDialect } from './pglite-dialect.js';
import type { Database } from './schema.js';

export interface DatabaseOptions {
  /** postgres://… ; without it, embedded PGlite. */
  readonly url?: string;
  /** PGlite's data directory; without it (and without url), an in-memory database. */
  readonly dataDir?: string;
  /** A PostgreSQL schema to work in (tests keep to their own). */
  readonly schema?: string;
  /** Told each query's SQL text (parameters apart) and when it began (performance.now()), for tracing. */
  readonly onQuery?: (sql: string, started: number) => void;
}

export type Listener = (payload: string) => void;

export interface Store {
  readonly db: Kysely<Database>;
  readonly kind: 'postgres' | 'pglite';
  /** Calls `onMessage` for each notification on `channel`, and `onGap` when some may have been missed. */
  listen(channel: string, onMessage: Listener, onGap: () => void): Promise<void>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export async function openStore(options: DatabaseOptions): Promise<Store> {
  const log = queryLog(options.onQuery);
  const store = options.url ? openPostgres(options.url, options.schema, log) : await openPGlite(options.dataDir, log);
  if (options.schema) await sql`create schema if not exists ${sql.id(options.schema)}`.execute(store.db);
  const error = await migrate(store.db as Kysely<unknown>, options.schema);
  if (error) {
    await store.close();
    throw new Error(`database migration failed: ${error}`);
  }
  return store;
}

/** kysely's log, when someone listens: it is told each query after it ran, and how long it took. */
function queryLog(onQuery: DatabaseOptions['onQuery']): KyselyConfig['log'] {
  return onQuery && ((event) => onQuery(event.query.sql, performance.now() - event.queryDurationMillis));
}

async function ping(db: Kysely<Database>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}

async function openPGlite(dataDir: string | undefined, log: KyselyConfig['log']): Promise<Store> {
  const client = await PGlite.create(dataDir ? { dataDir } : {});
  const db = new Kysely<Database>({ dialect: pgliteDialect(client), ...(log ? { log } : {}) });
  return {
    db,
    kind: 'pglite',
    listen: async (channel, onMessage) => void (await client.listen(channel, onMessage)),
    ping: () => ping(db),
    close: () => db.destroy(),
  };
}

function connectionConfig(url: string, schema: string | undefined): pg.ClientConfig {
  return { connectionString: url, ...(schema ? { options: `-c search_path=${schema}` } : {}) };
}

function openPostgres(url: string, schema: string | undefined, log: KyselyConfig['log']): Store {
  const config = connectionConfig(url, schema);
  const pool = new pg.Pool({ ...config, max: 10, connectionTimeoutMillis: 5_000 });
  // A client that loses its server, idle or checked out, must not crash the process: its query
  // fails (503) and the pool connects afresh for the next one.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), ...(log ? { log } : {}) });
  const listeners: (() => Promise<void>)[] = [];
  return {
    db,
    kind: 'postgres',
    listen: async (channel, onMessage, onGap) => {
      listeners.push(await listenPostgres(config, channel, onMessage, onGap));
    },
    ping: () => ping(db),
    close: async () => {
      await Promise.all(listeners.map((stop) => stop()));
      await db.destroy();
    },
  };
}

/** A dedicated LISTEN connection that comes back by itself after a fault; returns a stopper. */
async function listenPostgres(config: pg.ClientConfig, channel: string, onMessage: Listener, onGap: () => void): Promise<() => Promise<void>> {
  let stopped = false;
  let client: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  const connect = async (): Promise<void> => {
    const c = new pg.Client(config);
    c.on('notification', (n) => n.channel === channel && onMessage(n.payload ?? ''));
    c.on('error', () => retry());
    c.on('end', () => retry());
    try {
      await c.connect();
      await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      client = c;
      onGap(); // anything sent while we were away is unknown
    } catch {
      retry();
    }
  };
  const retry = (): void => {
    if (stopped || timer) return;
    client = undefined;
    onGap();
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, 500);
  };
  await connect();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await client?.end().catch(() => {});
  };
}
