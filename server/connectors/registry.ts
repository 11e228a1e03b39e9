// Which connector pays through a route: the one configured for the route and mode, else the
// mode's default (the test connector in test mode; in live mode none, so a live payout is
// refused, never faked). Configurations are cached per instance and dropped on every change,
// here or (by notification) on another instance.
import type { Kysely } from 'kysely';
import type { Database, Mode } from '../db/schema.js';
import { publish, type Change, type ChangeHandler } from '../notifications.js';
import { Problem } from '../problem.js';
import type { Connector } from './connector.js';
import { checkHttpConfig, HttpConnector, type HttpConnectorConfig, type HttpConnectorSecrets } from './http.js';
import { testConnector } from './test.js';

/** Configurable kinds; live mode pays only through these (never through `test`). */
export type ConfiguredKind = 'http';

export interface ConnectorPut {
  readonly kind: ConfiguredKind;
  readonly config: HttpConnectorConfig;
  /** Each given secret is set (a string) or removed (null); secrets not given are kept. */
  readonly secrets?: { readonly [K in keyof HttpConnectorSecrets]?: string | null };
}

/** A route's connector as the API shows it: never a secret's value, only whether it is set. */
export interface ConnectorView {
  readonly route: string;
  readonly kind: ConfiguredKind | 'test' | 'none';
  /** False: the mode's default answers (test: the route's `test_outcome`; live: nothing is sent). */
  readonly configured: boolean;
  readonly config: HttpConnectorConfig | null;
  readonly secrets: Readonly<Record<string, 'set'>>;
  readonly updated_at: string | null;
}

/** Live mode with nothing configured: the send is refused, and a status query is asked again later. */
const NOT_CONFIGURED: Connector = {
  kind: 'none',
  send: async () => ({ kind: 'failed', code: 'provider_not_configured' }),
  // A payout sent before the configuration was removed may still be paid: never say it was not.
  status: async () => ({ kind: 'unknown', reason: 'the route has no provider connector configured' }),
  webhook: () => ({ ok: false, reason: 'the route has no provider connector configured' }),
};

export interface ConnectorsOptions {
  /** The clock (ms since the epoch) for the test connector's delays and webhook timestamps. */
  readonly now?: () => number;
}

interface Stored {
  readonly kind: string;
  readonly config: HttpConnectorConfig;
  readonly secrets: HttpConnectorSecrets;
  readonly updated_at: Date;
}

const key = (mode: Mode, route: string): string => `${mode}/${route}`;

export class Connectors implements ChangeHandler {
  /** Configured connectors only, so the cache is bounded by the table's rows. */
  private readonly cache = new Map<string, Connector>();
  /** Bumped by every change, so a read that raced one is not cached. */
  private generation = 0;
  private readonly now: () => number;

  constructor(
    private readonly db: Kysely<Database>,
    options: ConnectorsOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  async forRoute(mode: Mode, route: string): Promise<Connector> {
    const configured = await this.configured(mode, route);
    if (configured) return configured;
    if (mode === 'live') return NOT_CONFIGURED;
    const row = await this.db.selectFrom('routes').select('test_outcome').where('mode', '=', mode).where('route', '=', route).executeTakeFirst();
    return testConnector(row?.test_outcome ?? 'success', this.now);
  }

  /** The connectors configured for a route in either mode: a webhook names the route, and its signature tells the mode. */
  async forWebhook(route: string): Promise<{ mode: Mode; connector: Connector }[]> {
    const found: { mode: Mode; connector: Connector }[] = [];
    for (const mode of ['test', 'live'] as const) {
      const connector = await this.configured(mode, route);
      if (connector) found.push({ mode, connector });
    }
    return found;
  }

  async view(mode: Mode, route: string): Promise<ConnectorView> {
    const row = await this.load(this.db, mode, route);
    if (!row) return { route, kind: mode === 'test' ? 'test' : 'none', configured: false, config: null, secrets: {}, updated_at: null };
    const secrets = Object.fromEntries(Object.keys(row.secrets).map((name) => [name, 'set' as const]));
    return { route, kind: 'http', configured: true, config: row.config, secrets, updated_at: new Date(row.updated_at).toISOString() };
  }

  /** Sets a route's connector; a 422 problem when the configuration cannot work. */
  async put(mode: Mode, route: string, body: ConnectorPut): Promise<ConnectorView> {
    await this.write(mode, route, async (trx) => {
      const before = await this.load(trx, mode, route, true);
      const secrets = mergeSecrets(before?.secrets ?? {}, body.secrets ?? {});
      const errors = checkHttpConfig(mode, body.config, secrets);
      if (errors.length) throw new Problem(422, 'invalid-body', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
      const row = { kind: body.kind, config: JSON.stringify(body.config), secrets: JSON.stringify(secrets), updated_at: new Date() };
      await trx
        .insertInto('route_connectors')
        .values({ mode, route, ...row })
        .onConflict((oc) => oc.columns(['mode', 'route']).doUpdateSet(row))
        .execute();
    });
    return this.view(mode, route);
  }

  /** Back to the mode's default; false when nothing was configured. */
  async remove(mode: Mode, route: string): Promise<boolean> {
    return this.write(mode, route, async (trx) => {
      const gone = await trx.deleteFrom('route_connectors').where('mode', '=', mode).where('route', '=', route).returning('route').executeTakeFirst();
      return gone !== undefined;
    });
  }

  changed(change: Change): void {
    if (change.kind !== 'connector') return;
    this.generation++;
    this.cache.delete(key(change.mode as Mode, change.route));
  }

  reset(): void {
    this.generation++;
    this.cache.clear();
  }

  private async configured(mode: Mode, route: string): Promise<Connector | undefined> {
    const cached = this.cache.get(key(mode, route));
    if (cached) return cached;
    const generation = this.generation;
    const row = await this.load(this.db, mode, route);
    if (!row || row.kind !== 'http') return undefined;
    const connector = new HttpConnector(row.config, row.secrets, { now: this.now });
    if (generation === this.generation) this.cache.set(key(mode, route), connector);
    return connector;
  }

  private async load(db: Kysely<Database>, mode: Mode, route: string, forUpdate = false): Promise<Stored | undefined> {
    const query = db.selectFrom('route_connectors').select(['kind', 'config', 'secrets', 'updated_at']).where('mode', '=', mode).where('route', '=', route);
    const row = await (forUpdate ? query.forUpdate() : query).executeTakeFirst();
    return row && { kind: row.kind, config: row.config as unknown as HttpConnectorConfig, secrets: row.secrets, updated_at: row.updated_at };
  }

  /** A write every instance hears of when it commits; this one forgets its copy before answering. */
  private async write<T>(mode: Mode, route: string, change: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        const result = await change(trx);
        await publish(trx, { kind: 'connector', mode, route });
        return result;
      });
    } finally {
      this.changed({ kind: 'connector', mode, route });
    }
  }
}

function mergeSecrets(before: HttpConnectorSecrets, given: NonNullable<ConnectorPut['secrets']>): HttpConnectorSecrets {
  const merged: Record<string, string> = { ...before };
  for (const [name, value] of Object.entries(given)) {
    if (value === null) delete merged[name];
    else if (value !== undefined) merged[name] = value;
  }
  return merged;
}
