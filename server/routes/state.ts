// /v1/routes and /v1/rates: stored route state, rate tables and p2p pools.
import type { Kysely } from 'kysely';
import { Hono } from 'hono';
import type { Database } from '../db/schema.js';
import { body, nameParam, type AppEnv } from '../http.js';
import { notFound } from '../problem.js';
import { addP2PPayments, getRoute, listRates, putRates, putRoute, type P2PPaymentIn, type RoutePatch } from '../route-state.js';
import type { StateSnapshots } from '../state-snapshots.js';

export function routeStateRoutes(db: Kysely<Database>, states: StateSnapshots, now: () => Date): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.put('/:route', async (c) => {
    const route = nameParam(c, 'route');
    const patch = await body<RoutePatch>(c, 'RoutePut');
    return c.json(await states.transaction((trx) => putRoute(trx, c.get('mode'), route, patch)));
  });
  app.get('/:route', async (c) => c.json(await getRoute(db, c.get('mode'), nameParam(c, 'route'), now())));
  app.post('/:route/p2p-payments', async (c) => {
    const payments = await body<P2PPaymentIn[]>(c, 'P2PPayments');
    const route = nameParam(c, 'route');
    const added = await states.transaction((trx) => addP2PPayments(trx, c.get('mode'), route, payments));
    return c.json({ route: c.req.param('route'), added }, 201);
  });
  return app;
}

export function rateRoutes(db: Kysely<Database>, states: StateSnapshots): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.put('/:rate_scheme', async (c) => {
    const rates = await body<Record<string, string>>(c, 'RatesPut');
    const name = nameParam(c, 'rate_scheme');
    await states.transaction((trx) => putRates(trx, c.get('mode'), name, rates));
    return c.json({ rate_scheme: name, rates });
  });
  app.get('/', async (c) => c.json({ data: await listRates(db, c.get('mode')) }));
  app.get('/:rate_scheme', async (c) => {
    const name = nameParam(c, 'rate_scheme');
    const [table] = await listRates(db, c.get('mode'), name);
    if (!table) throw notFound(`no rate table '${name}'`);
    return c.json(table);
  });
  return app;
}
