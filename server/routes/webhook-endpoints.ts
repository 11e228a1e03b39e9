// /v1/webhook-endpoints: a mode's merchant webhook endpoints, their deliveries, and resending one.
import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { body, type AppEnv } from '../http.js';
import { notFound, Problem } from '../problem.js';
import { createEndpoint, deleteEndpoint, getDelivery, listDeliveries, listEndpoints, resendDelivery } from '../webhooks.js';

/** Deliveries listed at most (the newest). */
export const MAX_DELIVERIES_LISTED = 100;

function limitOf(text: string | undefined): number {
  const limit = text === undefined ? 50 : Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_DELIVERIES_LISTED) throw new Problem(400, 'invalid-body', `limit must be a whole number from 1 to ${MAX_DELIVERIES_LISTED}`);
  return limit;
}

export function webhookEndpointRoutes(db: Kysely<Database>): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/', async (c) => {
    const b = await body<{ url: string }>(c, 'WebhookEndpointCreate');
    return c.json(await createEndpoint(db, c.get('mode'), b.url), 201);
  });
  app.get('/', async (c) => c.json({ data: await listEndpoints(db, c.get('mode')) }));
  app.delete('/:id', async (c) => {
    if (!(await deleteEndpoint(db, c.get('mode'), c.req.param('id')))) throw notFound(`no webhook endpoint '${c.req.param('id').slice(0, 100)}'`);
    return c.body(null, 204);
  });
  app.get('/:id/deliveries', async (c) => c.json({ data: await listDeliveries(db, c.get('mode'), c.req.param('id'), limitOf(c.req.query('limit'))) }));
  app.get('/:id/deliveries/:delivery_id', async (c) => c.json(await getDelivery(db, c.get('mode'), c.req.param('id'), c.req.param('delivery_id'))));
  app.post('/:id/deliveries/:delivery_id/resend', async (c) => c.json(await resendDelivery(db, c.get('mode'), c.req.param('id'), c.req.param('delivery_id'))));
  return app;
}
