// Test harness for the service: one per database backend — embedded PGlite always, and
// PostgreSQL when TEST_DATABASE_URL is set (CI points it at the machine's server). Each
// PostgreSQL harness works in a fresh schema of its own and drops it afterwards.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createService, startService, type RunningService, type Service, type ServiceOptions } from '../../server/start.js';

export const ADMIN = 'sk_admin_for_tests';

export interface Backend {
  readonly name: string;
  /** PostgreSQL's URL and the harness's schema, for tests that reach the database beside the service. */
  readonly postgres?: { readonly url: string; readonly schema: string };
  /** Opens a service; services opened with the same `shared` name see one database. */
  open(options?: Partial<ServiceOptions>): Promise<Service>;
  /** As open, listening on a free port of 127.0.0.1 behind the edge (bodies, connections). */
  serve(options?: Partial<ServiceOptions>): Promise<RunningService>;
  cleanup(): Promise<void>;
}

function pgliteBackend(): Backend {
  const opened: Service[] = [];
  const base = { adminKey: ADMIN, seedExamples: false, quiet: true };
  return {
    name: 'PGlite',
    async open(options = {}) {
      const s = await createService({ ...base, ...options });
      opened.push(s);
      return s;
    },
    async serve(options = {}) {
      const s = await startService({ ...base, port: 0, ...options });
      opened.push(s);
      return s;
    },
    async cleanup() {
      await Promise.all(opened.map((s) => s.close()));
    },
  };
}

function postgresBackend(url: string): Backend {
  const schema = `sluice_test_${randomBytes(6).toString('hex')}`;
  const opened: Service[] = [];
  const base = { adminKey: ADMIN, seedExamples: false, quiet: true, databaseUrl: url, databaseSchema: schema };
  return {
    name: 'PostgreSQL',
    postgres: { url, schema },
    async open(options = {}) {
      const s = await createService({ ...base, ...options });
      opened.push(s);
      return s;
    },
    async serve(options = {}) {
      const s = await startService({ ...base, port: 0, ...options });
      opened.push(s);
      return s;
    },
    async cleanup() {
      await Promise.all(opened.map((s) => s.close()));
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`drop schema if exists ${pg.escapeIdentifier(schema)} cascade`);
      await client.end();
    },
  };
}

export function backends(): Backend[] {
  const url = process.env['TEST_DATABASE_URL'];
  return [pgliteBackend(), ...(url ? [postgresBackend(url)] : [])];
}

/** A small client over `app.request`: JSON in, status and JSON out. */
export class Client {
  constructor(
    readonly service: Service,
    readonly key: string,
  ) {}

  // Bodies are loose JSON here (`any`) so assertions can read them by path; the service types them.
  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
    const init: RequestInit = {
      method,
      headers: { authorization: `Bearer ${this.key}`, 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    };
    const res = await this.service.app.request(path, init);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  }

  get = (path: string) => this.call('GET', path);
  post = (path: string, body?: unknown, headers?: Record<string, string>) => this.call('POST', path, body, headers);
  put = (path: string, body?: unknown) => this.call('PUT', path, body);
  delete = (path: string) => this.call('DELETE', path);
}

/** A client with a fresh key of the given mode. */
export async function keyed(service: Service, mode: 'test' | 'live'): Promise<Client & { keyId: string }> {
  const admin = new Client(service, ADMIN);
  const res = await admin.post('/v1/api-keys', { mode, name: `${mode} key` });
  if (res.status !== 201) throw new Error(`could not create a key: ${JSON.stringify(res.body)}`);
  return Object.assign(new Client(service, res.body.key), { keyId: res.body.id as string });
}
