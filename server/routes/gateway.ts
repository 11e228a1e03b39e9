// /v1/payout-points and /v1/payout-gateway/payout-requests.
import type { Kysely } from 'kysely';
import { Hono } from 'hono';
import type { Database, Mode } from '../db/schema.js';
import { findByIdempotencyKey, processPayoutRequest, requestHash, type GatewayDeps, type PayoutRequestAttributes } from '../gateway.js';
import { body, type AppEnv } from '../http.js';
import { listPayoutRequests, payoutRequestResource, type ListFilters } from '../payout-resource.js';
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

export function payoutRequestRoutes(deps: GatewayDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/', async (c) => {
    const mode = c.get('mode');
    const key = idempotencyKey(c.req.header('idempotency-key'));
    const b = await body<{ data: { attributes: PayoutRequestAttributes } }>(c, 'PayoutRequest');
    const idempotency = key === undefined ? undefined : { key, hash: requestHash(b) };
    const earlier = idempotency === undefined ? undefined : await findByIdempotencyKey(deps.db, mode, idempotency);
    if (earlier) {
      c.header('Idempotent-Replayed', 'true');
      return c.json(await payoutRequestResource(deps.db, mode, earlier, false), 201);
    }
    const id = await processPayoutRequest(deps, mode, b.data.attributes, idempotency);
    return c.json(await payoutRequestResource(deps.db, mode, id, false), 201);
  });
  app.get('/', async (c) => {
    const q = c.req.query();
    const limit = q['limit'] === undefined ? 50 : Number(q['limit']);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new Problem(400, 'invalid-body', 'limit must be a whole number from 1 to 500');
    const filters: ListFilters = { limit, ...pick(q, ['status', 'service', 'point_id', 'from', 'to', 'cursor']) };
    return c.json(await listPayoutRequests(deps.db, c.get('mode'), filters));
  });
  app.get('/:id', async (c) => c.json(await payoutRequestResource(deps.db, c.get('mode'), c.req.param('id'), true)));
  return app;
}
