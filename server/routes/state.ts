// /v1/routes and /v1/rates: stored route state, rate tables and p2p pools.
import type { Kysely } from 'kysely';
import { Hono } from 'hono';
import { audit } from '../audit.js';
import type { Database } from '../db/schema.js';
import { body, nameParam, type AppEnv } from '../http.js';
import { notFound, Problem } from '../problem.js';
import { isCurrency } from '../../runtime/currencies.js';
import { rateTable } from '../../runtime/rates.js';
import { parseJsonDecimal } from '../../runtime/rational.js';
import { pointer, poolErrors } from '../../runtime/state.js';
import type { ValidationError } from '../../runtime/validation.js';
import { addP2PPayments, getRoute, listRates, putRates, putRoute, type P2PPaymentIn, type RoutePatch } from '../route-state.js';
import type { StateSnapshots } from '../state-snapshots.js';

export function routeStateRoutes(db: Kysely<Database>, states: StateSnapshots, now: () => Date): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.put('/:route', async (c) => {
    const route = nameParam(c, 'route');
    const patch = await body<RoutePatch>(c, 'RoutePut');
    refuse(routePatchErrors(patch));
    const mode = c.get('mode');
    const saved = await states.transaction(async (trx) => {
      const row = await putRoute(trx, mode, route, patch);
      await audit(trx, c.get('actor'), { mode, action: 'route-state-changed', route, detail: { ...patch, ...(typeof patch.balance === 'number' ? { balance: String(patch.balance) } : {}) } });
      return row;
    });
    return c.json(saved);
  });
  app.get('/:route', async (c) => c.json(await getRoute(db, c.get('mode'), nameParam(c, 'route'), now())));
  app.post('/:route/p2p-payments', async (c) => {
    const payments = await body<P2PPaymentIn[]>(c, 'P2PPayments');
    refuse(poolErrors(payments).map(splitError));
    const route = nameParam(c, 'route');
    const mode = c.get('mode');
    const added = await states.transaction(async (trx) => {
      const n = await addP2PPayments(trx, mode, route, payments);
      await audit(trx, c.get('actor'), { mode, action: 'p2p-payments-added', route, detail: { payments: payments.length } });
      return n;
    });
    return c.json({ route: c.req.param('route'), added }, 201);
  });
  return app;
}

export function rateRoutes(db: Kysely<Database>, states: StateSnapshots): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.put('/:rate_scheme', async (c) => {
    const rates = await body<Record<string, string>>(c, 'RatesPut');
    refuse(rateTable(rates).errors.map((e) => ({ path: pointer('', e.key), message: e.message })));
    const name = nameParam(c, 'rate_scheme');
    const mode = c.get('mode');
    await states.transaction(async (trx) => {
      await putRates(trx, mode, name, rates);
      await audit(trx, c.get('actor'), { mode, action: 'rates-changed', detail: { rate_scheme: name, rates } });
    });
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

/**
 * Stored state is read by the runtime's own parsers at every decision: what they would reject
 * is refused here, at write time, so a stored value can never fail a payout later.
 */
function refuse(errors: readonly ValidationError[]): void {
  if (errors.length) throw new Problem(422, 'invalid-body', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
}

function routePatchErrors(patch: RoutePatch): ValidationError[] {
  const errors: ValidationError[] = [];
  if (patch.balance !== undefined && patch.balance !== null && parseJsonDecimal(patch.balance) === undefined) {
    errors.push({ path: '/balance', message: 'must be a plain decimal such as "100.00" (no exponent)' });
  }
  if (patch.currency !== undefined && !isCurrency(patch.currency)) errors.push({ path: '/currency', message: 'is not a known ISO 4217 currency code' });
  return errors;
}

/** A runtime state error ("/PATH: message") as a validation error. */
function splitError(e: string): ValidationError {
  const at = e.indexOf(': ');
  return { path: e.slice(0, at), message: e.slice(at + 2) };
}
