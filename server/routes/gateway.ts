// /v1/payout-points and /v1/payout-gateway/payout-requests.
import type { Kysely } from 'kysely';
import { Hono, type Context } from 'hono';
import type { Database, Mode } from '../db/schema.js';
import { FINAL_PAYOUT_STATUSES, PAYOUT_STATUSES, type PayoutStatus } from '../../runtime/payout-status.js';
import { requestHash, findByIdempotencyKey, processPayoutRequest, type GatewayDeps, type PayoutRequestAttributes } from '../gateway.js';
import { createPayout, findPayoutByKey, type PayoutAttributes } from '../payout-operation.js';
import { body, type AppEnv } from '../http.js';
import { listPayoutRequests, listPayouts, payoutRequestResource, payoutResource, type ListFilters } from '../payout-resource.js';
import { notFound, Problem } from '../problem.js';

interface PayoutPoint {
  readonly id: string;
  readonly currencies: string[];
  readonly scheme: string;
}

/** The mode's payout points by id (one, given an id). */
function listPoints(db: Kysely<Database>, mode: Mode, id?: string): Promise<PayoutPoint[]> {
  let q = db.selectFrom('payout_points').select(['id', 'currencies', 'scheme']).where('mode', '=', mode);
  if (id !== undefined) q = q.where('id', '=', id);
  return q.orderBy('id').execute();
}

export function payoutPointRoutes(db: Kysely<Database>): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => c.json({ data: await listPoints(db, c.get('mode')) }));
  app.get('/:id', async (c) => {
    const id = c.req.param('id');
    const [point] = await listPoints(db, c.get('mode'), id);
    if (!point) throw notFound(`no payout point '${id.slice(0, 100)}'`);
    return c.json(point);
  });
  return app.post('/', async (c) => {
    const p = await body<{ id: string; currencies: string[]; scheme: string }>(c, 'PayoutPoint');
    const currencies = JSON.stringify([...new Set(p.currencies)]);
    await db
      .insertInto('payout_points')
      .values({ mode: c.get('mode'), id: p.id, currencies, scheme: p.scheme })
      .onConflict((oc) => oc.columns(['mode', 'id']).doUpdateSet({ currencies, scheme: p.scheme }))
      .execute();
    return c.json({ id: p.id, currencies: [...new Set(p.currencies)], scheme: p.scheme }, 201);
  });
}

type TextFilter = Exclude<keyof ListFilters, 'limit'>;

function pick(q: Record<string, string>, names: readonly TextFilter[]): Partial<Record<TextFilter, string>> {
  return Object.fromEntries(names.filter((n) => q[n] !== undefined && q[n] !== '').map((n) => [n, q[n]]));
}

function idempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (header.length < 1 || header.length > 255) throw new Problem(400, 'invalid-body', 'Idempotency-Key must be 1 to 255 characters');
  return header;
}

/** 201 for a resource whose status is final, 202 for one still on its way (`processing`, `pending`). */
const createdStatus = (status: string): 201 | 202 => (FINAL_STATUSES.has(status) ? 201 : 202);
const FINAL_STATUSES = new Set<string>([...FINAL_PAYOUT_STATUSES, 'processed', 'blocked']);

function limitParam(q: Record<string, string>): number {
  const limit = q['limit'] === undefined ? 50 : Number(q['limit']);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new Problem(400, 'invalid-body', 'limit must be a whole number from 1 to 500');
  return limit;
}

interface Creation<A> {
  /** The resource an Idempotency-Key named before (with the same body; another body throws 422). */
  earlier(mode: Mode, key: string, hash: string): Promise<string | undefined>;
  make(mode: Mode, attrs: A, key: string | undefined): Promise<string>;
  show(mode: Mode, id: string): Promise<{ data: { attributes: { status: string } } }>;
}

/** A POST that creates a payout request or a payout: replayed under its Idempotency-Key, answered 201 or 202. */
function create<A>(schema: 'PayoutRequest' | 'Payout', how: Creation<A>): (c: Context<AppEnv>) => Promise<Response> {
  return async (c) => {
    const mode = c.get('mode');
    const key = idempotencyKey(c.req.header('idempotency-key'));
    const b = await body<{ data: { attributes: A } }>(c, schema);
    const earlier = key === undefined ? undefined : await how.earlier(mode, key, requestHash(b.data.attributes));
    if (earlier) c.header('Idempotent-Replayed', 'true');
    const resource = await how.show(mode, earlier ?? (await how.make(mode, b.data.attributes, key)));
    return c.json(resource, createdStatus(resource.data.attributes.status));
  };
}

export function payoutRequestRoutes(deps: GatewayDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post(
    '/',
    create<PayoutRequestAttributes>('PayoutRequest', {
      earlier: (mode, key, hash) => findByIdempotencyKey(deps.db, mode, key, hash),
      make: (mode, attrs, key) => processPayoutRequest(deps, mode, attrs, key),
      show: (mode, id) => payoutRequestResource(deps.db, mode, id, false),
    }),
  );
  app.get('/', async (c) => {
    const q = c.req.query();
    const filters: ListFilters = { limit: limitParam(q), ...pick(q, ['status', 'service', 'point_id', 'from', 'to', 'cursor']) };
    return c.json(await listPayoutRequests(deps.db, c.get('mode'), filters));
  });
  app.get('/:id', async (c) => c.json(await payoutRequestResource(deps.db, c.get('mode'), c.req.param('id'), true)));
  return app;
}

/** The payout operation: a payout to a named route, without routing. */
export function payoutRoutes(deps: GatewayDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post(
    '/',
    create<PayoutAttributes>('Payout', {
      earlier: (mode, key, hash) => findPayoutByKey(deps.db, mode, key, hash),
      make: (mode, attrs, key) => createPayout(deps, mode, attrs, key),
      show: (mode, id) => payoutResource(deps.db, mode, id, false),
    }),
  );
  app.get('/', async (c) => {
    const q = c.req.query();
    const status = q['status'];
    if (status !== undefined && !(PAYOUT_STATUSES as readonly string[]).includes(status)) throw new Problem(400, 'invalid-body', `status must be one of ${PAYOUT_STATUSES.join(', ')}`);
    return c.json(await listPayouts(deps.db, c.get('mode'), limitParam(q), status as PayoutStatus | undefined));
  });
  app.get('/:id', async (c) => c.json(await payoutResource(deps.db, c.get('mode'), c.req.param('id'), true)));
  return app;
}
