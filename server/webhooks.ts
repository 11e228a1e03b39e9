// Merchant webhook endpoints per mode and their deliveries as the API shows them. An endpoint's
// secret is returned once, when it is created; after that it only signs.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, Mode, WebhookAttemptTable } from './db/schema.js';
import { generateSecret } from './keys.js';
import { notFound, Problem } from './problem.js';
import { iso } from './route-state.js';

/** Endpoints a mode may have at once. */
export const MAX_ENDPOINTS = 20;

export interface EndpointJson {
  readonly id: string;
  readonly url: string;
  readonly created_at: string;
}

/** An http(s) URL without credentials in it (they would be logged and shown); else a 422. */
export function checkEndpointUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Problem(422, 'invalid-body', 'url is not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Problem(422, 'invalid-body', 'url must be http or https');
  if (url.username || url.password) throw new Problem(422, 'invalid-body', 'url must not carry credentials; verify the signature instead');
  return url.href;
}

export async function createEndpoint(db: Kysely<Database>, mode: Mode, urlText: string): Promise<EndpointJson & { secret: string }> {
  const url = checkEndpointUrl(urlText);
  const id = `we_${randomUUID().replaceAll('-', '')}`;
  const secret = generateSecret('whsec');
  const created_at = new Date();
  await db.transaction().execute(async (trx) => {
    // One creation per mode at a time, so two cannot both pass the limit.
    await sql`select pg_advisory_xact_lock(hashtext(${`webhook_endpoints:${mode}`}))`.execute(trx);
    const { n } = await trx.selectFrom('webhook_endpoints').select((e) => e.fn.countAll<string>().as('n')).where('mode', '=', mode).where('deleted_at', 'is', null).executeTakeFirstOrThrow();
    if (Number(n) >= MAX_ENDPOINTS) throw new Problem(409, 'conflict', `a mode has at most ${MAX_ENDPOINTS} webhook endpoints; delete one first`);
    await trx.insertInto('webhook_endpoints').values({ id, mode, url, secret, created_at }).execute();
  });
  return { id, url, secret, created_at: iso(created_at) };
}

export async function listEndpoints(db: Kysely<Database>, mode: Mode): Promise<EndpointJson[]> {
  const rows = await db.selectFrom('webhook_endpoints').select(['id', 'url', 'created_at']).where('mode', '=', mode).where('deleted_at', 'is', null).orderBy('created_at').orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, url: r.url, created_at: iso(r.created_at) }));
}

/** Deletes an endpoint: its secret is wiped and its pending deliveries cancelled. False when the mode has no such endpoint. */
export async function deleteEndpoint(db: Kysely<Database>, mode: Mode, id: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('webhook_endpoints')
      .set({ deleted_at: new Date(), secret: '' })
      .where('id', '=', id)
      .where('mode', '=', mode)
      .where('deleted_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (!row) return false;
    await trx.updateTable('webhook_deliveries').set({ status: 'cancelled', next_attempt_at: null, claim: null }).where('endpoint_id', '=', id).where('status', '=', 'pending').execute();
    return true;
  });
}

async function endpointOf(db: Kysely<Database>, mode: Mode, id: string): Promise<void> {
  const row = await db.selectFrom('webhook_endpoints').select('id').where('id', '=', id).where('mode', '=', mode).where('deleted_at', 'is', null).executeTakeFirst();
  if (!row) throw notFound(`no webhook endpoint '${id.slice(0, 100)}'`);
}

function attemptJson(a: Selectable<WebhookAttemptTable>) {
  return { at: iso(a.at), status_code: a.status_code, error: a.error, response: a.response, duration_ms: a.duration_ms };
}

const deliveryColumns = ['d.id', 'd.event_id', 'v.type', 'v.created_at as event_created_at', 'd.status', 'd.attempts', 'd.next_attempt_at', 'd.delivered_at', 'd.created_at'] as const;

function deliveriesOf(db: Kysely<Database>, endpointId: string) {
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_events as v', 'v.id', 'd.event_id')
    .select(deliveryColumns)
    .where('d.endpoint_id', '=', endpointId);
}

type DeliveryRow = Awaited<ReturnType<ReturnType<typeof deliveriesOf>['executeTakeFirstOrThrow']>>;

function deliveryJson(d: DeliveryRow, last: Selectable<WebhookAttemptTable> | undefined) {
  return {
    id: d.id,
    event: { id: d.event_id, type: d.type, created_at: iso(d.event_created_at) },
    status: d.status,
    attempts: d.attempts,
    last_attempt: last ? attemptJson(last) : null,
    next_attempt_at: d.next_attempt_at ? iso(d.next_attempt_at) : null,
    delivered_at: d.delivered_at ? iso(d.delivered_at) : null,
    created_at: iso(d.created_at),
  };
}

export type DeliveryJson = ReturnType<typeof deliveryJson>;

async function lastAttempts(db: Kysely<Database>, ids: readonly string[]): Promise<Map<string, Selectable<WebhookAttemptTable>>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('webhook_attempts').selectAll().distinctOn('delivery_id').where('delivery_id', 'in', ids).orderBy('delivery_id').orderBy('id', 'desc').execute();
  return new Map(rows.map((a) => [a.delivery_id, a]));
}

/** The endpoint's newest deliveries, at most `limit`. */
export async function listDeliveries(db: Kysely<Database>, mode: Mode, endpointId: string, limit: number): Promise<DeliveryJson[]> {
  await endpointOf(db, mode, endpointId);
  const rows = await deliveriesOf(db, endpointId).orderBy('d.created_at', 'desc').orderBy('d.id', 'desc').limit(limit).execute();
  const last = await lastAttempts(db, rows.map((r) => r.id));
  return rows.map((r) => deliveryJson(r, last.get(r.id)));
}

/** One delivery with the log of its attempts, oldest first, and the event's body as sent. */
export async function getDelivery(db: Kysely<Database>, mode: Mode, endpointId: string, id: string) {
  await endpointOf(db, mode, endpointId);
  const row = await deliveriesOf(db, endpointId).select('v.body').where('d.id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`no delivery '${id.slice(0, 100)}' for this endpoint`);
  const attempts = await db.selectFrom('webhook_attempts').selectAll().where('delivery_id', '=', id).orderBy('id').execute();
  return { ...deliveryJson(row, attempts.at(-1)), payload: JSON.parse(row.body) as unknown, attempt_log: attempts.map(attemptJson) };
}

/** Makes a delivery due now, whatever its status, with a fresh retry window. */
export async function resendDelivery(db: Kysely<Database>, mode: Mode, endpointId: string, id: string): Promise<DeliveryJson> {
  await endpointOf(db, mode, endpointId);
  const now = new Date();
  const updated = await db
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', next_attempt_at: now, retry_since: now, claim: null })
    .where('id', '=', id)
    .where('endpoint_id', '=', endpointId)
    .returning('id')
    .executeTakeFirst();
  if (!updated) throw notFound(`no delivery '${id.slice(0, 100)}' for this endpoint`);
  const row = await deliveriesOf(db, endpointId).where('d.id', '=', id).executeTakeFirstOrThrow();
  return deliveryJson(row, (await lastAttempts(db, [id])).get(id));
}
