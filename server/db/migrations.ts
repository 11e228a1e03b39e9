// Schema changes as kysely migrations, in order; never edit one that has shipped, add the next.
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('revoked_at', 'timestamptz')
      .execute();
    await db.schema
      .createTable('schemes')
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('active_version', 'integer')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('schemes_pk', ['mode', 'name'])
      .execute();
    await db.schema
      .createTable('scheme_versions')
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('message', 'text')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('scheme_versions_pk', ['mode', 'name', 'version'])
      .execute();
    await db.schema
      .createTable('routes')
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('route', 'text', (c) => c.notNull())
      .addColumn('balance', 'numeric')
      .addColumn('currency', 'text')
      .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
      .addColumn('test_outcome', 'text', (c) => c.notNull().defaultTo('success'))
      .addColumn('used_day', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('daily_used', 'numeric', (c) => c.notNull().defaultTo(0))
      .addColumn('used_month', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('monthly_used', 'numeric', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('routes_pk', ['mode', 'route'])
      .execute();
    await db.schema
      .createTable('rates')
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('rate_scheme', 'text', (c) => c.notNull())
      .addColumn('rates', 'jsonb', (c) => c.notNull())
      .addPrimaryKeyConstraint('rates_pk', ['mode', 'rate_scheme'])
      .execute();
    await db.schema
      .createTable('p2p_payments')
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('route', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('amount', 'numeric', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
      .addPrimaryKeyConstraint('p2p_payments_pk', ['mode', 'route', 'id'])
      .execute();
    await db.schema
      .createTable('volumes')
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('scheme', 'text', (c) => c.notNull())
      .addColumn('strategy_key', 'text', (c) => c.notNull())
      .addColumn('route', 'text', (c) => c.notNull())
      .addColumn('volume', 'numeric', (c) => c.notNull())
      .addPrimaryKeyConstraint('volumes_pk', ['mode', 'scheme', 'strategy_key', 'route'])
      .execute();
    await db.schema
      .createTable('payout_points')
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('currencies', 'jsonb', (c) => c.notNull())
      .addColumn('scheme', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('payout_points_pk', ['mode', 'id'])
      .execute();
    await db.schema
      .createTable('payout_requests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('idempotency_key', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('resolution', 'text')
      .addColumn('block', 'text')
      .addColumn('point_id', 'text', (c) => c.notNull())
      .addColumn('service', 'text', (c) => c.notNull())
      .addColumn('scheme', 'text', (c) => c.notNull())
      .addColumn('version', 'integer')
      .addColumn('attributes', 'jsonb', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addUniqueConstraint('payout_requests_idempotency', ['mode', 'idempotency_key'])
      .execute();
    await db.schema.createIndex('payout_requests_mode_created').on('payout_requests').columns(['mode', 'created_at', 'id']).execute();
    await db.schema
      .createTable('payouts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('payout_request_id', 'text', (c) => c.notNull().references('payout_requests.id'))
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('route', 'text', (c) => c.notNull())
      .addColumn('amount', 'numeric', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('fee', 'numeric', (c) => c.notNull())
      .addColumn('request_amount', 'numeric', (c) => c.notNull())
      .addColumn('p2p', 'jsonb', (c) => c.notNull())
      .addColumn('reserved_day', 'text', (c) => c.notNull())
      .addColumn('strategy_key', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await db.schema.createIndex('payouts_request').on('payouts').column('payout_request_id').execute();
    await db.schema.createIndex('payout_requests_processing').on('payout_requests').columns(['status', 'updated_at']).execute();
    await db.schema
      .createTable('events')
      .addColumn('id', 'serial', (c) => c.primaryKey())
      .addColumn('payout_request_id', 'text', (c) => c.notNull().references('payout_requests.id'))
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('data', 'jsonb', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`clock_timestamp()`))
      .execute();
    await db.schema.createIndex('events_request').on('events').column('payout_request_id').execute();
  },
};

/** A hash of each payout request's canonical body, so an Idempotency-Key reused with another body is refused. */
const requestHash: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('payout_requests').addColumn('request_hash', 'text').execute();
  },
};

/** A route's provider connector per mode; without a row, the mode's default (DESIGN.md, Payouts). */
const connectors: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('route_connectors')
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('route', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('config', 'jsonb', (c) => c.notNull())
      .addColumn('secrets', 'jsonb', (c) => c.notNull())
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('route_connectors_pk', ['mode', 'route'])
      .execute();
    // Webhooks name the route, not the mode.
    await db.schema.createIndex('route_connectors_route').on('route_connectors').column('route').execute();
  },
};


/** The payout lifecycle: payouts of their own (the payout operation), asynchronous statuses, and fenced runs. */
const payoutLifecycle: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('payouts')
      .addColumn('mode', 'text')
      .addColumn('reference', 'text')
      .addColumn('sent_at', 'timestamptz')
      .addColumn('next_check_at', 'timestamptz')
      .addColumn('checks', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('updated_at', 'timestamptz')
      .addColumn('idempotency_key', 'text')
      .addColumn('request_hash', 'text')
      .addColumn('point_id', 'text')
      .addColumn('scheme', 'text')
      .addColumn('version', 'integer')
      .execute();
    await sql`update payouts set mode = r.mode, scheme = r.scheme, version = r.version, updated_at = payouts.created_at from payout_requests r where r.id = payouts.payout_request_id`.execute(db);
    await sql`update payouts set status = 'created' where status = 'pending'`.execute(db);
    await db.schema.alterTable('payouts').alterColumn('mode', (c) => c.setNotNull()).execute();
    await db.schema.alterTable('payouts').alterColumn('updated_at', (c) => c.setNotNull()).execute();
    await db.schema.alterTable('payouts').alterColumn('updated_at', (c) => c.setDefault(sql`now()`)).execute();
    await db.schema.alterTable('payouts').alterColumn('payout_request_id', (c) => c.dropNotNull()).execute();
    await db.schema.createIndex('payouts_idempotency').unique().on('payouts').columns(['mode', 'idempotency_key']).execute();
    await db.schema.createIndex('payouts_due').on('payouts').columns(['status', 'next_check_at']).execute();
    await db.schema.createIndex('payouts_reference').on('payouts').columns(['mode', 'route', 'reference']).execute();
    await db.schema.createIndex('payouts_mode_created').on('payouts').columns(['mode', 'created_at', 'id']).execute();
    await db.schema
      .alterTable('payout_requests')
      .addColumn('fence', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('lease_owner', 'text')
      .addColumn('lease_until', 'timestamptz')
      .execute();
    await db.schema.alterTable('events').addColumn('payout_id', 'text').execute();
    await db.schema.alterTable('events').alterColumn('payout_request_id', (c) => c.dropNotNull()).execute();
    await db.schema.createIndex('events_payout').on('events').column('payout_id').execute();
  },
};

/**
 * Merchant webhooks: endpoints per mode (deleted ones kept, secret wiped, so a delivery written
 * while one was deleted still finds its row), each event once with the exact body every attempt
 * signs, one delivery per endpoint and event, and the log of its attempts.
 */
const webhooks: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('webhook_endpoints')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('deleted_at', 'timestamptz')
      .execute();
    await db.schema.createIndex('webhook_endpoints_mode').on('webhook_endpoints').columns(['mode', 'created_at']).execute();
    await db.schema
      .createTable('webhook_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('webhook_deliveries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('endpoint_id', 'text', (c) => c.notNull().references('webhook_endpoints.id'))
      .addColumn('event_id', 'text', (c) => c.notNull().references('webhook_events.id'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'timestamptz')
      .addColumn('retry_since', 'timestamptz', (c) => c.notNull())
      .addColumn('claim', 'text')
      .addColumn('delivered_at', 'timestamptz')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['status', 'next_attempt_at']).execute();
    await db.schema.createIndex('webhook_deliveries_endpoint').on('webhook_deliveries').columns(['endpoint_id', 'created_at']).execute();
    await db.schema
      .createTable('webhook_attempts')
      .addColumn('id', 'serial', (c) => c.primaryKey())
      .addColumn('delivery_id', 'text', (c) => c.notNull().references('webhook_deliveries.id'))
      .addColumn('at', 'timestamptz', (c) => c.notNull())
      .addColumn('status_code', 'integer')
      .addColumn('error', 'text')
      .addColumn('response', 'text')
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('webhook_attempts_delivery').on('webhook_attempts').columns(['delivery_id', 'id']).execute();
  },
};

/**
 * Roles, the audit trail and four-eyes activation: keys get a role and a last use, versions who
 * saved them, modes a setting for approvals; activation requests wait for an approver.
 */
const governance: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('api_keys').addColumn('role', 'text').execute();
    await db.schema.alterTable('api_keys').addColumn('last_used_at', 'timestamptz').execute();
    await db.schema.alterTable('scheme_versions').addColumn('created_by_id', 'text').execute();
    await db.schema.alterTable('scheme_versions').addColumn('created_by_name', 'text').execute();
    await db.schema
      .createTable('mode_settings')
      .addColumn('mode', 'text', (c) => c.primaryKey())
      .addColumn('require_approval', 'boolean', (c) => c.notNull().defaultTo(false))
      .execute();
    await db.schema
      .createTable('activation_requests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('scheme', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('from_version', 'integer')
      .addColumn('rollback', 'boolean', (c) => c.notNull().defaultTo(false))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('message', 'text')
      .addColumn('requested_by_id', 'text', (c) => c.notNull())
      .addColumn('requested_by_name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('decided_by_id', 'text')
      .addColumn('decided_by_name', 'text')
      .addColumn('decided_at', 'timestamptz')
      .addColumn('decision_message', 'text')
      .execute();
    await db.schema.createIndex('activation_requests_mode').on('activation_requests').columns(['mode', 'status', 'created_at']).execute();
    await db.schema
      .createTable('audit')
      .addColumn('id', 'bigserial', (c) => c.primaryKey())
      .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('mode', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('scheme', 'text')
      .addColumn('version', 'integer')
      .addColumn('route', 'text')
      .addColumn('key_id', 'text')
      .addColumn('key_name', 'text', (c) => c.notNull())
      .addColumn('key_role', 'text')
      .addColumn('message', 'text')
      .addColumn('detail', 'jsonb')
      .execute();
    await db.schema.createIndex('audit_scheme').on('audit').columns(['mode', 'scheme', 'id']).execute();
  },
};

const MIGRATIONS: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_request_hash': requestHash,
  '0003_connectors': connectors,
  '0004_payout_lifecycle': payoutLifecycle,
  '0005_webhooks': webhooks,
  '0006_governance': governance,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/**
 * Brings the database up to date; returns an error message, or undefined on success. `schema`:
 * where the migration tables are, when not the default; kysely looks for them in every schema
 * otherwise, and would take another schema's for this one's.
 */
export async function migrate(db: Kysely<unknown>, schema?: string): Promise<string | undefined> {
  const { error } = await new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) }).migrateToLatest();
  return error === undefined ? undefined : error instanceof Error ? error.message : String(error);
}

/** How many of this code's migrations the database has not run (readiness: 0 when it is current). */
export async function pendingMigrations(db: Kysely<unknown>, schema?: string): Promise<number> {
  const migrations = await new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) }).getMigrations();
  return migrations.filter((m) => m.executedAt === undefined).length;
}
